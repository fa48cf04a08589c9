"""`salve extract`: entities, relations and events from French articles.

    salve extract seeds/ --out extracted.jsonl --csv events.csv
    salve extract article.txt other.txt --model training/rules
    salve extract articles.jsonl --model fr_salve --out extracted.jsonl     # lines {"id": ..., "text": ...}

Inputs are .txt files, folders (every .txt inside), or JSONL files. A leading " date YYYY-MM " header in a
.txt file (as in seeds/) gives the date and is not processed as text. One output line per input document;
a document that cannot be read or processed gets an "error" (said on stderr with its file and line) and the run
goes on; the exit status is then 1.
"""
import csv
import json
import sys
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import List, Optional

import typer
from tqdm import tqdm

from salve.extraction import load_pipeline, process_batch, read_inputs
from salve.pipeline.export import CSV_COLUMNS, event_rows, geojson


def say(icon: str, message: str) -> None:
    """One message on one line of stderr (wasabi wraps at 80 columns, which would cut paths in two)."""
    typer.echo(f"{icon} {message}", err=True)


def extract(
    inputs: List[Path] = typer.Argument(..., exists=True, help=".txt files, folders of .txt, or JSONL {id, text}"),
    model: str = typer.Option("training/rules", help="Pipeline path or installed package (e.g. fr_salve)"),
    out: Path = typer.Option(Path("extracted.jsonl"), help="Output JSONL, one line per document"),
    csv_out: Optional[Path] = typer.Option(None, "--csv", help="Also write one row per event (ACLED style)"),
    geojson_out: Optional[Path] = typer.Option(None, "--geojson", help="Also write the events as a GeoJSON FeatureCollection"),
    batch_size: int = typer.Option(32, help="Documents per nlp.pipe batch"),
) -> None:
    """Extract entities, relations and events from articles; one JSON line per document.

    Documents are read, processed and written as they come (memory does not grow with the number of inputs).
    An input that cannot be read or processed is reported with its file (and line), gets an "error" line in the
    output, and the run goes on; the exit status is then 1. A --model that cannot be loaded exits with 2 before
    anything is written."""
    try:
        nlp = load_pipeline(model)
    except OSError as err:
        say("✘", f"Invalid value for '--model': {err}")
        raise typer.Exit(2)
    documents = read_inputs(inputs)
    failed, n_docs, n_events, results = 0, 0, 0, []
    with ExitStack() as stack:
        for path in (out, csv_out):
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
        f = stack.enter_context(out.open("w", encoding="utf8"))
        writer = None
        if csv_out:
            writer = csv.DictWriter(stack.enter_context(csv_out.open("w", encoding="utf8", newline="")), fieldnames=CSV_COLUMNS)
            writer.writeheader()
        progress = stack.enter_context(tqdm(desc="extract", unit="doc", file=sys.stderr, disable=None))
        while batch := list(islice(documents, batch_size)):
            for (doc_id, _, date, _), result in process_batch(nlp, batch, batch_size):
                if "error" in result:
                    say("✘", result["error"])
                    failed += 1
                for warning in result.get("warnings", []):
                    say("ℹ", f"{doc_id}: {warning}")
                n_docs += 1
                n_events += len(result["events"])
                if writer:
                    writer.writerows(event_rows(result, date))
                if geojson_out:
                    results.append({"id": result["id"], "events": result["events"]})
                f.write(json.dumps(result, ensure_ascii=False) + "\n")
                progress.update(1)
            f.flush()  # whole batches on disk as they are done (a soak run or `tail -f` follows them)
    if geojson_out:
        geojson_out.parent.mkdir(parents=True, exist_ok=True)
        geojson_out.write_text(json.dumps(geojson(results), ensure_ascii=False), encoding="utf8")
    summary = (f"{n_docs} documents, {n_events} events, {failed} not processed -> {out}"
               + "".join(f" and {p}" for p in (csv_out, geojson_out) if p))
    if failed:
        say("⚠", summary)
        raise typer.Exit(1)
    say("✔", summary)
