"""Archive throughput on Dask (a benchmark script and project.yml command, never a timed test).

For each worker count, a fresh run over the same generated archive: documents/s and words/s of the whole run
(cluster start-up included), the time to the first finished partition, and the RSS of every worker sampled every
two seconds (peak per worker, the first and last samples, and the samples at a quarter, half, three quarters and
the end of the run, to show whether memory stays flat once the pipeline is loaded). Scaling is docs/s with the most
workers over docs/s with one, start-up included; steady scaling leaves out the time to the first partitions
(cluster start, one pipeline load per worker); efficiency is scaling divided by the worker ratio.
"""
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, Sequence

from salve.archive.generate import generate
from salve.archive.run import run_archive

SOURCES = (Path("corpus/build/synthetic.jsonl"), Path("corpus/dedup/articles.jsonl"))


def run_benchmark(model: str, documents: int, workers: Sequence[int], out: Path, partition_size: int = 200) -> Dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="salve-archive-bench-"))
    try:
        counts = generate([p for p in SOURCES if p.exists()], tmp / "archive", documents)
        runs = []
        for n in workers:
            summary = run_archive([tmp / "archive"], model, tmp / f"run-{n}", workers=n, partition_size=partition_size,
                                  progress=False, memory_every=2.0)
            per_worker: Dict[str, list] = {}
            for sample in summary.get("worker_rss_mb", []):
                for worker, rss in sample.items():
                    per_worker.setdefault(worker, []).append(rss)
            first = summary.get("seconds_to_first_partition") or 0.0
            after_first = summary["documents"] - n * partition_size  # the first partition of each worker ends together
            quartiles = {w: [round(v[min(len(v) - 1, int(q * (len(v) - 1)))]) for q in (0.25, 0.5, 0.75, 1.0)]
                         for w, v in per_worker.items()}
            runs.append({"workers": n, "documents": summary["documents"], "seconds": summary["seconds"],
                         "steady_docs_per_second": after_first / max(1e-9, summary["seconds"] - first),
                         "rss_quartiles_mb": quartiles,
                         "docs_per_second": summary["documents"] / summary["seconds"],
                         "words_per_second": counts["words"] / summary["seconds"],
                         "seconds_to_first_partition": summary.get("seconds_to_first_partition") or 0.0,
                         "peak_rss_mb_per_worker": max((max(v) for v in per_worker.values()), default=0.0),
                         "rss_first_last_mb": {w: [round(v[0]), round(v[-1])] for w, v in per_worker.items()},
                         "failed": summary["failed"]})
        result: Dict[str, Any] = {"model": model, "archive": counts, "partition_size": partition_size, "runs": runs}
        if len(runs) > 1:
            result["scaling"] = runs[-1]["docs_per_second"] / runs[0]["docs_per_second"]
            result["efficiency"] = result["scaling"] / (runs[-1]["workers"] / runs[0]["workers"])
            result["steady_scaling"] = runs[-1]["steady_docs_per_second"] / runs[0]["steady_docs_per_second"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1), encoding="utf8")
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
