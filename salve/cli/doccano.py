"""The annotation loop with a local doccano server.

    export DOCCANO_USER=admin DOCCANO_PASSWORD=...          # credentials come from the environment only
    salve doccano server-start                  # own venv in .doccano/, bound to 127.0.0.1
    salve doccano push --project salve --gold corpus/gold/seeds.jsonl
    salve doccano push --project salve --raw new_articles/ --model training/model-best
    salve doccano pull --project salve --into corpus/gold/seeds.jsonl
    salve doccano server-stop

The server runs doccano 1.8.4 from its own virtual environment (its pins clash with spaCy's), under gunicorn
bound to 127.0.0.1, with its task worker (imports and exports run there). Its data lives in --home.
"""
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, NoReturn, Optional, Tuple

import typer
from wasabi import color, msg
from wasabi.util import locale_escape

from salve.corpus.doccano_sync import check_export, diff, merge, parse_export, to_upload
from salve.corpus.files import load_records
from salve.corpus.format import CorpusError, Problem, Record, doc_id_of, validate_records, write_records
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HOME = ROOT / ".doccano"
REQUIREMENTS = ROOT / "requirements-doccano.txt"
LABEL_COLORS = {"ATTACK": "#f4a261", "WEAPON": "#e76f51", "BASE": "#2a9d8f", "ACTOR": "#457b9d", "CASUALTY": "#e9c46a"}


def fail(message: str, details: Iterable[object] = ()) -> NoReturn:
    """Print `message` on one unwrapped line styled as `msg.fail` (which wraps at 80 columns), then each detail on
    its own indented line, and exit 1."""
    line = locale_escape(f"\u2718 {message}")
    print(color(line, fg="red") if msg.show_color else line)
    for detail in details:
        print(f"  {detail}")
    raise typer.Exit(code=1)


def credentials() -> Dict[str, str]:
    user, password = os.environ.get("DOCCANO_USER"), os.environ.get("DOCCANO_PASSWORD")
    if not user or not password:
        fail("Set DOCCANO_USER and DOCCANO_PASSWORD in the environment (they are never read from files or "
             "command-line options, so they do not end up in logs)")
    return {"user": user, "password": password}


def server_url(port: int) -> str:
    return os.environ.get("DOCCANO_URL", f"http://127.0.0.1:{port}")


# Server ------------------------------------------------------------------------------------------------

def ensure_venv(venv: Path) -> Path:
    """The doccano virtual environment, created and installed from requirements-doccano.txt when missing."""
    marker = venv / ".installed"
    wanted = REQUIREMENTS.read_text(encoding="utf8")
    if marker.exists() and marker.read_text(encoding="utf8") == wanted:
        return venv
    msg.info(f"Installing doccano into {venv} (once; about a minute)")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
    marker.write_text(wanted, encoding="utf8")
    return venv


