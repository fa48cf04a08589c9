"""The annotation loop against a real doccano server on 127.0.0.1 (installed in its own venv on first use)."""
import json
import os
import socket
import uuid

import pytest
from conftest import GOLD, ROOT, one_line, run_salve

from salve.corpus.format import read_records


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def doccano(tmp_path_factory):
    home = tmp_path_factory.mktemp("doccano")
    port = _free_port()
    env = {"DOCCANO_USER": "salve-test", "DOCCANO_PASSWORD": uuid.uuid4().hex}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    started = run_salve("doccano", "server-start", "--home", home, "--venv", ROOT / ".doccano" / "venv",
                         "--port", str(port), "--timeout", "180")
    try:
        assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
        yield {"port": str(port), "home": home}
    finally:
        run_salve("doccano", "server-stop", "--home", home)
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


def test_gold_round_trip_through_doccano(doccano, tmp_path):
    project = f"gold-{uuid.uuid4().hex[:8]}"
    pushed = run_salve("doccano", "push", "--project", project, "--gold", GOLD, "--port", doccano["port"])
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    target = tmp_path / "seeds.jsonl"
    target.write_bytes(GOLD.read_bytes())
    pulled = run_salve("doccano", "pull", "--project", project, "--into", target, "--port", doccano["port"],
                        "--backup-dir", tmp_path / "backups")
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert "5 unchanged documents" in pulled.stdout
    assert target.read_bytes() == GOLD.read_bytes()  # identical annotations: nothing rewritten

    # An export that lacks documents of the corpus file is refused, then accepted with --force (with a backup).
    extra = tmp_path / "more.jsonl"
    records = [json.loads(l) for l in GOLD.read_text(encoding="utf8").splitlines()]
    records.append({**records[0], "meta": {**records[0]["meta"], "doc_id": "only-local"}})
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf8")
    refused = run_salve("doccano", "pull", "--project", project, "--into", extra, "--port", doccano["port"],
                         "--backup-dir", tmp_path / "backups")
    assert refused.returncode == 1 and "document only-local is not in the export" in refused.stdout
    assert len(extra.read_text(encoding="utf8").splitlines()) == 6
    forced = run_salve("doccano", "pull", "--project", project, "--into", extra, "--port", doccano["port"],
                        "--backup-dir", tmp_path / "backups", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert len(extra.read_text(encoding="utf8").splitlines()) == 5
    assert list((tmp_path / "backups").glob("more.*.jsonl"))


def test_raw_text_with_pre_annotations(doccano, tmp_path, rules_nlp):
    model = tmp_path / "rules"
    rules_nlp.to_disk(model)
    raw = tmp_path / "depeche.txt"
    raw.write_text("Deux drones ont visé la base d’Al-Tanf lundi, sans faire de victimes.", encoding="utf8")
    project = f"raw-{uuid.uuid4().hex[:8]}"
    pushed = run_salve("doccano", "push", "--project", project, "--raw", raw, "--model", model,
                        "--port", doccano["port"])
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    target = tmp_path / "new.jsonl"
    pulled = run_salve("doccano", "pull", "--project", project, "--into", target, "--port", doccano["port"],
                        "--backup-dir", tmp_path / "backups")
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    (_, record), = read_records(target)
    expected = rules_nlp(raw.read_text(encoding="utf8"))
    assert record["meta"]["doc_id"] == "depeche" and record["meta"]["pre_annotated_by"] == str(model)
    assert {(e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]} == \
        {(e.start_char, e.end_char, e.label_) for e in expected.ents}
    assert len(record["relations"]) == len(expected._.relations) > 0


def test_unknown_project_and_wrong_credentials_are_one_line(doccano, monkeypatch, tmp_path):
    target = tmp_path / "seeds.jsonl"
    pull = ("doccano", "pull", "--into", target, "--port", doccano["port"], "--backup-dir", tmp_path / "backups")
    missing = f"missing-{uuid.uuid4().hex[:8]}"
    line = one_line(run_salve(*pull, "--project", missing))
    assert line.startswith(f"✘ No doccano project named '{missing}' at http://127.0.0.1:{doccano['port']} (projects there:")
    assert line.endswith(f"`salve doccano push --project {missing}` creates it")
    monkeypatch.setenv("DOCCANO_PASSWORD", "not-the-password")
    line = one_line(run_salve(*pull, "--project", missing))
    assert line.startswith(f"✘ doccano at http://127.0.0.1:{doccano['port']} refused the login of user 'salve-test' (")
    assert line.endswith("): check DOCCANO_USER and DOCCANO_PASSWORD")
    assert not target.exists()
