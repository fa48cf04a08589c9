"""Soak run: the `salve extract` command over many documents, with its memory (RSS) sampled over time.

    salve soak --model training/rules --documents 10000 --out reports/soak.json

The documents are the project's texts (seeds, synthetic and development markup) cycled with fresh ids, every 50th
wrapped in HTML and every 500th made longer than a chunk, written as one JSONL file. `salve extract` runs on it
in a child process exactly as a user runs it; the parent reads the child's VmRSS and VmHWM from /proc every
`interval` seconds together with the number of output lines written so far. The report gives RSS at the start of
processing (first document written), at a quarter, half, three quarters and the end of the documents, the min, mean
and max RSS of each quarter of the documents, the peak (VmHWM), the change of the mean from the first to the last
quarter (flat memory: a few MB), and a check of the output: one line per document in input order, no error, every
offset inside its text.
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


def quarters(samples: List[Dict[str, Any]], documents: int) -> List[Dict[str, Any]]:
    """Min, mean and max RSS of the samples taken while each quarter of the documents was being written (single
    samples swing by 100 MB or so with the length of the batch in progress; the quarters show the trend)."""
    out = []
    for q in range(4):
        low, high = documents * q / 4, documents * (q + 1) / 4
        rss = [s["rss_mb"] for s in samples if low <= s["documents"] < high and s["documents"] > 0]
        if rss:
            out.append({"documents": f"{int(low)}-{int(high)}", "samples": len(rss), "min_mb": min(rss),
                        "mean_mb": round(sum(rss) / len(rss), 1), "max_mb": max(rss)})
    return out


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
              "quarters": quarters(samples, documents),
              "output": checked, "interval_seconds": interval, "samples": samples}
    msg.table([[name, report["rss_at_documents"][name], report["rss_mb"][name]] for name in marks],
              header=["point", "documents written", "RSS MB"], divider=True)
    parts = report["quarters"]
    report["mean_growth_first_to_last_quarter_mb"] = round(parts[-1]["mean_mb"] - parts[0]["mean_mb"], 1) if parts else None
    msg.table([[q["documents"], q["samples"], q["min_mb"], q["mean_mb"], q["max_mb"]] for q in parts],
              header=["documents", "samples", "min RSS MB", "mean", "max"], divider=True)
    msg.text(f"{documents:,} documents in {seconds:.0f} s, peak RSS {report['peak_rss_mb']} MB, mean RSS from the first "
             f"to the last quarter {report['mean_growth_first_to_last_quarter_mb']:+} MB; output: {checked}")
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
