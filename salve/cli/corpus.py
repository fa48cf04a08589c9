"""Corpus commands: markup <-> doccano JSONL <-> spaCy DocBin, validation and statistics.

    salve corpus --help
"""
from collections import Counter
from pathlib import Path
from typing import List, Optional, Tuple

import spacy
import typer
from spacy.tokens import DocBin
from wasabi import msg

from salve.corpus.docbin import doc_to_record, read_docbin, records_to_docbin
from salve.corpus.files import load_records
from salve.corpus.format import CorpusError, Record, doc_id_of, first_difference, read_records, write_records
from salve.corpus.markup import read_markup, records_to_markup
from salve.corpus.seeds import read_seed
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)


def print_problems(err: CorpusError) -> None:
    """One unwrapped line per problem (file:line: message), so editors and grep can jump to it."""
    msg.fail(f"{len(err.problems)} problem(s) in the corpus")
    for problem in err.problems:
        print(f"  {problem}")


def _fail(err: CorpusError) -> None:
    print_problems(err)
    raise typer.Exit(code=1)


def check_against_seeds(records: List[Record], seeds_dir: Path, file: str) -> List[str]:
    """Every record whose doc_id names a seed must carry exactly that seed's text."""
    problems = []
    for record in records:
        seed = seeds_dir / f"{doc_id_of(record)}.txt"
        if not seed.exists():
            continue
        text, _ = read_seed(seed)
        if text != record["text"]:
            at = first_difference(text, record["text"])
            problems.append(f"{file}: doc {doc_id_of(record)} differs from {seed} at character {at}: "
                            f"seed {text[at:at + 30]!r} vs corpus {record['text'][at:at + 30]!r}")
    return problems


@app.command("markup-to-jsonl")
def markup_to_jsonl(
    src: Path = typer.Argument(..., exists=True, help="Markup file (.markup)"),
    out: Path = typer.Argument(..., help="Output JSONL"),
    seeds_dir: Optional[Path] = typer.Option(None, help="Check docs named after a seed against its text"),
) -> None:
    """Convert authoring markup to doccano relation JSONL (offsets computed, schema validated)."""
    try:
        records = read_markup(src)
    except CorpusError as err:
        _fail(err)
    if seeds_dir is not None:
        problems = check_against_seeds(records, seeds_dir, str(src))
        if problems:
            msg.fail("Text does not match the seed")
            print("\n".join(f"  {p}" for p in problems))
            raise typer.Exit(code=1)
    write_records(records, out)
    msg.good(f"Wrote {len(records)} documents to {out}")


@app.command("jsonl-to-markup")
def jsonl_to_markup(src: Path = typer.Argument(..., exists=True), out: Path = typer.Argument(...)) -> None:
    """Write JSONL records as markup, for reading and reviewing annotations."""
    try:
        records = [r for _, r in read_records(src)]
    except CorpusError as err:
        _fail(err)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(records_to_markup(records), encoding="utf8")
    msg.good(f"Wrote {len(records)} documents to {out}")


@app.command("validate")
def validate(
    paths: List[Path] = typer.Argument(..., exists=True, help="JSONL or .markup files"),
    lang: str = typer.Option("fr", help="Language whose tokenizer the spans must align with"),
    seeds_dir: Optional[Path] = typer.Option(None, help="Also check seed documents' texts"),
) -> None:
    """Validate schema, offsets and token alignment; print every problem with file, line, ids and offsets."""
    nlp = spacy.blank(lang)
    failed = False
    for path in paths:
        try:
            records = load_records(path)
            records_to_docbin(nlp, records, str(path))
        except CorpusError as err:
            print_problems(err)
            failed = True
            continue
        problems = check_against_seeds([r for _, r in records], seeds_dir, str(path)) if seeds_dir else []
        if problems:
            msg.fail("Text does not match the seed")
            print("\n".join(f"  {p}" for p in problems))
            failed = True
            continue
        msg.good(f"{path}: {len(records)} documents valid")
    if failed:
        raise typer.Exit(code=1)


@app.command("to-docbin")
def to_docbin(
    src: List[Path] = typer.Argument(..., exists=True, help="JSONL or .markup files"),
    out: Path = typer.Option(..., "--out", "-o", help="Output .spacy file"),
    lang: str = typer.Option("fr"),
) -> None:
    """Convert corpus files into one DocBin; relations and meta travel in the Doc extensions."""
    nlp = spacy.blank(lang)
    docbin = DocBin(store_user_data=True)
    for path in src:
        try:
            docbin.merge(records_to_docbin(nlp, load_records(path), str(path)))
        except CorpusError as err:
            _fail(err)
    out.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(out)
    msg.good(f"Wrote {len(docbin)} docs to {out}")


@app.command("from-docbin")
def from_docbin(src: Path = typer.Argument(..., exists=True), out: Path = typer.Argument(...), lang: str = "fr") -> None:
    """Convert a DocBin back to doccano JSONL (lossless for DocBins made by to-docbin)."""
    docs = read_docbin(spacy.blank(lang), src)
    write_records((doc_to_record(doc) for doc in docs), out)
    msg.good(f"Wrote {len(docs)} records to {out}")


def record_counts(record: Record) -> Tuple[Counter, Counter]:
    labels = {e["id"]: e["label"] for e in record["entities"]}
    return Counter(labels.values()), Counter(r["type"] for r in record["relations"])


def stats_table(records: List[Record]) -> Tuple[List[str], List[List[object]]]:
    header = ["doc", "words"] + list(ENTITY_LABELS) + list(RELATION_TYPES)
    rows, total_ents, total_rels, words = [], Counter(), Counter(), 0
    for record in records:
        ents, rels = record_counts(record)
        n_words = len(record["text"].split())
        words += n_words
        total_ents.update(ents)
        total_rels.update(rels)
        rows.append([doc_id_of(record, "?"), n_words] + [ents[l] for l in ENTITY_LABELS] + [rels[r] for r in RELATION_TYPES])
    rows.append(["TOTAL", words] + [total_ents[l] for l in ENTITY_LABELS] + [total_rels[r] for r in RELATION_TYPES])
    return header, rows


@app.command("stats")
def stats(paths: List[Path] = typer.Argument(..., exists=True, help="JSONL or .markup files")) -> None:
    """Counts per entity label and relation type, per document and in total."""
    for path in paths:
        try:
            records = [r for _, r in load_records(path)]
        except CorpusError as err:
            _fail(err)
        header, rows = stats_table(records)
        msg.divider(str(path))
        msg.table(rows, header=header, divider=True)

