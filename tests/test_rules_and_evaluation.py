"""The rule pipeline end to end, and the evaluation numbers on perfect and empty predictions."""
import spacy
from conftest import GOLD, prediction_like

from salve.corpus.docbin import record_to_doc
from salve.corpus.format import read_records
from salve.evaluation.metrics import evaluate_docs
from salve.pipeline.doc_extensions import relation_spans

TEXT = ("Au moins quatorze roquettes ont frappé jeudi la base aérienne d’Aïn al-Asad, blessant deux soldats. "
        "Aucune revendication n'a été faite.")


def test_rule_pipeline_finds_entities_relations_and_event(rules_nlp):
    doc = rules_nlp(TEXT)
    labels = {(e.label_, e.text) for e in doc.ents}
    assert ("WEAPON", "Au moins quatorze roquettes") in labels
    assert ("ATTACK", "ont frappé") in labels
    assert ("BASE", "la base aérienne d’Aïn al-Asad") in labels
    assert ("CASUALTY", "deux soldats") in labels
    rels = {(h.text, l, c.text) for h, c, l in relation_spans(doc)}
    assert ("ont frappé", "USES", "Au moins quatorze roquettes") in rels
    assert ("ont frappé", "TARGETS", "la base aérienne d’Aïn al-Asad") in rels
    assert ("ont frappé", "INJURED", "deux soldats") in rels
    (event,) = doc._.events
    assert event["weapons"][0]["count"] == 14 and event["weapons"][0]["qualifier"] == "at_least"
    assert event["injured"]["count"] == 2 and event["unclaimed"] is True


def test_rule_pipeline_round_trips_through_disk(rules_nlp, tmp_path):
    rules_nlp.to_disk(tmp_path / "rules")
    again = spacy.load(tmp_path / "rules")
    assert again(TEXT)._.events == rules_nlp(TEXT)._.events


def _gold_and_views(nlp):
    gold = [record_to_doc(nlp, r) for _, r in read_records(GOLD)]
    return gold


def test_perfect_prediction_scores_one_and_empty_scores_zero(rules_nlp, knowledge):
    gold = _gold_and_views(rules_nlp)
    perfect = [prediction_like(rules_nlp, g) for g in gold]
    metrics = evaluate_docs(gold, perfect, knowledge)
    assert metrics["entities"]["exact"]["micro"]["f"] == 1.0
    assert metrics["relations"]["exact"]["micro"]["f"] == 1.0
    assert metrics["events"]["recall"] == 1.0 and metrics["events"]["precision"] == 1.0
    assert set(metrics["events"]["slot_accuracy"].values()) == {1.0}

    empty = [rules_nlp.make_doc(g.text) for g in gold]
    for d in empty:
        d._.events = []
    metrics = evaluate_docs(gold, empty, knowledge)
    assert metrics["entities"]["exact"]["micro"]["f"] == 0.0
    assert metrics["relations"]["exact"]["micro"]["f"] == 0.0
    assert metrics["events"]["recall"] == 0.0 and set(metrics["events"]["slot_accuracy"].values()) == {0.0}
