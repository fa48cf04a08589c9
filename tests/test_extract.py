"""The extract command on seeds, plain text, JSONL and bad inputs; chunking of long texts."""
import csv
import json

import pytest
from conftest import SEEDS, run_salve

from salve.pipeline.text_input import InputError, chunk_text, clean_text


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
    assert result.returncode == 0, result.stdout + result.stderr
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
