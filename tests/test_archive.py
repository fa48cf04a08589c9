"""The archive path on a real Dask LocalCluster: same output as one process, resumable after a kill."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from salve.archive.generate import generate
from salve.archive.run import read_results, run_archive
from salve.extraction import process_batch, read_documents

DOCS = 24


@pytest.fixture(scope="module")
def archive(tmp_path_factory, rules_nlp):
    folder = tmp_path_factory.mktemp("archive")
    generate([ROOT / "corpus" / "gold" / "seeds.jsonl"], folder / "in", DOCS, shard_size=10)
    # a bad line in a shard: reported with file and line, the run goes on
    with (folder / "in" / "shard-0000.jsonl").open("a", encoding="utf8") as f:
        f.write("{not json\n")
    rules_nlp.to_disk(folder / "model")
    return folder


def _single_process(nlp, folder):
    documents = list(read_documents([folder / "in"]))
    return {item[0]: result for item, result in process_batch(nlp, [d.item() for d in documents], 8)}


def _comparable(result):
    return {k: v for k, v in result.items() if k != "meta"}


def test_two_workers_give_the_single_process_output(archive, rules_nlp, tmp_path):
    summary = run_archive([archive / "in"], str(archive / "model"), tmp_path / "run", workers=2, partition_size=5,
                          progress=False)
    assert summary["workers"] == 2 and summary["documents"] == DOCS + 1 and summary["failed"] == 1
    results = read_results(tmp_path / "run")
    expected = _single_process(rules_nlp, archive)
    assert [r["id"] for r in results] == list(expected)  # input order
    for result in results:
        assert _comparable(result) == expected[result["id"]], result["id"]
    bad = [r for r in results if "error" in r]
    assert len(bad) == 1 and "shard-0000.jsonl:11" in bad[0]["error"]
    assert next(r for r in results if "error" not in r)["meta"]["source"]
    # each worker loaded the pipeline once, whatever the number of partitions it ran
    done = [json.loads(p.read_text()) for p in (tmp_path / "run").glob("part-*.done")]
    assert len(done) == summary["partitions"] == 5
    assert len({d["pid"] for d in done}) <= 2 and all(d["pipeline_loads"] == 1 for d in done)
    # a rerun has nothing to do
    again = run_archive([archive / "in"], str(archive / "model"), tmp_path / "run", workers=1, partition_size=5, progress=False)
    assert again["skipped"] == 5 and again["events"] == 0


def test_a_killed_run_resumes_where_it_stopped(archive, rules_nlp, tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "salve", "archive", "extract", str(archive / "in"), "--model", str(archive / "model"),
               "--out", str(out), "--workers", "1", "--partition-size", "3"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 240
    while time.time() < deadline and not list(out.glob("part-*.done")):
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list(out.glob("part-*.done")))
    assert 1 <= finished < 9, finished  # killed mid-way
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stdout[-2000:] + resumed.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["skipped"] == finished and summary["partitions"] == 9
    expected = _single_process(rules_nlp, archive)
    assert [_comparable(r) for r in read_results(out)] == list(expected.values())


def test_an_existing_cluster_is_used_unchanged(archive, rules_nlp, tmp_path):
    """`--scheduler ADDRESS`: a scheduler and a worker started on their own, as on a real cluster."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}", "--nworkers", "1",
                               "--nthreads", "1", "--no-dashboard"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        summary = run_archive([archive / "in"], str(archive / "model"), tmp_path / "run", scheduler=f"tcp://127.0.0.1:{port}",
                              partition_size=10, progress=False)
        assert summary["workers"] == 1 and summary["partitions"] == 3
        expected = _single_process(rules_nlp, archive)
        assert [_comparable(r) for r in read_results(tmp_path / "run")] == list(expected.values())
    finally:
        worker.kill()
        scheduler.kill()
