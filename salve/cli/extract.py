"""`salve extract`: entities, relations and events from French articles.

    salve extract seeds/ --out extracted.jsonl --csv events.csv
    salve extract article.txt other.txt --model training/rules
    salve extract articles.jsonl --model fr_salve --out extracted.jsonl     # lines {"id": ..., "text": ...}

Inputs are .txt files, folders (every .txt inside), or JSONL files. A leading " date YYYY-MM " header in a
.txt file (as in seeds/) gives the date and is not processed as text. One output line per input document;
a document that cannot be processed gets an "error" and the run goes on.
"""
import csv
import json
import sys
from pathlib import Path
from typing import List, Optional

import spacy
import typer
from tqdm import tqdm
from wasabi import msg

from salve.extraction import process_batch, read_inputs
from salve.pipeline.export import CSV_COLUMNS, event_rows, geojson


def extract(
    inputs: List[Path] = typer.Argument(..., exists=True, help=".txt files, folders of .txt, or JSONL {id, text}"),
    model: str = typer.Option("training/rules", help="Pipeline path or installed package (e.g. fr_salve)"),
    out: Path = typer.Option(Path("extracted.jsonl"), help="Output JSONL, one line per document"),
    csv_out: Optional[Path] = typer.Option(None, "--csv", help="Also write one row per event (ACLED style)"),
    geojson_out: Optional[Path] = typer.Option(None, "--geojson", help="Also write the events as a GeoJSON FeatureCollection"),
    batch_size: int = typer.Option(32, help="Documents per nlp.pipe batch"),
) -> None:
    """Extract entities, relations and events from articles; one JSON line per document."""
    nlp = spacy.load(model)
    items = list(read_inputs(inputs))
    out.parent.mkdir(parents=True, exist_ok=True)
    rows, failed, n_events, results = [], 0, 0, []
    with out.open("w", encoding="utf8") as f, tqdm(total=len(items), desc="extract", unit="doc",
                                                   disable=len(items) < 5, file=sys.stderr) as progress:
        for start in range(0, len(items), batch_size):
            for (doc_id, _, date, _), result in process_batch(nlp, items[start:start + batch_size], batch_size):
                if "error" in result:
                    msg.warn(result["error"])
                    failed += 1
                for warning in result.get("warnings", []):
                    msg.info(f"{doc_id}: {warning}")
                n_events += len(result["events"])
                rows += event_rows(result, date)
                if geojson_out:
                    results.append({"id": result["id"], "events": result["events"]})
                f.write(json.dumps(result, ensure_ascii=False) + "\n")
                progress.update(1)
    if csv_out:
        csv_out.parent.mkdir(parents=True, exist_ok=True)
        with csv_out.open("w", encoding="utf8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    if geojson_out:
        geojson_out.parent.mkdir(parents=True, exist_ok=True)
        geojson_out.write_text(json.dumps(geojson(results), ensure_ascii=False), encoding="utf8")
    msg.good(f"{len(items)} documents, {n_events} events, {failed} not processed -> {out}"
             + "".join(f" and {p}" for p in (csv_out, geojson_out) if p))
