"""Augmentation, splits and the copy check of the training corpus."""
import json
import random

from conftest import GOLD, run_salve

from salve.corpus.augment import replace_mentions
from salve.corpus.docbin import records_to_docbin
from salve.corpus.format import read_records, validate_record, write_records
from salve.corpus.splits import make_splits


def test_augmentation_keeps_annotations_valid_and_aligned(knowledge, blank_fr):
    rng = random.Random(0)
    records = [r for _, r in read_records(GOLD)]
    augmented = [replace_mentions(r, knowledge, rng, suffix=f"aug{i}") for i, r in enumerate(records * 3)]
    for source, aug in zip(records * 3, augmented):
        assert validate_record(aug) == []
        assert aug["meta"]["derived_from"] == source["meta"]["doc_id"] and aug["meta"]["augmented"] is True
        assert len(aug["relations"]) == len(source["relations"])
        old = {e["id"]: source["text"][e["start_offset"]:e["end_offset"]] for e in source["entities"]}
        new = {e["id"]: aug["text"][e["start_offset"]:e["end_offset"]] for e in aug["entities"]}
        labels = {e["id"]: e["label"] for e in source["entities"]}
        assert all(old[i] == new[i] for i in old if labels[i] in ("ATTACK", "CASUALTY"))
    assert any(a["text"] != s["text"] for a, s in zip(augmented, records * 3))
    records_to_docbin(blank_fr, list(enumerate(augmented)), "aug")  # raises on any misaligned span


def _doc(doc_id, **meta):
    return {"text": "x", "entities": [], "relations": [], "meta": {"doc_id": doc_id, **meta}}


def test_folds_never_leak_a_seed_or_its_augmentations():
    seeds = [_doc(f"s{i}") for i in range(5)]
    augmented = [_doc(f"s{i}__aug{k}", derived_from=f"s{i}", augmented=True) for i in range(5) for k in range(3)]
    synthetic = [_doc(f"syn{i}", synthetic=True) for i in range(40)]
    splits = make_splits(seeds, synthetic, augmented, dev_fraction=0.2)
    for k in range(5):
        train_ids = {r["meta"]["doc_id"] for r in splits[f"fold_{k}"]["train"]}
        assert [r["meta"]["doc_id"] for r in splits[f"fold_{k}"]["test"]] == [f"s{k}"]
        assert not any(i == f"s{k}" or i.startswith(f"s{k}__") for i in train_ids)
        assert len(train_ids) == 4 + 12 + len(synthetic) - len(splits["dev"]["dev"])
    dev_ids = {r["meta"]["doc_id"] for r in splits["dev"]["dev"]}
    assert dev_ids and not dev_ids & {r["meta"]["doc_id"] for r in splits["final"]["train"]}
    noaug = {r["meta"]["doc_id"] for r in splits["noaug"]["train"]}
    noseeds = {r["meta"]["doc_id"] for r in splits["noseeds"]["train"]}
    assert noaug == noseeds | {f"s{i}" for i in range(5)} and not noseeds & {f"s{i}" for i in range(5)}
    again = make_splits(seeds, list(reversed(synthetic)), augmented, dev_fraction=0.2)
    assert {r["meta"]["doc_id"] for r in again["dev"]["dev"]} == dev_ids  # independent of order


def test_copy_check_catches_a_copied_seed_sentence(tmp_path):
    seed_text = read_records(GOLD)[0][1]["text"]
    copied = seed_text[seed_text.index("L’armée américaine a déclaré"):][:200]
    own = "Un drone a visé la base de Harir sans faire de victimes, selon un communiqué publié dans la soirée."
    path = tmp_path / "syn.jsonl"
    write_records([_doc("mine", synthetic=True) | {"text": own}], path)
    ok = run_salve("dataset", "copy-check", path, "--max-words", "10")
    assert ok.returncode == 0, ok.stdout
    write_records([_doc("mine", synthetic=True) | {"text": own}, _doc("copy", synthetic=True) | {"text": copied}], path)
    bad = run_salve("dataset", "copy-check", path, "--max-words", "10", "--report", tmp_path / "r.json")
    assert bad.returncode == 1
    rows = json.loads((tmp_path / "r.json").read_text())
    assert rows[0]["doc_id"] == "copy" and rows[0]["words"] >= 25


def test_synthetic_command_rejects_unmarked_documents(tmp_path):
    markup = tmp_path / "s.markup"
    markup.write_text('##doc a\n##meta {"synthetic": true}\nTexte un.\n##end\n##doc b\nTexte deux.\n##end\n', encoding="utf8")
    result = run_salve("dataset", "synthetic", markup, "--out", tmp_path / "s.jsonl")
    assert result.returncode == 1 and "doc b is not marked" in result.stdout


def test_splits_and_stats_commands(tmp_path):
    synthetic = tmp_path / "syn.jsonl"
    text = "Deux drones ont visé la base de Harir."
    write_records([{"text": text, "meta": {"doc_id": f"syn{i}", "synthetic": True},
                    "entities": [{"id": 1, "label": "WEAPON", "start_offset": 0, "end_offset": 11},
                                 {"id": 2, "label": "ATTACK", "start_offset": 12, "end_offset": 20}],
                    "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "USES"}]} for i in range(20)], synthetic)
    augmented = tmp_path / "aug.jsonl"
    assert run_salve("dataset", "augment", GOLD, "--out", augmented, "--per-document", "2").returncode == 0
    out = tmp_path / "splits"
    result = run_salve("dataset", "splits", "--gold", GOLD, "--synthetic", synthetic,
                        "--augmented", augmented, "--out-dir", out, "--dev-fraction", "0.2")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["fold_3/test"]) == 1 and len(manifest["final/train"]) + len(manifest["dev/dev"]) == 5 + 10 + 20
    stats_json = tmp_path / "stats.json"
    result = run_salve("dataset", "stats", out, "--out", stats_json)
    assert result.returncode == 0, result.stdout + result.stderr
    stats = json.loads(stats_json.read_text())
    assert stats["fold_0/test"]["documents"] == 1 and stats["fold_0/test"]["words"] > 400
    assert stats["final/train"]["USES"] >= 20 and "q:exact" in stats["final/train"]
