"""Soak run: the `salve extract` command over many documents, with its memory (RSS) sampled over time.

    salve soak --model training/rules --documents 10000 --out reports/soak.json

The documents are the project's texts (seeds, synthetic and development markup) cycled with fresh ids, every 50th
wrapped in HTML and every 500th made longer than a chunk, written as one JSONL file. `salve extract` runs on it
in a child process exactly as a user runs it; the parent reads the child's VmRSS and VmHWM from /proc every
`interval` seconds together with the number of output lines written so far. The report gives RSS at the start of
processing (first document written), at a quarter, half, three quarters and the end of the documents, the peak,
the growth from the quarter to the end (memory that stays flat grows by a few MB at most once the pipeline's
caches are warm), and a check of the output: one line per document, no error, every offset inside its text.
"""
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

from wasabi import msg

from salve.corpus.markup import read_markup
from salve.corpus.seeds import split_header
from salve.extraction import offset_problems

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("seeds", "corpus/synthetic", "corpus/dev")


def source_texts(root: Path = ROOT) -> List[str]:
    """The texts of the seed articles and of the synthetic and development markup, in a fixed order."""
    texts = [split_header(p.read_text(encoding="utf8"))[0] for p in sorted((root / "seeds").glob("*.txt"))]
    for folder in SOURCES[1:]:
        for path in sorted((root / folder).rglob("*.markup")):
            texts += [record["text"] for record in read_markup(path)]
    return [t for t in texts if t.strip()]


def soak_documents(texts: List[str], documents: int) -> Iterator[Dict[str, str]]:
    """`documents` JSONL records cycling through `texts`; every 50th in HTML, every 500th over one chunk."""
    for i in range(documents):
        text = texts[i % len(texts)]
        if i % 500 == 499:
            text = "\n\n".join(texts[(i + k) % len(texts)] for k in range(12))[:15_000]
        elif i % 50 == 49:
            text = "<html><body>" + "".join(f"<p>{p}</p>" for p in text.split("\n")) + "</body></html>"
        yield {"id": f"soak-{i:05d}", "text": text, "date": "2024-07"}


def _status(pid: int) -> Dict[str, int]:
    """VmRSS and VmHWM (kB) of a running process, empty once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return {line.split(":")[0]: int(line.split()[1]) for line in f if line.startswith(("VmRSS", "VmHWM"))}
    except (OSError, ValueError):
        return {}


def _count_lines(path: Path, state: Dict[str, int]) -> int:
    """Lines written to `path` so far, reading only what was added since the last call."""
    if path.exists():
        with path.open("rb") as f:
            f.seek(state["position"])
            chunk = f.read()
        state["position"] += len(chunk)
        state["lines"] += chunk.count(b"\n")
    return state["lines"]


def _at(samples: List[Dict[str, Any]], done: int) -> Dict[str, Any]:
    """The first sample with at least `done` documents written (the last one if none has)."""
    return next((s for s in samples if s["documents"] >= done), samples[-1])


def run_soak(model: str, documents: int, work: Path, interval: float = 1.0, batch_size: int = 32) -> Dict[str, Any]:
    """Write the documents, run `salve extract` on them, sample its memory; return the report (module docstring)."""
    work.mkdir(parents=True, exist_ok=True)
    inputs, output, log = work / "soak_input.jsonl", work / "soak_extracted.jsonl", work / "soak_extract.log"
    with inputs.open("w", encoding="utf8") as f:
        for record in soak_documents(source_texts(), documents):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    output.unlink(missing_ok=True)
    command = [sys.executable, "-m", "salve.cli.main", "extract", str(inputs), "--model", model, "--out", str(output),
               "--batch-size", str(batch_size)]
    samples: List[Dict[str, Any]] = []
    state = {"position": 0, "lines": 0}
    started = time.perf_counter()
    with log.open("w", encoding="utf8") as err:
        child = subprocess.Popen(command, stdout=err, stderr=subprocess.STDOUT, cwd=ROOT)
        peak_kb = 0
        while child.poll() is None:
            status = _status(child.pid)
            if status:
                peak_kb = max(peak_kb, status.get("VmHWM", 0))
                samples.append({"seconds": round(time.perf_counter() - started, 1), "documents": _count_lines(output, state),
                                "rss_mb": round(status.get("VmRSS", 0) / 1024, 1)})
            time.sleep(interval)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"salve extract exited with {child.returncode}: see {log}")
    checked = check_output(output, inputs)
    processing = [s for s in samples if s["documents"] > 0] or samples
    marks = {name: _at(processing, max(1, round(documents * share)))
             for name, share in (("start", 0), ("quarter", 0.25), ("half", 0.5), ("three_quarters", 0.75), ("end", 1.0))}
    report = {"model": model, "documents": documents, "seconds": round(seconds, 1),
              "documents_per_second": round(documents / seconds, 1),
              "rss_mb": {name: s["rss_mb"] for name, s in marks.items()},
              "rss_at_documents": {name: s["documents"] for name, s in marks.items()},
              "peak_rss_mb": round(peak_kb / 1024, 1),
              "growth_quarter_to_end_mb": round(marks["end"]["rss_mb"] - marks["quarter"]["rss_mb"], 1),
              "output": checked, "interval_seconds": interval, "samples": samples}
    msg.table([[name, report["rss_at_documents"][name], report["rss_mb"][name]] for name in marks],
              header=["point", "documents written", "RSS MB"], divider=True)
    msg.text(f"{documents:,} documents in {seconds:.0f} s, peak RSS {report['peak_rss_mb']} MB, growth from a quarter "
             f"to the end {report['growth_quarter_to_end_mb']} MB; output: {checked}")
    return report


def check_output(path: Path, inputs: Path) -> Dict[str, int]:
    """Lines, errors, events and results with an offset outside their text of an extract output, read line by line
    beside its input (results carry the text only when cleaning changed it)."""
    counts = {"lines": 0, "errors": 0, "events": 0, "bad_offsets": 0, "ids_out_of_order": 0}
    with path.open(encoding="utf8") as out, inputs.open(encoding="utf8") as given:
        for line, source in zip(out, given):
            result, record = json.loads(line), json.loads(source)
            counts["lines"] += 1
            counts["errors"] += "error" in result
            counts["events"] += len(result["events"])
            counts["ids_out_of_order"] += result["id"] != record["id"]
            counts["bad_offsets"] += bool(offset_problems(result, result.get("text", record["text"])))
    return counts
