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


def run_salve(*args, cwd=ROOT):
    """Run the `salve` command (as `python -m salve.cli.main`) with the test interpreter."""
    import subprocess
    return subprocess.run([sys.executable, "-m", "salve.cli.main", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True)


def plain(text):
    """Command output without its colour codes."""
    import re
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def one_line(result):
    """The only line a failed command printed (exit 1, no traceback): one clear line, not a traceback."""
    lines = [plain(line) for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1 and "Traceback" not in result.stderr, lines
    return lines[0]


def run_script(*args, cwd=ROOT):
    """Run a project script with the test interpreter; return the CompletedProcess."""
    import subprocess
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True)

KNOWLEDGE = ROOT / "corpus" / "knowledge"


@pytest.fixture(scope="session")
def knowledge():
    from salve.pipeline.knowledge import Knowledge
    return Knowledge.from_dir(KNOWLEDGE)


@pytest.fixture(scope="session")
def places_path(tmp_path_factory):
    """The geocoder's place table, built from the pinned packages' data (a few seconds)."""
    from salve.corpus.places import write_places
    path = tmp_path_factory.mktemp("places") / "places.json"
    write_places(path)
    return path


@pytest.fixture(scope="session")
def rules_nlp(places_path):
    """The rule pipeline, built in memory from the repo's knowledge files."""
    from salve.training.rules import build_rule_pipeline
    return build_rule_pipeline(KNOWLEDGE, places_path)


def prediction_like(rules_nlp, gold, with_annotations: bool = True):
    """A doc processed like a real prediction (syntax, hence sentences) carrying gold's entities and relations
    (or none), with its events built: known predictions for scoring tests."""
    from salve.pipeline.doc_extensions import set_relations
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
    from salve.pipeline.doc_extensions import make_relation, set_relations
    doc = nlp.make_doc(text) if not hasattr(nlp, "pipe_names") or not nlp.pipe_names else nlp(text)
    spans, cursor = [], 0
    for snippet, label in ents:
        start = text.index(snippet, cursor)
        cursor = start + len(snippet)
        spans.append(doc.char_span(start, cursor, label=label, alignment_mode="strict"))
    doc.ents = spans
    set_relations(doc, [make_relation(spans[h], spans[c], l) for h, c, l in rels])
    return doc


# A sentence of seed 003, so that a model trained briefly on the seeds gets it right: the packaging tests check
# that the installed wheel gives the content of the trained model, not merely objects of the right type.
CHECK_SENTENCE = ("AU MOINS trois roquettes ont touché la base aérienne d’Ain al-Asad qui abrite des troupes américaines "
                  "alors que les tensions éclatent.")
CHECK_TEXTS = [CHECK_SENTENCE, "", "Roquettes.",
               "Deux drones ont visé l'aéroport d'Erbil mardi soir, sans faire de victimes, selon la coalition."]


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory, places_path):
    """A model trained for a few dozen steps on the five seeds with the real CPU config (what CI can afford)."""
    out = tmp_path_factory.mktemp("trained")
    trained = run_salve(*seed_training_command(out, places_path, steps=200, eval_frequency=50))
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    return out / "training" / "model-best"


def seed_training_command(out, places_path, steps, eval_frequency, output="training"):
    """`salve train` arguments for a short run with the real CPU config (and its fixed seed) on the five seeds
    (dev: seed 3), their DocBins written to `out`; the model goes to out/<output>."""
    from spacy.tokens import DocBin

    from salve.corpus.docbin import record_to_doc
    from salve.corpus.format import read_records

    if not (out / "train.spacy").exists():
        nlp = spacy.blank("fr")
        docs = [record_to_doc(nlp, r) for _, r in read_records(GOLD)]
        DocBin(docs=docs, store_user_data=True).to_disk(out / "train.spacy")
        DocBin(docs=docs[3:4], store_user_data=True).to_disk(out / "dev.spacy")
    return ("train", "--train", out / "train.spacy", "--dev", out / "dev.spacy", "--output", out / output,
            "--override", f"training.max_steps={steps}", "--override", f"training.eval_frequency={eval_frequency}",
            "--override", "training.batcher.size.start=2000", "--override", f"paths.places={places_path}")


def predictions(nlp, texts):
    """What the packaging tests compare: entities, relations and events of each text."""
    return [{"ents": [(e.start_char, e.end_char, e.label_) for e in doc.ents], "relations": doc._.relations,
             "events": doc._.events} for doc in nlp.pipe(texts)]
