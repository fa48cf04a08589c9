"""JSONL -> Doc/DocBin -> JSONL is lossless, relations and meta included."""
import json

from conftest import GOLD, run_salve
from spacy.tokens import DocBin

from salve.corpus.docbin import doc_to_record, record_to_doc, records_to_docbin
from salve.corpus.format import read_records
from salve.pipeline.doc_extensions import relation_spans


def test_gold_corpus_round_trip_through_docbin_bytes(blank_fr):
    records = read_records(GOLD)
    data = records_to_docbin(blank_fr, records, str(GOLD)).to_bytes()
    docs = list(DocBin().from_bytes(data).get_docs(blank_fr.vocab))
    assert [doc_to_record(d) for d in docs] == [r for _, r in records]


def test_relations_travel_with_the_doc(blank_fr):
    (_, rec), *_ = read_records(GOLD)
    doc = record_to_doc(blank_fr, rec)
    rels = relation_spans(doc)
    assert len(rels) == len(rec["relations"]) > 0
    assert ("eurent frappé", "au moins 14 roquettes", "USES") in {(h.text, c.text, l) for h, c, l in rels}


def test_extra_keys_and_entity_order_survive(blank_fr):
    rec = {"id": 77, "text": "Des tirs ont visé la base d'Al-Tanf.", "Comments": [],
           "entities": [{"id": 5, "label": "BASE", "start_offset": 18, "end_offset": 35},
                        {"id": 2, "label": "ATTACK", "start_offset": 4, "end_offset": 8}],
           "relations": [{"id": 9, "from_id": 2, "to_id": 5, "type": "TARGETS"}]}
    assert doc_to_record(record_to_doc(blank_fr, rec)) == rec


def test_cli_round_trip(tmp_path):
    spacy_file, back = tmp_path / "gold.spacy", tmp_path / "back.jsonl"
    r1 = run_salve("corpus", "to-docbin", GOLD, "--out", spacy_file)
    assert r1.returncode == 0, r1.stderr + r1.stdout
    r2 = run_salve("corpus", "from-docbin", spacy_file, back)
    assert r2.returncode == 0, r2.stderr + r2.stdout
    original = [json.loads(l) for l in GOLD.read_text(encoding="utf8").splitlines() if l.strip()]
    assert [json.loads(l) for l in back.read_text(encoding="utf8").splitlines()] == original


def test_cli_validate_fails_with_located_message(write_jsonl):
    bad = write_jsonl({"text": "abc", "entities": [{"id": 1, "label": "BASE", "start_offset": 0, "end_offset": 9}], "relations": []})
    result = run_salve("corpus", "validate", bad)
    assert result.returncode == 1
    assert f"{bad}:1: entity id=1 [0:9]: offsets out of range" in result.stdout
