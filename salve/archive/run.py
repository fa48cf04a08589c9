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
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

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


def _partitions(documents: Iterable[Document], size: int) -> Iterator[Tuple[int, List[Document]]]:
    """(index, documents) of each partition, read as they come: the archive is never held whole in memory."""
    batch: List[Document] = []
    index = 0
    for document in documents:
        batch.append(document)
        if len(batch) == size:
            yield index, batch
            index, batch = index + 1, []
    if batch:
        yield index, batch


def run_archive(inputs: Sequence[Path], model: str, out: Path, workers: int = 2, scheduler: Optional[str] = None,
                partition_size: int = 200, batch_size: int = 32, progress: bool = True,
                memory_every: Optional[float] = None) -> Dict[str, Any]:
    """Extract every document of `inputs` into `out` (see the module docstring); returns the run's summary.

    Partitions are read and submitted as the cluster finishes them, two per worker at a time, so neither the client
    nor the workers hold more than a few partitions. With `memory_every` (seconds), the workers' RSS is sampled
    that often into the summary (`worker_rss_mb`)."""
    from dask.distributed import Client, LocalCluster, as_completed
    from tqdm import tqdm

    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary: Dict[str, Any] = {"documents": 0, "partitions": 0, "skipped": 0, "events": 0, "failed": 0,
                               "partition_errors": [], "workers": None}
    cluster = client = sampler = None
    stop = threading.Event()
    samples: List[Dict[str, float]] = []
    pending: Dict[Any, int] = {}
    done_stream = None
    first: Optional[float] = None
    token = uuid.uuid4().hex[:8]  # keys unique to this run, so that runs sharing a scheduler never mix
    bar = tqdm(desc="partitions", unit="part", disable=not progress)

    def collect(future) -> None:
        nonlocal first
        index = pending.pop(future)
        try:
            counts = write_partition(out, index, future.result())
            summary["events"] += counts["events"]
            summary["failed"] += counts["failed"]
            if first is None:
                first = time.perf_counter() - started
        except Exception as err:  # noqa: BLE001 - a lost partition is reported and redone by a rerun
            summary["partition_errors"].append(f"{_name(index)}: {type(err).__name__}: {err}")
        future.release()  # written: its results can leave the workers
        bar.update(1)

    try:
        for index, documents in _partitions(read_documents(list(inputs)), partition_size):
            summary["partitions"] += 1
            summary["documents"] += len(documents)
            if (out / f"{_name(index)}.done").exists():
                summary["skipped"] += 1
                continue
            if client is None:  # started at the first partition to do: a finished run starts no cluster
                cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                              dashboard_address=None)
                client = Client(scheduler or cluster)
                if scheduler:  # an existing cluster: tasks need at least one worker, which may still be joining
                    client.wait_for_workers(1, timeout=300)
                summary["workers"] = len(client.scheduler_info().get("workers", {}))
                done_stream = as_completed()
                if memory_every:
                    def sample() -> None:
                        while not stop.wait(memory_every):
                            try:
                                samples.append(client.run(_rss_mb))
                            except Exception:  # noqa: BLE001 - the cluster is closing
                                return

                    sampler = threading.Thread(target=sample, daemon=True)
                    sampler.start()
            while len(pending) >= 2 * max(1, summary["workers"] or 1):
                collect(next(done_stream))
            future = client.submit(process_partition, model, documents, batch_size, key=f"salve-{token}-{_name(index)}",
                                   pure=False)
            pending[future] = index
            done_stream.add(future)
        while pending:
            collect(next(done_stream))
    finally:
        bar.close()
        if sampler is not None:
            stop.set()
            sampler.join()
            summary["worker_rss_mb"] = samples
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    if client is not None:
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
