"""Each kind of bad input is rejected with a message naming file, line, ids and offsets."""
import pytest
from conftest import run_salve

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


# Issue 15, the other bad inputs: each gives exactly one located message naming the ids and offsets (no crash,
# no silent pass, no second message caused by the first), and `salve corpus validate` exits 1.
def _relation(rid, head, child, rtype):
    return {"id": rid, "from_id": head, "to_id": child, "type": rtype}


def _changed(change):
    def make(doc_id):
        rec = good_record()
        rec["meta"]["doc_id"] = doc_id
        change(rec)
        return rec
    return make


def _raw(line):
    return lambda doc_id: line.replace("DOC", doc_id)


BAD_INPUTS = [
    ("boolean offset", _changed(lambda r: r["entities"][0].update(start_offset=True)),
     "entity id=1 [True:21]: offsets must be integers, not boolean"),
    ("float offset", _changed(lambda r: r["entities"][0].update(end_offset=21.0)),
     "entity id=1 [0:21.0]: offsets must be integers, not number"),
    ("null offset", _changed(lambda r: r["entities"][2].update(start_offset=None)),
     "entity id=3 [None:63]: offsets must be integers, not null"),
    ("negative offset", _changed(lambda r: r["entities"][0].update(start_offset=-3)),
     "entity id=1 [-3:21]: offsets out of range (text has 64 characters)"),
    ("empty span", _changed(lambda r: r["entities"][1].update(end_offset=22)),
     "entity id=2 [22:22]: empty span (start == end)"),
    ("trailing whitespace", _changed(lambda r: r["entities"][0].update(end_offset=22)),
     "entity id=1 [0:22]: span 'Au moins 14 roquettes ' starts or ends with whitespace"),
    ("leading whitespace", _changed(lambda r: r["entities"][1].update(start_offset=21)),
     "entity id=2 [21:32]: span ' ont frappé' starts or ends with whitespace"),
    ("entity without end_offset", _changed(lambda r: r["entities"][0].pop("end_offset")),
     "entity id=1 [0:?]: missing key(s) 'end_offset'"),
    ("entity without label and start", _changed(lambda r: [r["entities"][2].pop(k) for k in ("label", "start_offset")]),
     "entity id=3 [?:63]: missing key(s) 'label', 'start_offset'"),
    ("relation without type", _changed(lambda r: r["relations"][1].pop("type")),
     "relation id=2 (2 -?-> 3): missing key(s) 'type'"),
    ("relation without to_id", _changed(lambda r: r["relations"][0].pop("to_id")),
     "relation id=1 (2 -USES-> ?): missing key(s) 'to_id'"),
    ("record without text", _changed(lambda r: r.pop("text")), "doc_id '{doc}': the record has no 'text'"),
    ("record without relations", _changed(lambda r: r.pop("relations")),
     "doc_id '{doc}': missing key(s) 'relations'; a document without annotations has empty arrays"),
    ("sequence-labeling export", _changed(lambda r: [r.pop("entities"), r.pop("relations"), r.update(label=[[0, 21, "WEAPON"]])]),
     "doc_id '{doc}': missing key(s) 'entities', 'relations' (it has 'label': doccano's sequence-labeling export? "
     "Salve reads the relation JSONL)"),
    ("text not a string", _changed(lambda r: r.update(text=["Au moins"])),
     "doc_id '{doc}': 'text' must be a string, not array"),
    ("entities not a list", _changed(lambda r: r.update(entities={"1": r["entities"][0]})),
     "doc_id '{doc}': 'entities' must be an array, not object"),
    ("relations not a list", _changed(lambda r: r.update(relations="USES")),
     "doc_id '{doc}': 'relations' must be an array, not string"),
    ("entity not an object", _changed(lambda r: r["entities"].append("WEAPON")),
     "entities[3] 'WEAPON': an entity must be an object with id, label, start_offset, end_offset, not string"),
    ("relation not an object", _changed(lambda r: r["relations"].insert(0, [2, 1, "USES"])),
     "relations[0] [2, 1, 'USES']: a relation must be an object with id, from_id, to_id, type, not array"),
    ("record not an object", _raw('["DOC", "Au moins 14 roquettes"]'), "a record must be a JSON object, not array"),
    ("meta not an object", _changed(lambda r: r.update(meta=[r["meta"]])), "'meta' must be a JSON object, not array"),
    ("same relation twice", _changed(lambda r: r["relations"].append(_relation(3, 2, 1, "USES"))),
     "relation id=3 (2 -USES-> 1): the same relation as relation id=1 (ATTACK [22:32] -USES-> WEAPON [0:21])"),
    ("label not a string", _changed(lambda r: r["entities"][0].update(label=["WEAPON"])),
     "entity id=1 [0:21]: unknown label ['WEAPON'] (known: ATTACK, WEAPON, BASE, ACTOR, CASUALTY)"),
    ("a key twice", _raw('{"text": "Roquettes.", "entities": [], "relations": [], "entities": [], "meta": {"doc_id": "DOC"}}'),
     "not valid corpus JSON: key 'entities' given twice in one object (only the last value would be kept)"),
    ("nested too deeply", _raw('{"meta": {"doc_id": "DOC", "x": ' + "[" * 100_000 + "]" * 100_000 + '}, "text": ""}'),
     "not valid corpus JSON: nested too deeply"),
    ("lone surrogate", _raw('{"text": "Roquettes \\ud83d.", "entities": [], "relations": [], "meta": {"doc_id": "DOC"}}'),
     "lone surrogate in text at offset 10 (U+D83D): not a character, cannot be written as UTF-8"),
]


@pytest.mark.parametrize("make, message", [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS])
def test_each_bad_input_gets_one_located_message(write_jsonl, make, message):
    path, probs = problems_for(write_jsonl, make("t1"), {**good_record(), "meta": {"doc_id": "t2"}})
    assert probs == [f"{path}:1: {message.format(doc='t1')}"]


def test_cli_validate_reports_every_bad_input_on_its_line_and_exits_1(write_jsonl):
    path = write_jsonl(*(make(f"t{n}") for n, (_, make, _) in enumerate(BAD_INPUTS, start=1)))
    result = run_salve("corpus", "validate", path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for n, (_, _, message) in enumerate(BAD_INPUTS, start=1):
        assert f"  {path}:{n}: {message.format(doc=f't{n}')}\n" in result.stdout
    assert f"{len(BAD_INPUTS)} problem(s) in the corpus" in result.stdout


def test_writing_is_atomic_a_record_that_cannot_be_written_leaves_the_file_as_it_was(tmp_path):
    from salve.corpus.format import write_records
    path = tmp_path / "corpus.jsonl"
    write_records([good_record()], path)
    before = path.read_bytes()
    with pytest.raises(UnicodeEncodeError):
        write_records([{**good_record(), "meta": {"doc_id": "new"}}, {**good_record(), "text": "\ud83d"}], path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["corpus.jsonl"]
