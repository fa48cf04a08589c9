"""Same command, same numbers (issue 15): training and augmentation with a fixed seed give identical results in
separate processes, whatever Python's string hash seed (set iteration order) is."""
import json
import os
import random
import subprocess
import sys

from conftest import GOLD, ROOT, seed_training_command

from salve.corpus.augment import replace_mentions
from salve.corpus.format import read_records

MODEL_FILES = ("tok2vec/model", "ner/model", "salve_relations/model")


def _salve(*args, hash_seed):
    """Start `salve ...` in a process of its own with the given PYTHONHASHSEED."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    return subprocess.Popen([sys.executable, "-m", "salve.cli.main", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_training_twice_with_the_same_seed_gives_identical_scores_and_weights(tmp_path, places_path):
    # 20 steps with the real CPU config: both runs at once (about 40 s on 2 cores), each with its own hash seed.
    runs = {name: _salve(*seed_training_command(tmp_path, places_path, steps=20, eval_frequency=10, output=name),
                         hash_seed=n) for n, name in enumerate(("a", "b"), start=1)}
    for name, process in runs.items():
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output[-3000:]
    scores = {name: json.loads((tmp_path / name / "model-best" / "meta.json").read_text())["performance"]
              for name in runs}
    assert scores["a"] == scores["b"]
    assert scores["a"]["ner_loss"] > 0 and scores["a"]["ents_f"] > 0  # a real run, not two empty ones
    for path in MODEL_FILES:
        assert (tmp_path / "a" / "model-best" / path).read_bytes() == (tmp_path / "b" / "model-best" / path).read_bytes(), path
    logs = {name: [line for line in (tmp_path / name / "train.log").read_text().splitlines() if line[:3].strip().isdigit()]
            for name in runs}
    assert len(logs["a"]) == 3 and logs["a"] == logs["b"]  # every evaluation row (losses and scores) is the same


def test_augmentation_with_the_same_seed_gives_identical_output(tmp_path, knowledge):
    command = ("dataset", "augment", GOLD, "--per-document", "3", "--seed", "7")
    runs = {name: _salve(*command, "--out", tmp_path / f"{name}.jsonl", hash_seed=n)
            for n, name in enumerate(("a", "b"), start=1)}
    for name, process in runs.items():
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output[-3000:]
    a, b = ((tmp_path / f"{name}.jsonl").read_bytes() for name in runs)
    assert len(a.splitlines()) == 15 and a == b
    # What the command does with its seed, in process: the same seed gives the same records, another seed others.
    records = [r for _, r in read_records(GOLD)]
    seven = [replace_mentions(r, knowledge, random.Random(7), suffix="aug1") for r in records]
    assert seven == [replace_mentions(r, knowledge, random.Random(7), suffix="aug1") for r in records]
    assert seven != [replace_mentions(r, knowledge, random.Random(8), suffix="aug1") for r in records]
