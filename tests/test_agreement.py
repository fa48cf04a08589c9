"""Inter-annotator agreement report (salve.evaluation.agreement): entity tables, event facts, name linking."""
import pytest

from salve.evaluation.agreement import agreement_report
from salve.pipeline.knowledge import Knowledge

TEXT = "Trois roquettes ont visé la base de Tal Baydar. Le SBU a revendiqué."


def _entity(i: int, fragment: str, label: str) -> dict:
    start = TEXT.index(fragment)
    return {"id": i, "start_offset": start, "end_offset": start + len(fragment), "label": label}


def _facts(doc_id: str, targets: list, claimed: list) -> dict:
    headline = {"target": targets[0] if targets else None, "weapon_type": "rocket", "weapon_count": 3,
                "killed": None, "injured": None, "claimed_by": claimed, "blamed_on": [], "unclaimed": False}
    return {"text": TEXT, "entities": [], "relations": [],
            "meta": {"doc_id": doc_id, "gold_events": {"targets": targets, "headline": headline if targets else None}}}


KB = Knowledge({"actors": [{"id": "sbu", "name": "Service de sécurité d'Ukraine", "aliases": ["SBU", "le SBU"]}]})


def test_entity_disagreements_are_counted_and_listed() -> None:
    a = {"text": TEXT, "meta": {"doc_id": "d1"}, "relations": [],
         "entities": [_entity(1, "Trois roquettes", "WEAPON"), _entity(2, "base de Tal Baydar", "BASE")]}
    b = {"text": TEXT, "meta": {"doc_id": "d1"}, "relations": [],
         "entities": [_entity(1, "roquettes", "WEAPON")]}
    report = agreement_report([a], [b])
    assert "## Entities, exact match" in report
    assert "| BASE | 0.000 | 0.000 | 0.000 | 0 | 1 | 0 |" in report
    assert "only A: BASE" in report and "only B: WEAPON" in report
    overlap = report.split("## Entities, overlap match")[1]
    assert "| WEAPON | 1.000 | 1.000 | 1.000 | 1 | 0 | 0 |" in overlap


def test_event_facts_only_have_no_entity_tables_and_list_target_differences() -> None:
    a = _facts("d1", ["base de Tal Baydar"], ["le SBU"])
    b = _facts("d1", ["base de Tal Baydar", "aéroport"], ["le SBU"])
    report = agreement_report([a], [b])
    assert "## Entities" not in report and "## Disagreements" not in report
    assert "Attacked targets: F1 0.667 (both 1, only A 0, only B 1)" in report
    assert "- d1 target only B: 'aéroport'" in report


def test_names_of_one_knowledge_base_entry_agree_only_with_the_knowledge_base() -> None:
    a = _facts("d1", ["base de Tal Baydar"], ["Service de sécurité d'Ukraine"])
    b = _facts("d1", ["base de Tal Baydar"], ["le SBU"])
    assert "| claimed_by | 0.000 | 1 |" in agreement_report([a], [b])
    assert "| claimed_by | 1.000 | 1 |" in agreement_report([a], [b], KB)


def test_documents_must_match() -> None:
    a, b = _facts("d1", [], []), _facts("d2", [], [])
    with pytest.raises(ValueError, match="missing"):
        agreement_report([a], [b])
    changed = dict(_facts("d1", [], []), text=TEXT + " Mise à jour.")
    with pytest.raises(ValueError, match="different texts"):
        agreement_report([a], [changed])


def test_second_annotation_is_put_beside_the_texts_and_a_missing_document_is_an_error(tmp_path) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parents[1] / "scripts" / "event_facts_to_corpus.py"
    source = tmp_path / "writer.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": TEXT, "meta": {"gold_events": {"targets": []}}}) + "\n"
                              for i in ("d1", "d2")), encoding="utf8")
    raw = tmp_path / "raw.jsonl"
    raw.write_text(json.dumps({"id": "d1", "gold_events": {"targets": ["base de Tal Baydar"]}}) + "\n", encoding="utf8")
    out = tmp_path / "b.jsonl"
    failed = subprocess.run([sys.executable, str(script), str(source), str(out), "--facts", str(raw)],
                            capture_output=True, text=True)
    assert failed.returncode != 0 and "d2" in failed.stderr and not out.exists()
    raw.write_text(raw.read_text() + json.dumps({"id": "d2", "gold_events": {"targets": []}}) + "\n", encoding="utf8")
    subprocess.run([sys.executable, str(script), str(source), str(out), "--facts", str(raw)], check=True)
    records = [json.loads(line) for line in out.read_text(encoding="utf8").splitlines()]
    assert [r["meta"]["doc_id"] for r in records] == ["d1", "d2"]
    assert records[0]["meta"]["gold_events"] == {"targets": ["base de Tal Baydar"]} and records[0]["text"] == TEXT
    assert records[0]["meta"]["entities_annotated"] is False
