"""Offline logic of the doccano pull: diff, refusal of drops, merge keeping unchanged records as they were."""
import copy
import io
import json
import socket
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import GOLD, one_line, plain, run_salve

from salve.corpus.doccano_sync import check_export, diff, from_export, merge, parse_export, same_annotations, to_upload
from salve.corpus.format import read_records, validate_record


def _gold():
    return [r for _, r in read_records(GOLD)]


def _as_exported(records):
    """What doccano gives back: its own ids, extra keys, same annotations."""
    out = []
    for n, r in enumerate(records):
        shift = 1000 * (n + 1)
        ents = [{**e, "id": e["id"] + shift} for e in reversed(r["entities"])]
        rels = [{**x, "id": x["id"] + shift, "from_id": x["from_id"] + shift, "to_id": x["to_id"] + shift} for x in r["relations"]]
        out.append(from_export({"id": n + 1, **to_upload({**r, "entities": ents, "relations": rels}), "Comments": []}))
    return out


def test_unchanged_export_merges_to_the_identical_corpus():
    gold = _gold()
    exported = _as_exported(gold)
    changes = diff(gold, exported)
    assert len(changes.unchanged) == 5 and not changes.drops()
    assert merge(gold, exported) == gold


def test_added_and_modified_documents_and_fresh_ids():
    gold = _gold()
    exported = _as_exported(gold)
    exported[0]["entities"] = exported[0]["entities"] + [{"id": 99999, "label": "ACTOR", "start_offset": 0, "end_offset": 3}]
    new_doc = {"text": "Un drone a visé la base de Harir.", "meta": {"doc_id": "new1"},
               "entities": [{"id": 7, "label": "WEAPON", "start_offset": 0, "end_offset": 8}], "relations": []}
    changes = diff(gold, exported + [new_doc])
    assert changes.added == ["new1"] and [c.doc_id for c in changes.modified] == ["000_fd9675003779e116"]
    assert changes.modified[0].entities_added == 1 and not changes.drops()
    merged = merge(gold, exported + [new_doc])
    assert merged[1:5] == gold[1:5] and merged[-1]["meta"]["doc_id"] == "new1"
    ids = [e["id"] for r in merged for e in r["entities"]]
    assert len(ids) == len(set(ids))  # ids stay unique in the file
    assert all(validate_record(r) == [] for r in merged)
    assert same_annotations(merged[0], exported[0])


def test_removed_annotations_and_documents_are_reported_as_drops():
    gold = _gold()
    exported = _as_exported(gold)[1:]
    exported[0]["relations"] = exported[0]["relations"][1:]
    drops = diff(gold, exported).drops()
    assert "document 000_fd9675003779e116 is not in the export" in drops
    assert any("001_7d96a9abc72ce5d4: 0 entities and 1 relations removed" in d for d in drops)


def test_comments_are_kept_in_the_meta():
    record = from_export({"id": 3, "text": "x", "entities": [], "relations": [], "meta": {"doc_id": "a"},
                          "Comments": [{"text": "vérifier"}]})
    assert record["meta"]["doccano_comments"] == [{"text": "vérifier"}] and "id" not in record


def test_export_lines_of_another_format_are_reported_not_read_as_unannotated(blank_fr):
    gold = _gold()
    export = "\n".join([_export_line(1, gold[0]),
                        json.dumps({"id": 2, "text": "Deux drones.", "label": [[0, 11, "WEAPON"]], "meta": {"doc_id": "x"}}),
                        "[3, 4]"]).encode("utf8")
    lines, problems = parse_export([("all.jsonl", export)])
    records, found = check_export(lines, gold, blank_fr)
    assert problems == [] and [str(p) for p in found] == [
        "doccano export all.jsonl:2: doc_id 'x': missing key(s) 'entities', 'relations' (it has 'label': doccano's "
        "sequence-labeling export? Salve reads the relation JSONL)",
        "doccano export all.jsonl:3: a record must be a JSON object, not array"]
    assert records[0] == gold[0]


