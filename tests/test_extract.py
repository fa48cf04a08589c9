"""The extract command on seeds, plain text, JSONL and bad inputs; chunking of long texts."""
import csv
import json
import os

import pytest
from conftest import SEEDS, run_salve

from salve.pipeline.text_input import CHUNK_CHARS, InputError, chunk_text, clean_text


def test_extract_cli_on_files_folder_and_jsonl(tmp_path, rules_nlp):
    model = tmp_path / "rules"
    rules_nlp.to_disk(model)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Trois drones ont visé la garnison d’Al-Tanf, sans faire de victimes.", encoding="utf8")
    (tmp_path / "in" / "junk.txt").write_bytes(b"\x00\x01\x02\xff\xfe")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf8")
    lines = tmp_path / "docs.jsonl"
    lines.write_text(json.dumps({"id": "j1", "text": "<p>Deux roquettes ont frappé l’aéroport d’Erbil.</p>"}) + "\n{broken\n", encoding="utf8")
    out, table = tmp_path / "out.jsonl", tmp_path / "events.csv"
    result = run_salve("extract", SEEDS / "004_29312c2a45db3735.txt", tmp_path / "in", lines,
                        "--model", model, "--out", out, "--csv", table)
    assert result.returncode == 1, result.stdout + result.stderr  # two inputs not processed; all the others written
    docs = {d["id"]: d for d in map(json.loads, out.read_text(encoding="utf8").splitlines())}
    assert set(docs) == {"004_29312c2a45db3735", "a", "junk", "empty", "j1", f"{lines}:2"}
    assert "not UTF-8" in docs["junk"]["error"] and "not a" in docs[f"{lines}:2"]["error"]
    assert docs["empty"]["events"] == [] and docs["empty"]["warnings"] == ["empty text"]
    assert docs["a"]["events"][0]["weapons"][0]["count"] == 3
    assert docs["j1"]["warnings"] == ["HTML markup removed"] and docs["j1"]["events"]
    ent = docs["j1"]["entities"][0]
    assert docs["j1"]["text"][ent["start"]:ent["end"]] == ent["text"]
    rel = docs["a"]["relations"][0]
    assert 0 <= rel["head"] < len(docs["a"]["entities"])
    rows = list(csv.DictReader(table.open(encoding="utf8")))
    seed_rows = [r for r in rows if r["source_id"] == "004_29312c2a45db3735"]
    assert seed_rows and seed_rows[0]["date"] == "2024-07-01" and seed_rows[0]["date_precision"] == "month" and seed_rows[0]["country"] == "Iraq"


def test_clean_text():
    assert clean_text("   ") == ("", ["empty text"])
    text, warnings = clean_text("<div>Des <b>roquettes</b> &amp; un drone</div><script>evil()</script>")
    assert text == "Des roquettes & un drone" and warnings == ["HTML markup removed"]
    with pytest.raises(InputError, match="binary"):
        clean_text("abc\x00def")
    _, warnings = clean_text("the cat sat on the mat " * 10)
    assert any("French" in w for w in warnings)


def test_chunks_cover_the_text_and_cut_at_boundaries():
    text = ("Une phrase courte. " * 40 + "\n\n") * 30
    chunks = chunk_text(text, max_chars=2000)
    assert "".join(c for _, c in chunks) == text
    assert all(len(c) <= 2000 for _, c in chunks) and len(chunks) > 1
    assert all(text[o:o + len(c)] == c for o, c in chunks)


def test_a_failing_document_does_not_stop_the_batch(blank_fr):
    from salve.extraction import process_batch

    class Flaky:
        """A pipeline that fails on one text, to check that only that document gets an error."""
        def __init__(self):
            self.calls = 0

        def pipe(self, texts, batch_size):
            for text in texts:
                self.calls += 1
                if "BOOM" in text:
                    raise RuntimeError("kaput")
                doc = blank_fr(text)
                doc._.events = []
                yield doc

    items = [("a", "Un texte.", None, None), ("b", "BOOM ici.", None, None), ("c", "Un autre.", None, None),
             ("d", None, None, "d: not UTF-8")]
    results = {item[0]: result for item, result in process_batch(Flaky(), items, batch_size=8)}
    assert list(results) == ["a", "b", "c", "d"]
    assert "error" not in results["a"] and "error" not in results["c"]
    assert "RuntimeError: kaput" in results["b"]["error"] and results["d"]["error"] == "d: not UTF-8"


