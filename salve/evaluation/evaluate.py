"""Score a pipeline against gold documents: entities per label, relations per type, event slots.

    salve evaluate training/rules corpus/gold/seeds.jsonl --out reports/rules_seeds.json

The model is any pipeline directory or installed package. Relations are scored end to end (predicted entities).
"""
from pathlib import Path
from typing import Any, Dict

from wasabi import msg

from salve.corpus.docbin import read_docbin, record_to_doc
from salve.corpus.files import load_records
from salve.evaluation.metrics import EVENT_SLOTS, evaluate_docs, run_with_gold_entities
from salve.pipeline.knowledge import Knowledge
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES


def score_table(scores: Dict[str, Dict[str, float]], labels) -> list:
    return [[label, f"{scores[label]['p']:.3f}", f"{scores[label]['r']:.3f}", f"{scores[label]['f']:.3f}",
             scores[label]["tp"], scores[label]["fp"], scores[label]["fn"]] for label in [*labels, "micro"]]


def print_metrics(metrics: Dict[str, Any]) -> None:
    header = ["label", "P", "R", "F1", "tp", "fp", "fn"]
    for mode in ("exact", "overlap"):
        msg.divider(f"Entities ({mode} span)")
        msg.table(score_table(metrics["entities"][mode], ENTITY_LABELS), header=header, divider=True)
    msg.divider("Relations (end to end, exact endpoints)")
    msg.table(score_table(metrics["relations"]["exact"], RELATION_TYPES), header=header, divider=True)
    if "relations_gold_entities" in metrics:
        msg.divider("Relations (gold entities)")
        msg.table(score_table(metrics["relations_gold_entities"], RELATION_TYPES), header=header, divider=True)
    ev = metrics["events"]
    msg.divider("Events")
    print(f"gold {ev['gold']}, predicted {ev['predicted']}, matched {ev['matched']}: "
          f"precision {ev['precision']:.3f}, recall {ev['recall']:.3f}")
    msg.table([[slot, f"{ev['slot_accuracy'][slot]:.3f}"] for slot in EVENT_SLOTS], header=["slot", "accuracy"], divider=True)


def evaluate_model(nlp, gold_docs, knowledge: Knowledge) -> Dict[str, Any]:
    """End-to-end metrics plus relation scores with gold entities."""
    pred_docs = list(nlp.pipe(doc.text for doc in gold_docs))
    return evaluate_docs(gold_docs, pred_docs, knowledge, run_with_gold_entities(nlp, gold_docs))


def load_gold(nlp, gold: Path) -> list:
    """Gold docs from JSONL/markup records, or from a .spacy DocBin."""
    if gold.suffix == ".spacy":
        return read_docbin(nlp, gold)
    return [record_to_doc(nlp, record, str(gold), line) for line, record in load_records(gold)]