# Issue 15: `salve doccano pull` validates the whole export before writing anything, and server problems are one
# line each. These run the real command and the real doccano client against a stand-in for doccano's HTTP API
# (login, project list, export), so no doccano server is needed.
class FakeDoccano:
    """doccano 1.8's API as far as `pull` uses it: login, the project list and a JSONL export."""

    def __init__(self, user, password, projects, export):
        self.user, self.password, self.projects, self.export = user, password, projects, export
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, content_type="application/json", headers=()):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers:
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                path = urlparse(self.path).path
                if path == "/v1/auth/login/":
                    given = json.loads(body) if body.startswith("{") else {k: v[0] for k, v in parse_qs(body).items()}
                    if (given.get("username"), given.get("password")) != (fake.user, fake.password):
                        return self._send(400, {"non_field_errors": ["Unable to log in with provided credentials."]})
                    return self._send(200, {"key": "token"}, headers=[("Set-Cookie", "csrftoken=abc; Path=/")])
                if path.endswith("/download"):
                    return self._send(200, {"task_id": "export-1"})
                self._send(404, {"detail": "Not found."})

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/v1/projects":
                    results = [{"id": n, "name": name, "description": "", "project_type": "SequenceLabeling"}
                               for n, name in enumerate(fake.projects, start=1)]
                    return self._send(200, {"count": len(results), "next": None, "previous": None, "results": results})
                if url.path == "/v1/tasks/status/export-1":
                    return self._send(200, {"ready": True, "result": None, "error": None})
                if url.path.endswith("/download") and parse_qs(url.query).get("taskId") == ["export-1"]:
                    archive = io.BytesIO()
                    with zipfile.ZipFile(archive, "w") as zf:
                        for name, data in fake.export.items():
                            zf.writestr(name, data)
                    return self._send(200, archive.getvalue(), "application/zip")
                self._send(404, {"detail": "Not found."})

        return Handler


@pytest.fixture
def fake_doccano(monkeypatch):
    servers = []

    def start(export=None, projects=("salve",)):
        fake = FakeDoccano("salve-test", "secret", list(projects), export or {})
        servers.append(fake)
        monkeypatch.setenv("DOCCANO_URL", fake.url)
        monkeypatch.setenv("DOCCANO_USER", "salve-test")
        monkeypatch.setenv("DOCCANO_PASSWORD", "secret")
        return fake
    yield start
    for fake in servers:
        fake.server.shutdown()


def _export_line(doccano_id, record):
    return json.dumps({"id": doccano_id, **to_upload(record), "Comments": []}, ensure_ascii=False)