def server_env(data: Path) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({"DOCCANO_HOME": str(data), "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
                "MEDIA_ROOT": str(data / "media"), "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "STANDALONE": "True"})
    return env


def backend_dir(venv: Path) -> Path:
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import backend, os; print(os.path.dirname(backend.__file__))"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def wait_healthy(url: str, timeout: float) -> None:
    import requests
    start = time.time()
    while time.time() - start < timeout:
        try:
            if requests.get(f"{url}/v1/health/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    msg.fail(f"doccano did not become healthy at {url} within {timeout:.0f} s (see the logs in the home folder)", exits=1)


@app.command("server-start")
def server_start(home: Path = typer.Option(DEFAULT_HOME, help="Folder for the data, logs and pid file"),
                 venv: Path = typer.Option(DEFAULT_HOME / "venv", help="doccano's own virtual environment"),
                 port: int = typer.Option(8765), timeout: float = typer.Option(120)) -> None:
    """Start doccano (gunicorn on 127.0.0.1 + task worker); create the admin user from the environment."""
    creds = credentials()
    home = home.resolve()
    state = home / "server.json"
    if state.exists():
        msg.fail(f"A server is already recorded in {state}; run server-stop first", exits=1)
    venv = ensure_venv(venv.resolve())
    data = home / "data"
    data.mkdir(parents=True, exist_ok=True)
    env = server_env(data)
    msg.info("Initialising the database")
    subprocess.run([str(venv / "bin" / "doccano"), "init"], env=env, check=True, capture_output=True)
    backend = backend_dir(venv)
    user_env = {**env, "DJANGO_SUPERUSER_PASSWORD": creds["password"]}
    created = subprocess.run([str(venv / "bin" / "python"), "manage.py", "createsuperuser", "--noinput",
                              "--username", creds["user"], "--email", f"{creds['user']}@localhost"],
                             env=user_env, cwd=backend, capture_output=True, text=True)
    if created.returncode != 0 and "already taken" not in created.stderr:
        msg.fail("Could not create the doccano user", created.stderr[-1000:], exits=1)
    logs = {name: open(home / f"{name}.log", "ab") for name in ("web", "tasks")}
    web = subprocess.Popen([str(venv / "bin" / "gunicorn"), "--chdir", str(backend), "--bind", f"127.0.0.1:{port}",
                            "--workers", "2", "config.wsgi"], env=env, stdout=logs["web"], stderr=subprocess.STDOUT,
                           start_new_session=True)
    tasks = subprocess.Popen([str(venv / "bin" / "doccano"), "task", "--concurrency", "1"], env=env,
                             stdout=logs["tasks"], stderr=subprocess.STDOUT, start_new_session=True)
    state.write_text(json.dumps({"web": web.pid, "tasks": tasks.pid, "port": port}), encoding="utf8")
    url = f"http://127.0.0.1:{port}"
    msg.info(f"Waiting for {url}")
    wait_healthy(url, timeout)
    msg.good(f"doccano is running at {url} (data in {data})")


@app.command("server-stop")
def server_stop(home: Path = typer.Option(DEFAULT_HOME)) -> None:
    """Stop the server and task worker started by server-start."""
    state = home.resolve() / "server.json"
    if not state.exists():
        msg.warn(f"No server recorded in {state}")
        return
    pids = json.loads(state.read_text(encoding="utf8"))
    for name in ("web", "tasks"):
        try:
            os.killpg(pids[name], signal.SIGTERM)
        except ProcessLookupError:
            pass
    time.sleep(2)
    for name in ("web", "tasks"):
        try:
            os.killpg(pids[name], signal.SIGKILL)
        except ProcessLookupError:
            pass
    state.unlink()
    msg.good("doccano stopped")


# API -----------------------------------------------------------------------------------------------------

def _detail(response) -> str:
    """What a doccano error response says, on one line."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:200]
    if isinstance(body, dict):
        parts = [" ".join(map(str, v)) if isinstance(v, list) else str(v) for v in body.values()]
        return " ".join(" ".join(parts).split())[:200]
    return " ".join(str(body).split())[:200]


def _connection_reason(err: Exception) -> str:
    """"Connection refused" out of urllib3's long "Max retries exceeded ... [Errno 111] Connection refused"."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(err))
    return found.group(1).strip() if found else type(err).__name__


@contextmanager
def server_errors(url: str) -> Iterator[None]:
    """Network and HTTP failures while talking to doccano: one line saying what and where, exit 1, no traceback."""
    import requests
    try:
        yield
    except requests.ConnectionError as err:
        fail(f"Cannot connect to doccano at {url} ({_connection_reason(err)}): is the server running? "
             f"(`salve doccano server-start`)")
    except requests.Timeout:
        fail(f"doccano at {url} did not answer in time")
    except requests.HTTPError as err:
        response, request = err.response, err.request
        what = f"{request.method} {request.path_url}" if request is not None else "a request"
        status = response.status_code if response is not None else "?"
        fail(f"doccano at {url} answered HTTP {status} to {what}: {_detail(response) if response is not None else err}")
    except requests.RequestException as err:
        fail(f"The request to doccano at {url} failed: {' '.join(str(err).split())}")


def connect(url: str):
    """Logged-in clients (beta and legacy API); a refused login is one line naming the user."""
    import requests
    from doccano_client import DoccanoClient as LegacyClient
    from doccano_client.beta import DoccanoClient
    creds = credentials()
    beta = DoccanoClient(url)
    try:
        beta.login(creds["user"], creds["password"])
    except requests.HTTPError as err:
        if err.response is None or err.response.status_code not in (400, 401, 403):
            raise
        fail(f"doccano at {url} refused the login of user {creds['user']!r} ({_detail(err.response)}): check "
             f"DOCCANO_USER and DOCCANO_PASSWORD")
    return beta, LegacyClient(url, creds["user"], creds["password"])


def get_project(beta, url: str, name: str, create: bool):
    from doccano_client.beta.models.projects import Project, ProjectTypes
    from doccano_client.beta.models.relation_type import RelationType
    from doccano_client.beta.models.span_type import SpanType
    projects = list(beta.projects.all())
    for project in projects:
        if project.project.name == name:
            return project
    if not create:
        names = ", ".join(repr(p.project.name) for p in projects) or "none"
        fail(f"No doccano project named {name!r} at {url} (projects there: {names}); "
             f"`salve doccano push --project {name}` creates it")
    project = beta.projects.create(Project(name=name, description="Salve: attacks on military installations",
                                           project_type=ProjectTypes.SEQUENCE_LABELING, use_relation=True))
    for label in ENTITY_LABELS:
        project.span_types.create(SpanType(text=label, background_color=LABEL_COLORS[label]))
    for rtype in RELATION_TYPES:
        project.relation_types.create(RelationType(text=rtype))
    msg.good(f"Created project {name!r} (id {project.id}) with the schema's labels and relation types")
    return project


def wait_task(legacy, task_id: str, what: str, timeout: float = 300) -> Dict[str, Any]:
    start = time.time()
    while time.time() - start < timeout:
        status = legacy.get(f"v1/tasks/status/{task_id}")
        status = status if isinstance(status, dict) else status.json()
        if status.get("ready"):
            return status
        time.sleep(0.5)
    fail(f"doccano did not finish the {what} within {timeout:.0f} s")


def existing_doc_ids(project) -> set:
    return {(ex.example.meta or {}).get("doc_id") for ex in project.examples.all()}


def upload(legacy, project_id: int, records: List[Record]) -> None:
    data = "".join(json.dumps(to_upload(r), ensure_ascii=False) + "\n" for r in records).encode("utf8")
    process = legacy.post("v1/fp/process/", files={"filepond": ("salve.jsonl", io.BytesIO(data))}, as_json=False)
    process.raise_for_status()
    # The RelationExtraction task keeps entities and relations (the SequenceLabeling task would drop them).
    started = legacy.post(f"v1/projects/{project_id}/upload", json={
        "format": "JSONL", "task": "RelationExtraction", "uploadIds": [process.text], "column_data": "text",
        "column_label": "label", "delimiter": "", "encoding": "utf_8"})
    task = started["task_id"] if isinstance(started, dict) else started.json()["task_id"]
    status = wait_task(legacy, task, "import")
    errors = (status.get("result") or {}).get("error") or []
    if status.get("error") or errors:
        fail(f"doccano rejected the upload: {status.get('error') or errors[:5]}")


def predictions(model: str, paths: List[Path]) -> List[Record]:
    """Pre-annotations: the model's entities and relations for raw texts, as corpus records."""
    import spacy

    from salve.corpus.docbin import doc_to_record
    from salve.extraction import read_inputs
    nlp = spacy.load(model)
    records = []
    for doc_id, text, date, error in read_inputs(paths):
        if error is not None or not (text or "").strip():
            msg.warn(f"{doc_id}: skipped ({error or 'empty text'})")
            continue
        record = doc_to_record(nlp(text))
        record["meta"] = {"doc_id": doc_id, "pre_annotated_by": model, **({"date": date} if date else {})}
        records.append(record)
    return records


@app.command("push")
def push(project_name: str = typer.Option(..., "--project"), gold: Optional[Path] = typer.Option(None, exists=True),
         raw: List[Path] = typer.Option([], exists=True, help=".txt files, folders or JSONL {id, text}"),
         model: str = typer.Option("training/model-best", help="Pipeline for the pre-annotations of --raw texts"),
         port: int = typer.Option(8765)) -> None:
    """Create the project if needed and upload gold documents and/or raw texts with pre-annotations."""
    records: List[Record] = []
    if gold:
        try:
            records += [r for _, r in load_records(gold)]
        except CorpusError as err:
            fail(f"{gold} is not valid ({len(err.problems)} problem(s)):", err.problems)
    if raw:
        records += predictions(model, raw)
    if not records:
        msg.fail("Nothing to push: give --gold and/or --raw", exits=1)
    url = server_url(port)
    with server_errors(url):
        beta, legacy = connect(url)
        project = get_project(beta, url, project_name, create=True)
        present = existing_doc_ids(project)
        new = [r for r in records if doc_id_of(r) not in present]
        if len(new) < len(records):
            msg.warn(f"{len(records) - len(new)} document(s) already in the project, not uploaded again")
        if new:
            upload(legacy, project.id, new)
    msg.good(f"Pushed {len(new)} document(s) to project {project_name!r}")


def download_export(beta, project) -> List[Tuple[str, bytes]]:
    """The files of a JSONL export of the project, as (name in the archive, content)."""
    session = project.client_session
    started = session.post(f"{project.project_url}/download", json={"exportApproved": False, "format": "JSONL"})
    started.raise_for_status()
    task_id = started.json()["task_id"]
    start = time.time()
    while True:
        status = session.get(f"{beta.api_url}/tasks/status/{task_id}").json()
        if status.get("ready"):
            break
        if time.time() - start > 300:
            fail("doccano did not finish the export within 300 s")
        time.sleep(0.5)
    blob = session.get(f"{project.project_url}/download", params={"taskId": task_id})
    blob.raise_for_status()
    try:
        with zipfile.ZipFile(io.BytesIO(blob.content)) as archive:
            return [(name, archive.read(name)) for name in sorted(archive.namelist())]
    except zipfile.BadZipFile:
        fail(f"doccano's export of project {project.project.name!r} is not a zip archive "
             f"({len(blob.content)} bytes starting {blob.content[:40]!r})")


def _refuse(title: str, problems: List[Problem]) -> NoReturn:
    """A title line, then one `file:line: message` line per problem in file and line order; exit 1."""
    fail(f"{title} ({len(problems)} problem(s)); nothing written:", sorted(problems, key=lambda p: (p.file, p.line)))


@app.command("pull")
def pull(project_name: str = typer.Option(..., "--project"), into: Path = typer.Option(..., help="Corpus JSONL to update"),
         force: bool = typer.Option(False, help="Write even if the export removes documents or annotations"),
         backup_dir: Path = typer.Option(ROOT / "corpus" / "backups"), port: int = typer.Option(8765)) -> None:
    """Export the project, validate the whole export, show the changes, back up the corpus file and merge the export
    into it. Nothing is written (corpus or backup) unless every exported document is valid."""
    import spacy
    try:
        current = [r for _, r in load_records(into)] if into.exists() else []
    except CorpusError as err:
        _refuse(f"{into} is not valid", err.problems)
    url = server_url(port)
    with server_errors(url):
        beta, _ = connect(url)
        project = get_project(beta, url, project_name, create=False)
        files = download_export(beta, project)
    lines, problems = parse_export(files)
    exported, found = check_export(lines, current, spacy.blank("fr"))
    if problems + found:
        _refuse(f"The export of project {project_name!r} is not valid; {into} is left as it was", problems + found)
    changes = diff(current, exported)
    print(changes.summary())
    drops = changes.drops()
    if drops and not force:
        fail("The export would remove annotations; nothing written (use --force to accept):", drops)
    if not changes.added and not changes.modified and not changes.removed:
        msg.good(f"{into} is up to date")
        return
    merged = merge(current, exported)
    problems = validate_records(enumerate(merged, start=1), f"{into} (merged)")
    if problems:  # the checks above should make this impossible: never write a corpus that would not load
        _refuse(f"Merging the export into {into} would give an invalid corpus", problems)
    if into.exists():
        backup_dir.mkdir(parents=True, exist_ok=True)
        backup = backup_dir / f"{into.stem}.{datetime.now().strftime('%Y%m%d-%H%M%S')}.jsonl"
        shutil.copy(into, backup)
        msg.info(f"Backed up {into} to {backup}")
    write_records(merged, into)
    msg.good(f"Wrote {into}")

