"""Salve pipelines load with plain spacy.load in a fresh interpreter (entry points), and predictions do not depend
on how the pipeline is called: save/load, nlp.pipe vs nlp, n_process=2, empty and one-token texts."""
import json
import subprocess
import sys

import spacy
from conftest import CHECK_TEXTS, predictions

FRESH = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
print(json.dumps([{"ents": [[e.start_char, e.end_char, e.label_] for e in d.ents], "relations": d._.relations,
                   "events": d._.events} for d in nlp.pipe(json.loads(sys.argv[2]))]))
"""


def _fresh_interpreter(path, texts):
    result = subprocess.run([sys.executable, "-c", FRESH, str(path), json.dumps(texts)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "salve" not in FRESH.split("spacy.load")[0]  # the child imports nothing of Salve before loading
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rule_pipeline_loads_in_a_fresh_interpreter(rules_nlp, tmp_path):
    rules_nlp.to_disk(tmp_path / "rules")
    expected = json.loads(json.dumps(predictions(rules_nlp, CHECK_TEXTS)))
    assert _fresh_interpreter(tmp_path / "rules", CHECK_TEXTS) == expected
    assert expected[0]["events"] and expected[0]["relations"]


def test_trained_pipeline_loads_in_a_fresh_interpreter(trained_model):
    expected = json.loads(json.dumps(predictions(spacy.load(trained_model), CHECK_TEXTS)))
    assert _fresh_interpreter(trained_model, CHECK_TEXTS) == expected


def test_save_load_pipe_and_multiprocessing_give_the_same_predictions(trained_model, tmp_path):
    nlp = spacy.load(trained_model)
    reference = predictions(nlp, CHECK_TEXTS)
    nlp.to_disk(tmp_path / "again")
    assert predictions(spacy.load(tmp_path / "again"), CHECK_TEXTS) == reference
    one_by_one = [nlp(t) for t in CHECK_TEXTS]
    assert [{"ents": [(e.start_char, e.end_char, e.label_) for e in d.ents], "relations": d._.relations,
             "events": d._.events} for d in one_by_one] == reference
    multi = [{"relations": d._.relations, "events": d._.events} for d in nlp.pipe(CHECK_TEXTS, n_process=2)]
    assert multi == [{"relations": r["relations"], "events": r["events"]} for r in reference]
    assert reference[1] == {"ents": [], "relations": [], "events": []}  # the empty text
    assert reference[2]["relations"] == [] and reference[2]["events"] == []  # one token, no attack


def test_knowledge_serialisation_honours_exclude(trained_model, tmp_path):
    nlp = spacy.load(trained_model)
    events = nlp.get_pipe("salve_events")
    events.to_disk(tmp_path / "with")
    events.to_disk(tmp_path / "without", exclude=["knowledge"])
    assert (tmp_path / "with" / "knowledge.json").exists() and not (tmp_path / "without" / "knowledge.json").exists()
    n = len(events.knowledge.installations)
    events.from_disk(tmp_path / "without", exclude=["knowledge"])
    assert len(events.knowledge.installations) == n
