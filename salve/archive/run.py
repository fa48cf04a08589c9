"""Archive-scale extraction on Dask: partitions of documents, one pipeline per worker, resumable output.

    salve archive extract archive/ --model fr_salve --out runs/archive --workers 2
    salve archive extract archive/ --model fr_salve --out runs/archive --scheduler tcp://10.0.0.5:8786

The documents (`extraction.read_documents`: .txt, JSONL, folders of shards) are cut into partitions of
`partition_size` in input order. Each partition is one Dask task: the worker loads the pipeline once (a module-level
cache per worker process, whatever the number of partitions it runs) and runs `extraction.process_batch`
(`nlp.pipe` in bounded batches; a failing document gets its error and never stops the partition). The client writes
each finished partition as `part-NNNNN.jsonl` (one result per document, with its source, url, title and date) and
`part-NNNNN.parquet` (one row per event, the CSV columns), then `part-NNNNN.done`; a rerun skips partitions that
have their `.done`, so a crashed or killed run resumes where it stopped. Files are written to a temporary name
and renamed, so a partition is either complete or absent.

`--scheduler ADDRESS` sends the same tasks to an existing cluster (its workers need Salve and the model
installed); without it a `LocalCluster` of `--workers` processes with one thread each is started.
"""
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from wasabi import msg

from salve.extraction import Document, process_batch, read_documents
from salve.pipeline.export import CSV_COLUMNS, event_rows

_PIPELINES: Dict[str, Any] = {}  # model -> loaded pipeline, per worker process
_LOADS = {"count": 0}


def worker_pipeline(model: str):
    """The pipeline of `model`, loaded once per process."""
    if model not in _PIPELINES:
        import spacy

        _PIPELINES[model] = spacy.load(model)
        _LOADS["count"] += 1
    return _PIPELINES[model]


def process_partition(model: str, documents: Sequence[Document], batch_size: int = 32) -> Dict[str, Any]:
    """Results of one partition (run on a worker): one JSON result per document, in order."""
    nlp = worker_pipeline(model)
    started = time.perf_counter()
    results = []
    for start in range(0, len(documents), batch_size):
        part = documents[start:start + batch_size]
        for (item, result), document in zip(process_batch(nlp, [d.item() for d in part], batch_size), part):
            result["meta"] = document.meta()
            results.append(result)
    return {"results": results, "seconds": time.perf_counter() - started, "pid": os.getpid(),
            "pipeline_loads": _LOADS["count"]}


def partition(documents: List[Document], size: int) -> List[List[Document]]:
    return [documents[i:i + size] for i in range(0, len(documents), size)]


def _name(index: int) -> str:
    return f"part-{index:05d}"


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def write_partition(out: Path, index: int, payload: Dict[str, Any]) -> Dict[str, int]:
    """The partition's JSONL, Parquet and `.done` files (the `.done` last: it marks the partition complete)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = _name(index)
    results = payload["results"]

    def jsonl(tmp: Path) -> None:
        with tmp.open("w", encoding="utf8") as f:
            for result in results:
                f.write(json.dumps(result, ensure_ascii=False) + "\n")

    rows = [{**row, "source": r.get("meta", {}).get("source", ""), "url": r.get("meta", {}).get("url", "")}
            for r in results for row in event_rows(r, r.get("meta", {}).get("date"))]
    columns = [*CSV_COLUMNS, "source", "url"]
    table = pa.table({c: [str(row.get(c, "")) for row in rows] for c in columns})
    _atomic_write(out / f"{name}.jsonl", jsonl)
    _atomic_write(out / f"{name}.parquet", lambda tmp: pq.write_table(table, tmp))
    counts = {"documents": len(results), "events": sum(len(r["events"]) for r in results),
              "failed": sum("error" in r for r in results)}
    _atomic_write(out / f"{name}.done", lambda tmp: tmp.write_text(json.dumps({
        **counts, "seconds": payload["seconds"], "pid": payload["pid"], "pipeline_loads": payload["pipeline_loads"]})))
    return counts


def _rss_mb() -> float:
    """Resident memory of this (worker) process, MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_archive(inputs: Sequence[Path], model: str, out: Path, workers: int = 2, scheduler: Optional[str] = None,
                partition_size: int = 200, batch_size: int = 32, progress: bool = True,
                memory_every: Optional[float] = None) -> Dict[str, Any]:
    """Extract every document of `inputs` into `out` (see the module docstring); returns the run's summary.

    With `memory_every` (seconds), the workers' RSS is sampled that often into the summary (`worker_rss_mb`)."""
    from dask.distributed import Client, LocalCluster, as_completed
    from tqdm import tqdm

    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    documents = list(read_documents(list(inputs)))
    parts = partition(documents, partition_size)
    todo = [i for i in range(len(parts)) if not (out / f"{_name(i)}.done").exists()]
    summary: Dict[str, Any] = {"documents": len(documents), "partitions": len(parts), "skipped": len(parts) - len(todo),
                               "events": 0, "failed": 0, "partition_errors": [], "workers": None}
    if todo:
        cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                      dashboard_address=None)
        with Client(scheduler or cluster) as client:
            if scheduler:  # an existing cluster: tasks need at least one worker, which may still be joining
                client.wait_for_workers(1, timeout=300)
            summary["workers"] = len(client.scheduler_info().get("workers", {}))
            token = uuid.uuid4().hex[:8]  # keys unique to this run, so that runs sharing a scheduler never mix
            futures = {client.submit(process_partition, model, parts[i], batch_size, key=f"salve-{token}-{_name(i)}",
                                     pure=False): i for i in todo}
            first = None
            samples: List[Dict[str, float]] = []
            sampler = None
            if memory_every:
                import threading

                stop = threading.Event()

                def sample() -> None:
                    while not stop.wait(memory_every):
                        try:
                            samples.append(client.run(_rss_mb))
                        except Exception:  # noqa: BLE001 - the cluster is closing
                            return

                sampler = threading.Thread(target=sample, daemon=True)
                sampler.start()
            bar = tqdm(total=len(todo), desc="partitions", unit="part", disable=not progress)
            for future in as_completed(list(futures)):
                index = futures.pop(future)  # written, then released: a partition's results leave the workers
                try:
                    counts = write_partition(out, index, future.result())
                    summary["events"] += counts["events"]
                    summary["failed"] += counts["failed"]
                    if first is None:
                        first = time.perf_counter() - started
                except Exception as err:  # noqa: BLE001 - a lost partition is reported and redone by a rerun
                    summary["partition_errors"].append(f"{_name(index)}: {type(err).__name__}: {err}")
                future.release()
                bar.update(1)
            bar.close()
            if sampler is not None:
                stop.set()
                sampler.join()
                summary["worker_rss_mb"] = samples
        if cluster is not None:
            cluster.close()
        summary["seconds_to_first_partition"] = first
    summary["seconds"] = time.perf_counter() - started
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf8")
    return summary


def read_results(out: Path) -> List[Dict[str, Any]]:
    """Every document result of a finished run, in input order."""
    results = []
    for done in sorted(Path(out).glob("part-*.done")):
        with done.with_suffix(".jsonl").open(encoding="utf8") as f:
            results += [json.loads(line) for line in f]
    return results


def print_summary(summary: Dict[str, Any]) -> None:
    msg.good(f"{summary['documents']} documents in {summary['partitions']} partitions ({summary['skipped']} already "
             f"done), {summary['events']} events, {summary['failed']} documents not processed, "
             f"{summary['seconds']:.1f} s")
    for error in summary["partition_errors"]:
        msg.fail(error + " (rerun to redo it)")
