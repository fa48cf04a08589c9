"""`salve archive …`: from an archive of articles to a table of attacks (issue 14).

    salve archive extract articles/ --model fr_salve --out runs/a --workers 2   # Dask, resumable
    salve archive dedup runs/a --out runs/a/attacks.jsonl                         # one record per attack
    salve archive export runs/a/attacks.jsonl --out runs/a/tables                 # CSV, Parquet, GeoJSON
    salve archive report runs/a/attacks.jsonl --out runs/a/report                 # plots + Markdown
"""
import json
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import msg

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _read_jsonl(path: Path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf8").splitlines() if line.strip()]


@app.command("generate")
def generate(out: Path = typer.Argument(..., help="Folder for the JSONL shards"),
             sources: List[Path] = typer.Option([Path("corpus/build/synthetic.jsonl"), Path("corpus/dedup/articles.jsonl")],
                                                "--source", exists=True, help="JSONL files of synthetic texts"),
             documents: int = typer.Option(1000, help="Number of documents"), shard_size: int = typer.Option(500),
             seed: int = typer.Option(0)) -> None:
    """Write a generated archive of synthetic articles (ids, outlets, dates, titles) as JSONL shards."""
    from salve.archive.generate import generate as run

    counts = run(sources, out, documents, shard_size, seed)
    msg.good(f"{counts['documents']} documents ({counts['words']:,} words) in {counts['shards']} shards -> {out}")


@app.command("extract")
def extract(inputs: List[Path] = typer.Argument(..., exists=True, help=".txt, JSONL, or folders of them (shards)"),
            model: str = typer.Option("training/rules", help="Pipeline path or installed package"),
            out: Path = typer.Option(..., help="Run folder: part-NNNNN.jsonl/.parquet/.done, summary.json"),
            workers: int = typer.Option(2, help="Local Dask worker processes (ignored with --scheduler)"),
            scheduler: Optional[str] = typer.Option(None, help="Address of an existing Dask scheduler"),
            partition_size: int = typer.Option(200, help="Documents per partition (one task, one output file)"),
            batch_size: int = typer.Option(32, help="Documents per nlp.pipe batch inside a partition")) -> None:
    """Extract an archive on Dask; a rerun skips the partitions already done."""
    from salve.archive.run import print_summary, run_archive

    summary = run_archive(inputs, model, out, workers, scheduler, partition_size, batch_size)
    print_summary(summary)
    if summary["partition_errors"]:
        raise typer.Exit(1)


@app.command("dedup")
def dedup(run: Path = typer.Argument(..., exists=True, file_okay=False, help="Run folder of `archive extract`"),
          out: Path = typer.Option(..., help="Attack records (JSONL)"),
          max_km: float = typer.Option(25.0, help="Largest distance between two reports of one attack")) -> None:
    """Link the events of all articles into attacks (rules in salve/archive/dedup.py)."""
    from salve.archive.dedup import deduplicate
    from salve.archive.run import read_results

    results = read_results(run)
    attacks = deduplicate(results, max_km)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in attacks), encoding="utf8")
    reports = sum(len(a["sources"]) for a in attacks)
    msg.good(f"{len(results)} documents, {reports} events -> {len(attacks)} attacks -> {out}")


@app.command("export")
def export(attacks: Path = typer.Argument(..., exists=True), out: Path = typer.Option(...)) -> None:
    """Write the attack table as ACLED-style CSV, Parquet and GeoJSON."""
    from salve.archive.export import write_tables

    paths = write_tables(_read_jsonl(attacks), out)
    msg.good("Wrote " + ", ".join(str(p) for p in paths.values()))


@app.command("report")
def report(attacks: Path = typer.Argument(..., exists=True), out: Path = typer.Option(...),
           dedup_scores: Optional[Path] = typer.Option(None, exists=True, help="dedup_scores.json to include")) -> None:
    """Plots (attacks per month by country and weapon, top targets, map) and a Markdown report."""
    from salve.archive.report import write_report

    scores = json.loads(dedup_scores.read_text(encoding="utf8")) if dedup_scores else None
    msg.good(f"Wrote {write_report(_read_jsonl(attacks), out, scores)}")


