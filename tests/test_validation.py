"""Each kind of bad input is rejected with a message naming file, line, ids and offsets."""
import pytest

from salve.corpus.docbin import records_to_docbin
from salve.corpus.format import CorpusError, read_records

TEXT = "Au moins 14 roquettes ont frappé la base aérienne d'Ain al-Asad."


def ent(i, label, start, end):
    return {"id": i, "label": label, "start_offset": start, "end_offset": end}


def good_record():
    w = TEXT.index("Au moins 14 roquettes")
    a = TEXT.index("ont frappé")
    b = TEXT.index("la base")
    return {
        "text": TEXT,
        "entities": [ent(1, "WEAPON", w, w + 21), ent(2, "ATTACK", a, a + 10), ent(3, "BASE", b, len(TEXT) - 1)],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "USES"},
                      {"id": 2, "from_id": 2, "to_id": 3, "type": "TARGETS"}],
        "meta": {"doc_id": "t1"},
    }


def problems_for(write_jsonl, *items):
    path = write_jsonl(*items)
    with pytest.raises(CorpusError) as info:
        read_records(path)
    return path, [str(p) for p in info.value.problems]


def test_good_record_passes(write_jsonl):
    assert len(read_records(write_jsonl(good_record()))) == 1


def test_non_json_line(write_jsonl):
    path, probs = problems_for(write_jsonl, good_record(), "{not json")
    assert probs == [p for p in probs if p.startswith(f"{path}:2: not valid JSON")] and len(probs) == 1


def test_offsets_out_of_range(write_jsonl):
    rec = good_record()
    rec["entities"][0]["end_offset"] = 999
    path, probs = problems_for(write_jsonl, rec)
    assert any(p.startswith(f"{path}:1:") and "id=1 [0:999]" in p and "out of range" in p for p in probs)


def test_inverted_offsets(write_jsonl):
    rec = good_record()
    rec["entities"][0].update(start_offset=10, end_offset=5)
    path, probs = problems_for(write_jsonl, rec)
    assert any("id=1 [10:5]" in p and "inverted" in p for p in probs)


def test_overlapping_entities(write_jsonl):
    rec = good_record()
    rec["entities"].append(ent(9, "WEAPON", 9, 21))  # "14 roquettes" inside "Au moins 14 roquettes"
    path, probs = problems_for(write_jsonl, rec)
    assert any("overlapping entities id=1 [0:21]" in p and "id=9 [9:21]" in p for p in probs)


def test_unknown_label(write_jsonl):
    rec = good_record()
    rec["entities"][2]["label"] = "LOC"
    path, probs = problems_for(write_jsonl, rec)
    assert any("id=3" in p and "unknown label 'LOC'" in p for p in probs)


def test_relation_to_missing_id(write_jsonl):
    rec = good_record()
    rec["relations"][0]["to_id"] = 42
    path, probs = problems_for(write_jsonl, rec)
    assert any("relation id=1 (2 -USES-> 42)" in p and "missing entity id(s) [42]" in p for p in probs)


def test_relation_breaking_schema(write_jsonl):
    rec = good_record()
    rec["relations"][1]["type"] = "USES"  # ATTACK -USES-> BASE
    path, probs = problems_for(write_jsonl, rec)
    assert any("relation id=2" in p and "USES goes ATTACK -> WEAPON, not ATTACK" in p and "-> BASE" in p for p in probs)


def test_unknown_relation_type(write_jsonl):
    rec = good_record()
    rec["relations"][0]["type"] = "HITS"
    _, probs = problems_for(write_jsonl, rec)
    assert any("unknown relation type 'HITS'" in p for p in probs)


def test_duplicate_entity_and_relation_ids(write_jsonl):
    rec = good_record()
    rec["entities"][1]["id"] = 1
    rec["relations"][1]["id"] = 1
    _, probs = problems_for(write_jsonl, rec)
    assert any("duplicate entity id 1" in p for p in probs)
    assert any("duplicate relation id 1" in p for p in probs)


def test_duplicate_doc_ids(write_jsonl):
    path, probs = problems_for(write_jsonl, good_record(), good_record())
    assert any(p.startswith(f"{path}:2:") and "duplicate doc_id 't1'" in p for p in probs)


def test_all_problems_are_reported_together(write_jsonl):
    bad1, bad2 = good_record(), good_record()
    bad1["entities"][0]["label"] = "X"
    bad2["meta"]["doc_id"] = "t2"
    bad2["entities"][1]["end_offset"] = 1000
    path, probs = problems_for(write_jsonl, bad1, bad2, "[")
    lines = {p.split(":")[1] for p in probs}
    assert lines == {"1", "2", "3"}


def test_misaligned_span_is_reported_not_shifted(write_jsonl, blank_fr):
    rec = good_record()
    start = TEXT.index("al-Asad")
    rec["entities"][2].update(start_offset=start + 3, end_offset=start + 7)  # "Asad" is a token: aligned
    records_to_docbin(blank_fr, [(1, rec)], "x.jsonl")
    rec["entities"][2].update(start_offset=start, end_offset=start + 5)  # "al-As" cuts the token "Asad"
    with pytest.raises(CorpusError) as info:
        records_to_docbin(blank_fr, [(7, rec)], "x.jsonl")
    (problem,) = info.value.problems
    assert str(problem).startswith("x.jsonl:7: entity id=3 BASE")
    assert f"[{start}:{start + 5}] 'al-As' does not align" in str(problem)
    assert "'al-Asad'" in str(problem)  # the nearest token boundaries are suggested


# Issue 15: inputs that crashed or passed silently before.
def _read_bytes(tmp_path, data: bytes):
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(data)
    with pytest.raises(CorpusError) as info:
        read_records(path)
    return path, [str(p) for p in info.value.problems]


def test_a_file_that_is_not_utf8_is_reported_on_its_line(tmp_path):
    import json
    good = json.dumps(good_record(), ensure_ascii=False).encode("utf8")
    path, probs = _read_bytes(tmp_path, good + b"\n" + json.dumps({"text": "x"}).encode()[:-2] + b"\xe9\"}\n")
    assert probs == [f"{path}:2: not UTF-8: byte 0xe9 at column 12 (invalid continuation byte)"]


def test_a_byte_order_mark_is_accepted(tmp_path):
    import json
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(good_record(), ensure_ascii=False).encode("utf8") + b"\n")
    assert read_records(path)[0][1]["meta"]["doc_id"] == "t1"


def test_an_empty_file_is_not_a_valid_corpus(tmp_path):
    path, probs = _read_bytes(tmp_path, b"\n  \n")
    assert probs == [f"{path}:1: the file has no record (empty or only blank lines)"]


@pytest.mark.parametrize("field, value, message", [
    ("entity id", [1], "entity id=[1] [0:21]: an id must be an integer or a string"),
    ("entity id", True, "entity id=True [0:21]: an id must be an integer or a string"),
    ("relation id", {"a": 1}, "ids must be integers or strings"),
    ("doc_id", ["t1"], "meta.doc_id ['t1'] must be a string"),
])
def test_ids_that_are_not_scalars_are_reported_not_a_crash(write_jsonl, field, value, message):
    rec = good_record()
    if field == "entity id":
        rec["entities"][0]["id"] = value
    elif field == "relation id":
        rec["relations"][0]["id"] = value
    else:
        rec["meta"]["doc_id"] = value
    path, probs = problems_for(write_jsonl, rec, {**good_record(), "meta": {"doc_id": "t2"}})
    assert any(p.startswith(f"{path}:1: ") and message in p for p in probs), probs
