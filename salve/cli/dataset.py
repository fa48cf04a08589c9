"""Build the training corpus: synthetic JSONL from markup, copy check, augmentation, splits and statistics.

    salve dataset --help
"""
import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import spacy
import typer
from spacy.tokens import DocBin
from wasabi import msg

from salve.corpus.augment import replace_mentions
from salve.corpus.docbin import records_to_docbin
from salve.corpus.files import load_records
from salve.corpus.format import CorpusError, Problem, Record, doc_id_of, read_records, write_records
from salve.corpus.seeds import read_seed
from salve.corpus.splits import make_splits
from salve.pipeline.knowledge import Knowledge
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES, WEAPON
from salve.pipeline.quantities import QUALIFIERS, parse_quantity

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)


def _records(path: Path) -> List[Record]:
    try:
        return [r for _, r in load_records(path)]
    except CorpusError as err:
        msg.fail(f"{len(err.problems)} problem(s) in {path}")
        for problem in err.problems:
            print(f"  {problem}")
        raise typer.Exit(1)


@app.command("synthetic")
def synthetic(sources: List[Path] = typer.Argument(..., exists=True, help="Markup files, or folders of .markup files"),
              out: Path = typer.Option(..., help="Output JSONL")) -> None:
    """Convert written markup to one JSONL; every document must be marked synthetic and align with the tokenizer."""
    nlp = spacy.blank("fr")
    records, problems = [], []
    files = [f for path in sources for f in (sorted(path.glob("*.markup")) if path.is_dir() else [path])]
    if not files:
        msg.fail("no .markup file in " + ", ".join(map(str, sources)), exits=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    for path in files:
        part = _records(path)
        for n, record in enumerate(part, start=1):
            if (record.get("meta") or {}).get("synthetic") is not True:
                problems.append(Problem(str(path), n, f"doc {doc_id_of(record)} is not marked \"synthetic\": true"))
        try:
            records_to_docbin(nlp, list(enumerate(part, start=1)), str(path))
        except CorpusError as err:
            problems.extend(err.problems)
        records.extend(part)
    ids = Counter(doc_id_of(r) for r in records)
    problems += [Problem(str(out), 0, f"doc id {i} used {n} times") for i, n in ids.items() if n > 1]
    if problems:
        msg.fail(f"{len(problems)} problem(s)")
        for problem in problems:
            print(f"  {problem}")
        raise typer.Exit(1)
    write_records(records, out)
    words = sum(len(r["text"].split()) for r in records)
    msg.good(f"Wrote {len(records)} synthetic documents ({words} words) to {out}")


def _words(text: str) -> List[str]:
    return re.findall(r"\w+", text.lower())


def longest_shared_run(words: List[str], reference_ngrams: Dict[int, set], max_n: int) -> Tuple[int, str]:
    """Length and text of the longest word sequence of `words` that also occurs in the reference."""
    def shared(n: int):
        grams = reference_ngrams.setdefault(n, set())
        for i in range(len(words) - n + 1):
            if tuple(words[i:i + n]) in grams:
                return " ".join(words[i:i + n])
        return None
    low, high, best = 0, max_n, ""
    while low < high:  # binary search: if an n-gram is shared, so is an (n-1)-gram
        mid = (low + high + 1) // 2
        found = shared(mid)
        if found:
            low, best = mid, found
        else:
            high = mid - 1
    return low, best


@app.command("copy-check")
def copy_check(synthetic_jsonl: Path = typer.Argument(..., exists=True),
               seeds_dir: Path = typer.Option(Path("seeds"), exists=True, file_okay=False),
               max_words: int = typer.Option(10, help="Longest shared word sequence allowed"),
               report: Path = typer.Option(None, help="Write the per-document table (JSON) here")) -> None:
    """Longest word sequence each synthetic text shares with any seed; fails above --max-words."""
    seed_words = [_words(read_seed(p)[0]) for p in sorted(seeds_dir.glob("*.txt"))]
    max_n = 60
    ngrams: Dict[int, set] = {}
    for n in range(1, max_n + 1):
        ngrams[n] = {tuple(w[i:i + n]) for w in seed_words for i in range(len(w) - n + 1)}
    rows = []
    for record in read_records(synthetic_jsonl, validate=False):
        length, run = longest_shared_run(_words(record[1]["text"]), ngrams, max_n)
        rows.append({"doc_id": doc_id_of(record[1]), "words": length, "run": run})
    rows.sort(key=lambda r: -r["words"])
    msg.table([[r["doc_id"], r["words"], r["run"][:80]] for r in rows[:10]], header=["doc", "shared words", "longest run"])
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf8")
    worst = rows[0]["words"] if rows else 0
    if worst > max_words:
        msg.fail(f"{sum(r['words'] > max_words for r in rows)} synthetic text(s) share more than {max_words} words in a row with a seed")
        raise typer.Exit(1)
    msg.good(f"{len(rows)} synthetic texts: longest run shared with a seed is {worst} words (limit {max_words})")


@app.command("augment")
def augment(gold: Path = typer.Argument(..., exists=True), out: Path = typer.Option(...),
            knowledge: Path = typer.Option(Path("corpus/knowledge"), exists=True, file_okay=False),
            per_document: int = typer.Option(10, help="Augmented copies per gold document"),
            seed: int = typer.Option(42)) -> None:
    """Mention replacement on the gold documents; each copy records the document it comes from."""
    kb = Knowledge.from_dir(knowledge)
    rng = random.Random(seed)
    records = []
    for record in _records(gold):
        for k in range(per_document):
            records.append(replace_mentions(record, kb, rng, suffix=f"aug{k + 1}"))
    records_to_docbin(spacy.blank("fr"), list(enumerate(records, start=1)), str(out))  # validates alignment
    write_records(records, out)
    msg.good(f"Wrote {len(records)} augmented documents to {out}")


@app.command("splits")
def splits(gold: Path = typer.Option(..., exists=True), synthetic_jsonl: Path = typer.Option(..., "--synthetic", exists=True),
           augmented: Path = typer.Option(..., exists=True), out_dir: Path = typer.Option(Path("corpus/splits")),
           dev_fraction: float = typer.Option(0.15)) -> None:
    """Write the cross-validation folds, the final training set and the synthetic dev set as DocBins."""
    nlp = spacy.blank("fr")
    result = make_splits(_records(gold), _records(synthetic_jsonl), _records(augmented), dev_fraction)
    manifest = {}
    for name, parts in result.items():
        for part, records in parts.items():
            path = out_dir / name / f"{part}.spacy"
            path.parent.mkdir(parents=True, exist_ok=True)
            records_to_docbin(nlp, list(enumerate(records, start=1)), str(path)).to_disk(path)
            manifest[f"{name}/{part}"] = sorted(doc_id_of(r) for r in records)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf8")
    msg.good(f"Wrote {len(manifest)} DocBins to {out_dir}",
             ", ".join(f"{k}: {len(v)}" for k, v in manifest.items() if not k.startswith("fold_") or k.startswith("fold_0")))


@app.command("stats")
def stats(splits_dir: Path = typer.Argument(Path("corpus/splits"), exists=True, file_okay=False),
          knowledge: Path = typer.Option(Path("corpus/knowledge"), exists=True, file_okay=False),
          out: Path = typer.Option(None, help="Also write the table as JSON")) -> None:
    """Per split: documents, words, entities per label, relations per type, weapon types and count qualifiers."""
    nlp = spacy.blank("fr")
    kb = Knowledge.from_dir(knowledge)
    table, data = [], {}
    for path in sorted(splits_dir.glob("*/*.spacy")):
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        labels = Counter(e.label_ for d in docs for e in d.ents)
        rels = Counter(r["label"] for d in docs for r in (d._.relations or []))
        weapons = [e for d in docs for e in d.ents if e.label_ == WEAPON]
        wtypes = Counter(kb.weapon_type(e.text) or "other" for e in weapons)
        quals = Counter(parse_quantity(e.text).qualifier for e in weapons)
        name = f"{path.parent.name}/{path.stem}"
        row = {"documents": len(docs), "words": sum(len(d.text.split()) for d in docs), **labels, **rels,
               **{f"w:{k}": v for k, v in wtypes.items()}, **{f"q:{k}": v for k, v in quals.items()}}
        data[name] = row
        table.append([name, len(docs), row["words"]] + [labels[l] for l in ENTITY_LABELS] + [rels[r] for r in RELATION_TYPES])
    header = ["split", "docs", "words"] + [l[:6] for l in ENTITY_LABELS] + [r[:7] for r in RELATION_TYPES]
    msg.table(table, header=header, divider=True)
    wt = sorted({k for row in data.values() for k in row if k.startswith("w:")})
    qs = [f"q:{q}" for q in QUALIFIERS]
    msg.table([[n] + [row.get(k, 0) for k in wt + qs] for n, row in data.items()],
              header=["split"] + [k[2:] for k in wt] + [k[2:] for k in qs], divider=True)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, indent=1), encoding="utf8")

