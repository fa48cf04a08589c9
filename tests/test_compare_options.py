"""`salve compare --events`: component options given on the command line keep their JSON types."""
import json
from pathlib import Path

import pytest

from salve.training.compare import _option_value, compare, markdown, provenance, reused_info


@pytest.mark.parametrize("text, value", [
    ("true", True), ("False", False), ("0.4", 0.4), ('["TARGETS", "USES", "KILLED"]', ["TARGETS", "USES", "KILLED"]),
    ("salve_gazetteer", "salve_gazetteer"),
])
def test_option_values_are_read_as_json_else_kept_as_text(text, value):
    assert _option_value(text) == value


def test_an_unknown_training_split_is_named_in_the_error(tmp_path):
    (tmp_path / "noseeds").mkdir()
    with pytest.raises(FileNotFoundError, match="training split 'nosuch'"):
        compare([Path("configs/cpu.cfg")], [1], tmp_path, Path("corpus/gold/seeds.spacy"), Path("dev.jsonl"),
                tmp_path / "out", Path("corpus/knowledge"), train_split="nosuch", event_sets={})


def test_a_report_on_a_split_with_the_seeds_says_their_rows_are_not_held_out():
    runs = {"summary": {"seeds_entities_f": {"mean": 0.8, "sd": 0.01}}, "runs": [{}]}
    results = {"configs": {"cpu": runs}, "rows": ["seeds_entities_f"]}
    assert "trained without the seed articles" in markdown(results)
    assert "not held out" in markdown({**results, "train_split": "final"})


def test_a_reused_model_trained_on_another_split_is_an_error(tmp_path):
    info = tmp_path / "train_info.json"
    info.write_text(json.dumps({"threshold": 0.5, "train_seconds": 1.0, "train_split": "final"}), encoding="utf8")
    with pytest.raises(ValueError, match="trained on split 'final', not 'noseeds'"):
        reused_info(info, "noseeds")
    assert reused_info(info, "final")["train_split"] == "final"


def test_provenance_records_the_split_and_the_checksum_of_its_docbin(tmp_path):
    docbin = tmp_path / "train.spacy"
    docbin.write_bytes(b"not a real docbin")
    first = provenance("noaug", docbin)
    assert first["train_split"] == "noaug"
    docbin.write_bytes(b"another docbin")
    assert provenance("noaug", docbin)["train_sha256"] != first["train_sha256"]
