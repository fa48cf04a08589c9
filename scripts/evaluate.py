"""Score a pipeline against gold documents: entities per label, relations per type, event slots.

    python scripts/evaluate.py training/rules corpus/gold/seeds.jsonl --out reports/rules_seeds.json

The model is any pipeline directory or installed package whose components are registered (the salve
components are imported here). Relations are scored end to end (predicted entities).
"""
import json
from pathlib import Path
from typing import Any, Dict, Optional

import spacy
import typer
from wasabi import msg

import salve.components  # noqa: F401  (registers the Salve pipeline components)
from salve.corpus_files import load_records
from salve.docbin import record_to_doc
from salve.evaluation import EVENT_SLOTS, evaluate_docs, run_with_gold_entities
from salve.knowledge import Knowledge
from salve.labels import ENTITY_LABELS, RELATION_TYPES


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
        from salve.docbin import read_docbin
        return read_docbin(nlp, gold)
    return [record_to_doc(nlp, record, str(gold), line) for line, record in load_records(gold)]


def main(model: str = typer.Argument(..., help="Pipeline path or package name"),
         gold: Path = typer.Argument(..., exists=True, help="Gold JSONL, markup or .spacy"),
         knowledge: Path = typer.Option(Path("corpus/knowledge"), exists=True, file_okay=False),
         out: Optional[Path] = typer.Option(None, help="Write the metrics as JSON here")) -> None:
    nlp = spacy.load(model)
    metrics = evaluate_model(nlp, load_gold(nlp, gold), Knowledge.from_dir(knowledge))
    metrics["model"], metrics["gold"] = model, str(gold)
    print_metrics(metrics)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf8")
        msg.good(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