def test_events_get_a_date_from_the_article_date_and_the_text(rules_nlp):
    from salve.extraction import process_batch
    text = "Mardi, au moins trois roquettes ont frappé la base aérienne d'Aïn al-Asad, dans l'ouest de l'Irak."
    items = [("a", text, "2024-07-17", None), ("b", text, None, None), ("c", text, "2024-07", None)]
    results = {item[0]: result for item, result in process_batch(rules_nlp, items, 8)}
    assert [(e["date"], e["date_precision"]) for e in results["a"]["events"]] == [("2024-07-16", "day")]
    assert results["b"]["events"][0]["date"] is None
    assert results["c"]["events"][0]["date_precision"] == "month"


FILLER = ("Le conseil municipal s'est réuni jeudi pour examiner le budget de la ville et la rénovation des écoles. "
          "Les élus ont débattu longuement des tarifs de la cantine et de l'entretien des routes communales.\n\n")


def _long_text():
    """Over two chunks: an attack on Aïn al-Asad in the first, the same attack again and another one (Erbil) in
    the second, with the boundary between them."""
    first = "Trois drones ont visé la base aérienne d'Aïn al-Asad mardi, sans faire de victimes.\n\n"
    second = ("L'attaque contre la base aérienne d'Aïn al-Asad a été revendiquée par la Résistance islamique en Irak.\n\n"
              "Par ailleurs, deux roquettes ont frappé l'aéroport d'Erbil mercredi, blessant un soldat.\n\n")
    return first + FILLER * (CHUNK_CHARS // len(FILLER) + 5) + second


def _one_piece(nlp, doc_id, text, date=None):
    """The result of the same text processed as one doc (no chunks), as process_batch writes it."""
    from salve.extraction import date_events
    from salve.pipeline.export import doc_to_json
    result = doc_to_json(nlp(text), doc_id)
    date_events(result, text, date)
    return result


def test_a_long_text_gives_the_offsets_and_events_of_one_piece(rules_nlp):
    from salve.extraction import offset_problems, process_batch
    text = _long_text()
    chunks = chunk_text(text)
    assert len(chunks) >= 2
    boundary = chunks[1][0]
    assert text.index("Aïn al-Asad") < boundary < text.index("L'attaque contre")
    [(_, result)] = list(process_batch(rules_nlp, [("long", text, "2024-07-17", None)], batch_size=8))
    assert "error" not in result
    assert offset_problems(result, text) == []
    for entity in result["entities"]:
        assert text[entity["start"]:entity["end"]] == entity["text"]
    for event in result["events"]:
        for span in [event["target"], *event["weapons"]]:
            assert text[span["start"]:span["end"]] == span["text"]
    # the Aïn al-Asad attack is one event although it is mentioned on both sides of the boundary
    targets = [e["target"]["text"] for e in result["events"]]
    assert len(result["events"]) == 2, targets
    assert result["events"][0]["claimed_by"] and result["events"][0]["weapons"][0]["count"] == 3
    reference = _one_piece(rules_nlp, "long", text, "2024-07-17")
    assert result["entities"] == reference["entities"]
    assert result["relations"] == reference["relations"]
    assert result["events"] == reference["events"]


def test_offset_problems_finds_offsets_outside_the_text():
    from salve.extraction import offset_problems
    text = "Deux roquettes."
    good = {"entities": [{"label": "WEAPON", "start": 0, "end": 14, "text": "Deux roquettes"}], "relations": [],
            "events": [{"offset": 0, "target": None, "weapons": [{"start": 0, "end": 14, "text": "Deux roquettes"}]}]}
    assert offset_problems(good, text) == []
    bad = {"entities": [{"label": "WEAPON", "start": 5, "end": 40, "text": "roquettes"}],
           "relations": [{"head": 0, "child": 3, "label": "USES"}],
           "events": [{"offset": 99, "target": {"start": 1, "end": 3, "text": "xx"}, "weapons": []}]}
    problems = offset_problems(bad, text)
    assert len(problems) == 4, problems


@pytest.fixture(scope="module")
def rules_model(tmp_path_factory, rules_nlp):
    path = tmp_path_factory.mktemp("rules") / "rules"
    rules_nlp.to_disk(path)
    return path


def test_extract_reports_bad_inputs_and_processes_the_others(tmp_path, rules_model):
    good = "Trois drones ont visé la garnison d’Al-Tanf, sans faire de victimes."
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(good, encoding="utf8")  # the same id twice
    (tmp_path / "a" / "ok.txt").write_text(good, encoding="utf8")
    (tmp_path / "a" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # a broken link
    (tmp_path / "a" / "loop.txt").symlink_to(tmp_path / "a" / "loop.txt")  # too many levels of links
    os.mkfifo(tmp_path / "a" / "pipe.txt")  # reading it would block the run
    (tmp_path / "dir.txt").mkdir()  # a folder named like a text file, given as an input: a folder without inputs
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.md").write_text("nothing to extract", encoding="utf8")
    lines = tmp_path / "docs.jsonl"
    lines.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "j1", "text": good}).encode() + b"\n"  # a byte order mark
                      + b'{"id": "j2", "text": "caf\xe9 latin-1"}\n'
                      + json.dumps({"id": "j1", "text": good}).encode() + b"\n"
                      + json.dumps({"id": "j3", "text": good}).encode() + b"\n")
    out = tmp_path / "out.jsonl"
    result = run_salve("extract", tmp_path / "a", tmp_path / "b", tmp_path / "notes", tmp_path / "dir.txt", lines,
                        "--model", rules_model, "--out", out)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    docs = [json.loads(line) for line in out.read_text(encoding="utf8").splitlines()]
    processed = [d["id"] for d in docs if "error" not in d]
    assert processed == ["ok", "same", "j1", "j3"]
    assert all(d["events"] for d in docs if "error" not in d)
    errors = {d["id"]: d["error"] for d in docs if "error" in d}
    assert f"{tmp_path / 'b' / 'same.txt'}: duplicate id 'same' (first in {tmp_path / 'a' / 'same.txt'})" in errors.values()
    assert f"{lines}:3: duplicate id 'j1' (first in {lines}:1)" in errors.values()
    assert any(e.startswith(f"{lines}:2: not UTF-8") for e in errors.values())
    assert any(e.startswith(f"{tmp_path / 'a' / 'gone.txt'}: cannot be read") for e in errors.values())
    assert any(e.startswith(f"{tmp_path / 'a' / 'loop.txt'}: cannot be read") for e in errors.values())
    assert any(e.startswith(f"{tmp_path / 'a' / 'pipe.txt'}: cannot be read (not a regular file)") for e in errors.values())
    assert f"{tmp_path / 'notes'}: no .txt or .jsonl file in this folder (it has 1 other file: readme.md)" in errors.values()
    assert f"{tmp_path / 'dir.txt'}: no .txt or .jsonl file in this folder" in errors.values()
    assert len(errors) == 8, errors
    for message in errors.values():  # every one of them is also said on the terminal
        assert message.split(":")[0] in output
    assert "8 not processed" in output


def test_extract_with_a_bad_model_path_says_so_in_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("Deux roquettes ont frappé l’aéroport d’Erbil.", encoding="utf8")
    out = tmp_path / "out.jsonl"
    for model in (tmp_path / "no-such-model", tmp_path):  # missing, and a folder that is not a pipeline
        result = run_salve("extract", tmp_path / "a.txt", "--model", model, "--out", out)
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert "Traceback" not in output and "--model" in output and str(model) in output
        assert not out.exists()