def _pull(target, tmp_path, *extra):
    result = run_salve("doccano", "pull", "--project", "salve", "--into", target, "--backup-dir", tmp_path / "backups",
                       *extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_pull_refuses_an_invalid_export_and_writes_nothing(fake_doccano, tmp_path):
    gold = _gold()
    bad_offsets = copy.deepcopy(gold[0])
    bad_offsets["entities"][0]["end_offset"] = 10 ** 6
    eid, start = bad_offsets["entities"][0]["id"], bad_offsets["entities"][0]["start_offset"]
    changed_text = _changed_text(gold[2])
    without_doc_id = {**gold[3], "meta": {k: v for k, v in gold[3]["meta"].items() if k != "doc_id"}}
    lines = [_export_line(11, bad_offsets), _export_line(12, gold[1]), _export_line(13, gold[1]),
             _export_line(14, changed_text), _export_line(15, without_doc_id), '{"id": 16, "text": ']
    fake_doccano({"all.jsonl": "\n".join(lines).encode("utf8") + b"\n"})
    target = tmp_path / "seeds.jsonl"
    target.write_bytes(GOLD.read_bytes())
    result = _pull(target, tmp_path, "--force")  # --force accepts removals, never an invalid export
    assert result.returncode == 1
    where = "doccano export all.jsonl"
    d1, d2 = (r["meta"]["doc_id"] for r in gold[1:3])
    old, new = gold[2]["text"][100:130], changed_text["text"][100:130]
    expected = [
        f"{where}:1: entity id={eid} [{start}:1000000]: offsets out of range (text has {len(gold[0]['text'])} characters)",
        f"{where}:3: doc_id '{d1}' (doccano example id=13) is also in doccano example id=12 (line 2 of {where})",
        f"{where}:4: doc_id '{d2}' (doccano example id=14): the text differs from the corpus at character 100: "
        f"corpus {old!r}, export {new!r} (a text must not change in doccano)",
        f"{where}:5: doccano example id=15 has no meta.doc_id (was it added in doccano instead of pushed by "
        f"`salve doccano push`?)",
        f"{where}:6: not valid JSON: Expecting value at column 20",
    ]
    assert "The export of project 'salve' is not valid" in result.stdout and "nothing written" in result.stdout
    for line in expected:
        assert f"  {line}\n" in result.stdout, result.stdout
    assert target.read_bytes() == GOLD.read_bytes()
    assert not (tmp_path / "backups").exists()


def _changed_text(record):
    return {**record, "text": record["text"][:100] + "X" + record["text"][101:]}


WHERE = "doccano export all.jsonl"


# One problem each, in an otherwise valid export with --force: before issue 15 each of these was written (a
# duplicate doc_id was merged and only refused after the corpus file and its backup had been written).
@pytest.mark.parametrize("case", ["duplicate doc_id", "changed text", "no doc_id"])
def test_pull_refuses_a_single_problem_even_with_force(fake_doccano, tmp_path, case):
    gold = _gold()
    lines = [_export_line(n, r) for n, r in enumerate(gold, start=1)]
    d1, d2 = gold[1]["meta"]["doc_id"], gold[2]["meta"]["doc_id"]
    if case == "duplicate doc_id":
        lines.append(_export_line(6, gold[1]))
        expected = f"{WHERE}:6: doc_id '{d1}' (doccano example id=6) is also in doccano example id=2 (line 2 of {WHERE})"
    elif case == "changed text":
        lines[2] = _export_line(3, _changed_text(gold[2]))
        old, new = gold[2]["text"][100:130], _changed_text(gold[2])["text"][100:130]
        expected = (f"{WHERE}:3: doc_id '{d2}' (doccano example id=3): the text differs from the corpus at character "
                    f"100: corpus {old!r}, export {new!r} (a text must not change in doccano)")
    else:
        lines.append(_export_line(6, {"text": "Un drone a visé la base de Harir.", "entities": [], "relations": []}))
        expected = (f"{WHERE}:6: doccano example id=6 has no meta.doc_id (was it added in doccano instead of pushed by "
                    f"`salve doccano push`?)")
    fake_doccano({"all.jsonl": "\n".join(lines).encode("utf8") + b"\n"})
    target = tmp_path / "seeds.jsonl"
    target.write_bytes(GOLD.read_bytes())
    result = _pull(target, tmp_path, "--force")
    assert result.returncode == 1 and plain(result.stdout).endswith(f"nothing written:\n  {expected}\n"), result.stdout
    assert target.read_bytes() == GOLD.read_bytes()
    assert not (tmp_path / "backups").exists()


def test_pull_of_a_valid_export_adds_the_new_document_with_a_backup(fake_doccano, tmp_path):
    gold = _gold()
    new_doc = {"text": "Un drone a visé la base de Harir.", "meta": {"doc_id": "new1"},
               "entities": [{"id": 7, "label": "WEAPON", "start_offset": 0, "end_offset": 8}], "relations": []}
    lines = [_export_line(n, r) for n, r in enumerate(gold + [new_doc], start=1)]
    fake_doccano({"all.jsonl": "\n".join(lines).encode("utf8") + b"\n"})
    target = tmp_path / "seeds.jsonl"
    target.write_bytes(GOLD.read_bytes())
    result = _pull(target, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    records = [r for _, r in read_records(target)]
    assert records[:5] == gold and records[5]["meta"]["doc_id"] == "new1"
    (backup,) = (tmp_path / "backups").glob("seeds.*.jsonl")
    assert backup.read_bytes() == GOLD.read_bytes()


def test_a_stopped_server_isone_line(monkeypatch, tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("DOCCANO_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("DOCCANO_USER", "salve-test")
    monkeypatch.setenv("DOCCANO_PASSWORD", "secret")
    expected = (f"✘ Cannot connect to doccano at http://127.0.0.1:{port} (Connection refused): is the server running? "
                f"(`salve doccano server-start`)")
    assert one_line(_pull(tmp_path / "seeds.jsonl", tmp_path)) == expected
    pushed = run_salve("doccano", "push", "--project", "salve", "--gold", GOLD)
    assert one_line(pushed) == expected
    assert not (tmp_path / "seeds.jsonl").exists()


def test_wrong_credentials_areone_line(fake_doccano, monkeypatch, tmp_path):
    fake = fake_doccano()
    monkeypatch.setenv("DOCCANO_PASSWORD", "not-the-password")
    line = one_line(_pull(tmp_path / "seeds.jsonl", tmp_path))
    assert line == (f"✘ doccano at {fake.url} refused the login of user 'salve-test' (Unable to log in with "
                    f"provided credentials.): check DOCCANO_USER and DOCCANO_PASSWORD")


def test_an_unknown_project_isone_line(fake_doccano, tmp_path):
    fake = fake_doccano(projects=["salve-old", "other"])
    line = one_line(_pull(tmp_path / "seeds.jsonl", tmp_path))
    assert line == (f"✘ No doccano project named 'salve' at {fake.url} (projects there: 'salve-old', 'other'); "
                    f"`salve doccano push --project salve` creates it")