@app.command("evaluate-dedup")
def evaluate_dedup(gold: Path = typer.Option(Path("corpus/dedup/articles.jsonl"), exists=True,
                                             help="Articles with a gold attack_id each"),
                   model: str = typer.Option("training/rules"), out: Path = typer.Option(Path("reports/dedup")),
                   workers: int = typer.Option(1), max_km: float = typer.Option(25.0),
                   dates: Path = typer.Option(Path("corpus/dedup/event_dates.jsonl"), help="Gold event dates (scored if present)")) -> None:
    """Pairwise and B-cubed scores of the deduplication on the gold set (articles extracted with --model), and the
    accuracy of the headline events' dates against the gold dates."""
    import shutil

    from salve.archive.dedup import deduplicate, headline_clusters, pair_scores
    from salve.archive.run import read_results, run_archive

    run_dir = out / "run"
    shutil.rmtree(run_dir, ignore_errors=True)  # an evaluation always extracts afresh
    run_archive([gold], model, run_dir, workers, partition_size=100, progress=False)
    attacks = deduplicate(read_results(run_dir), max_km)
    truth = {row["id"]: row["attack_id"] for row in _read_jsonl(gold)}
    predicted = headline_clusters(attacks)
    predicted = {a: predicted.get(a, f"none:{a}") for a in truth}  # an article with no event is an attack of its own
    scores = pair_scores(truth, predicted)
    scores.update(model=model, gold=str(gold), attacks_predicted=len(set(predicted.values())), attacks_gold=len(set(truth.values())))
    if dates.exists():
        from salve.archive.dedup import date_scores
        scores["dates"] = date_scores(read_results(run_dir), _read_jsonl(dates))
    out.mkdir(parents=True, exist_ok=True)
    (out / "dedup_scores.json").write_text(json.dumps(scores, indent=1), encoding="utf8")
    (out / "attacks.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in attacks), encoding="utf8")
    pw, b3 = scores["pairwise"], scores["bcubed"]
    msg.good(f"{scores['articles']} articles, {scores['attacks_gold']} gold attacks, {scores['attacks_predicted']} predicted: "
             f"pairwise P {pw['p']:.3f} R {pw['r']:.3f} F1 {pw['f']:.3f}; B-cubed P {b3['p']:.3f} R {b3['r']:.3f} F1 {b3['f']:.3f}")
    if "dates" in scores:
        d = scores["dates"]
        msg.good(f"dates of {d['articles']} headline events: same date {d['exact']:.3f}, within a day {d['within_1_day']:.3f}, "
                 f"same precision {d['same_precision']:.3f} (articles without an event count as wrong)")


@app.command("benchmark")
def benchmark(model: str = typer.Option("training/rules"), documents: int = typer.Option(5000),
              workers: List[int] = typer.Option([1, 2], "--workers"), out: Path = typer.Option(Path("reports/archive_benchmark.json")),
              partition_size: int = typer.Option(200)) -> None:
    """Documents/s and words/s with 1 and 2 workers on a generated archive, scaling, memory per worker."""
    from salve.archive.benchmark import run_benchmark

    result = run_benchmark(model, documents, workers, out, partition_size)
    for row in result["runs"]:
        msg.info(f"{row['workers']} worker(s): {row['docs_per_second']:.1f} docs/s, {row['words_per_second']:,.0f} words/s, "
                 f"first partition after {row['seconds_to_first_partition']:.1f} s, peak RSS per worker "
                 f"{row['peak_rss_mb_per_worker']:.0f} MB")
    if "scaling" in result:
        msg.good(f"scaling {result['scaling']:.2f}x (efficiency {result['efficiency']:.2f}), after start-up "
                 f"{result['steady_scaling']:.2f}x; wrote {out}")
