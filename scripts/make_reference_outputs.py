"""Writes tests/data/rules_outputs.json: the rule pipeline's entities, relations and events on the seed texts
and the held-out texts, the reference that speed work must not change (issue 17; tests/test_reference_outputs.py).

Regenerate it only when a change of the rules or the event builder is meant to change outputs, and say so in
the commit:  .venv/bin/python scripts/make_reference_outputs.py
"""
import json
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "rules_outputs.json"


def reference_texts() -> List[str]:
    from salve.corpus.seeds import read_seed
    texts = [read_seed(p)[0] for p in sorted((ROOT / "seeds").glob("*.txt"))]
    lines = (ROOT / "corpus" / "heldout" / "heldout.jsonl").read_text(encoding="utf8").splitlines()
    return texts + [json.loads(line)["text"] for line in lines if line.strip()]


def reference_outputs(nlp) -> list:
    from salve.pipeline.export import doc_to_json
    return [doc_to_json(doc, str(i)) for i, doc in enumerate(nlp.pipe(reference_texts()))]


if __name__ == "__main__":
    from salve.training.rules import build_rule_pipeline
    OUT.parent.mkdir(parents=True, exist_ok=True)
    places = ROOT / "corpus" / "build" / "places.json"
    if not places.exists():
        from salve.corpus.places import write_places
        write_places(places)
    outputs = reference_outputs(build_rule_pipeline(ROOT / "corpus" / "knowledge", places))
    OUT.write_text(json.dumps(outputs, ensure_ascii=False, indent=0), encoding="utf8")
    print(f"wrote {OUT} ({len(outputs)} documents)")
