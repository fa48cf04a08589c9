"""Augmentation, splits and the copy check of the training corpus."""
import json
import random

from salve.augment import replace_mentions
from salve.corpus_format import read_records, validate_record, write_records
from salve.docbin import records_to_docbin
from salve.splits import make_splits

from conftest import GOLD, run_script


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
    again = make_splits(seeds, list(reversed(synthetic)), augmented, dev_fraction=0.2)
    assert {r["meta"]["doc_id"] for r in again["dev"]["dev"]} == dev_ids  # independent of order


def test_copy_check_catches_a_copied_seed_sentence(tmp_path):
    seed_text = read_records(GOLD)[0][1]["text"]
    copied = seed_text[seed_text.index("L’armée américaine a déclaré"):][:200]
    own = "Un drone a visé la base de Harir sans faire de victimes, selon un communiqué publié dans la soirée."
    path = tmp_path / "syn.jsonl"
    write_records([_doc("mine", synthetic=True) | {"text": own}], path)
    ok = run_script("scripts/build_corpus.py", "copy-check", path, "--max-words", "10")
    assert ok.returncode == 0, ok.stdout
    write_records([_doc("mine", synthetic=True) | {"text": own}, _doc("copy", synthetic=True) | {"text": copied}], path)
    bad = run_script("scripts/build_corpus.py", "copy-check", path, "--max-words", "10", "--report", tmp_path / "r.json")
    assert bad.returncode == 1
    rows = json.loads((tmp_path / "r.json").read_text())
    assert rows[0]["doc_id"] == "copy" and rows[0]["words"] >= 25


def test_synthetic_command_rejects_unmarked_documents(tmp_path):
    markup = tmp_path / "s.markup"
    markup.write_text('##doc a\n##meta {"synthetic": true}\nTexte un.\n##end\n##doc b\nTexte deux.\n##end\n', encoding="utf8")
    result = run_script("scripts/build_corpus.py", "synthetic", markup, "--out", tmp_path / "s.jsonl")
    assert result.returncode == 1 and "doc b is not marked" in result.stdout
