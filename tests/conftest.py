import json
import sys
from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpus" / "gold" / "seeds.jsonl"
SEEDS = ROOT / "seeds"
SCRIPTS = ROOT / "scripts"


@pytest.fixture(scope="session")
def blank_fr():
    return spacy.blank("fr")


@pytest.fixture
def write_jsonl(tmp_path):
    """Write raw lines (str) or records (dict) to a JSONL file and return its path."""
    def _write(*items, name="corpus.jsonl"):
        path = tmp_path / name
        lines = [item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in items]
        path.write_text("\n".join(lines) + "\n", encoding="utf8")
        return path
    return _write


def run_script(*args, cwd=ROOT):
    """Run a project script with the test interpreter; return the CompletedProcess."""
    import subprocess
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True)

KNOWLEDGE = ROOT / "corpus" / "knowledge"


@pytest.fixture(scope="session")
def knowledge():
    from salve.knowledge import Knowledge
    return Knowledge.from_dir(KNOWLEDGE)


@pytest.fixture(scope="session")
def rules_nlp():
    """The rule pipeline, built in memory from the repo's knowledge files."""
    sys.path.insert(0, str(SCRIPTS))
    from build_rules import build_rule_pipeline
    return build_rule_pipeline(KNOWLEDGE)


def prediction_like(rules_nlp, gold, with_annotations: bool = True):
    """A doc processed like a real prediction (syntax, hence sentences) carrying gold's entities and relations
    (or none), with its events built: known predictions for scoring tests."""
    from salve.doc_extensions import set_relations
    pred = rules_nlp.make_doc(gold.text)
    for name, proc in rules_nlp.pipeline:
        if name.startswith("salve_"):
            break
        pred = proc(pred)
    if with_annotations:
        pred.ents = [pred.char_span(e.start_char, e.end_char, label=e.label_) for e in gold.ents]
        set_relations(pred, gold._.relations)
    return rules_nlp.get_pipe("salve_events")(pred)


def annotated_doc(nlp, text, ents, rels=()):
    """A doc with entities given as (snippet, label) (first occurrence after the previous one) and relations
    as (head index, child index, label) into that list."""
    from salve.doc_extensions import make_relation, set_relations
    doc = nlp.make_doc(text) if not hasattr(nlp, "pipe_names") or not nlp.pipe_names else nlp(text)
    spans, cursor = [], 0
    for snippet, label in ents:
        start = text.index(snippet, cursor)
        cursor = start + len(snippet)
        spans.append(doc.char_span(start, cursor, label=label, alignment_mode="strict"))
    doc.ents = spans
    set_relations(doc, [make_relation(spans[h], spans[c], l) for h, c, l in rels])
    return doc
