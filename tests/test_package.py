"""Packaging end to end: the fr_salve wheel and the salve runtime wheel, installed alone in a fresh virtual
environment, and the model wheel beside the project's own code in one process (one registration)."""
import json
import subprocess
import sys
import venv
import zipfile

import pytest
import spacy
from conftest import CHECK_SENTENCE, CHECK_TEXTS, ROOT, predictions, run_salve

# Runs in a child interpreter that imports nothing of Salve itself: spaCy finds the components by entry points.
CHECK = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
texts = json.loads(sys.argv[2])
print(json.dumps({"pipes": nlp.pipe_names, "preds": [
    {"ents": [[e.start_char, e.end_char, e.label_] for e in d.ents], "relations": d._.relations, "events": d._.events}
    for d in nlp.pipe(texts)]}))
"""


def _normalise(preds):
    return json.loads(json.dumps(preds))


@pytest.fixture(scope="module")
def wheels(trained_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("packages")
    built = run_salve("package", trained_model, out, "--name", "salve", "--version", "0.0.1")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    dist = out / "fr_salve-0.0.1" / "dist"
    return sorted(dist.glob("*.whl"))


def test_the_wheels_hold_no_copied_code_and_pin_the_runtime(wheels):
    names = sorted(w.name for w in wheels)
    assert names == ["fr_salve-0.0.1-py3-none-any.whl", "salve-0.1.0-py3-none-any.whl"]
    model_wheel = next(w for w in wheels if w.name.startswith("fr_salve"))
    with zipfile.ZipFile(model_wheel) as zf:
        py_files = [n for n in zf.namelist() if n.endswith(".py")]
        meta = json.loads(zf.read("fr_salve/fr_salve-0.0.1/meta.json"))
        readme = zf.read("fr_salve/fr_salve-0.0.1/README.md").decode("utf8")
    assert py_files == ["fr_salve/__init__.py"]  # nothing copied flat: the code comes from `salve`
    assert "salve==0.1.0" in meta["requirements"] and not any(r.startswith("text2num") for r in meta["requirements"])
    assert "## Intended use" in readme and "## Known weaknesses" in readme and "USES" in readme
    with zipfile.ZipFile(next(w for w in wheels if w.name.startswith("salve-"))) as zf:
        runtime = zf.namelist()
        entry_points = next(zf.read(n).decode() for n in runtime if n.endswith("entry_points.txt"))
    assert "salve/pipeline/events.py" in runtime and not any(n.startswith("tests/") for n in runtime)
    assert "salve_relations = salve.pipeline.relation_component:make_relation_extractor" in entry_points


def test_wheels_alone_in_a_fresh_venv_give_the_trained_models_content(trained_model, wheels, tmp_path):
    expected = _normalise(predictions(spacy.load(trained_model), CHECK_TEXTS))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *map(str, wheels)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    result = subprocess.run([str(python), "-c", CHECK, "fr_salve", json.dumps(CHECK_TEXTS)], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["pipes"] == ["tok2vec", "salve_gazetteer", "ner", "salve_entity_checks", "salve_relations", "salve_events", "salve_geocoder"]
    assert out["preds"] == expected
    first = out["preds"][0]
    event = first["events"][0]
    assert event["target"]["name"] and "Asad" in event["target"]["name"]
    assert [(w["type"], w["count"], w["qualifier"]) for w in event["weapons"]] == [("rocket", 3, "at_least")]
    assert first["relations"], CHECK_SENTENCE
    installed = subprocess.run([str(python), "-m", "pip", "list"], capture_output=True, text=True).stdout.lower()
    assert "torch" not in installed  # the CPU package does not pull torch


def test_model_wheel_beside_the_project_code_in_one_process(trained_model, wheels, tmp_path):
    """The project's `salve` (editable) and the installed fr_salve: no second registration (E004)."""
    site = tmp_path / "site"
    model_wheel = next(w for w in wheels if w.name.startswith("fr_salve"))
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                              str(model_wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    code = "import salve.pipeline.event_component, salve.pipeline.relation_component\n" + CHECK
    result = subprocess.run([sys.executable, "-c", code, "fr_salve", json.dumps(CHECK_TEXTS)], capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1])["preds"] == _normalise(
        predictions(spacy.load(trained_model), CHECK_TEXTS))
    article = tmp_path / "article.txt"
    article.write_text(CHECK_SENTENCE, encoding="utf8")
    extracted = subprocess.run([sys.executable, "-m", "salve.cli.main", "extract", str(article), "--model", "fr_salve",
                                "--out", str(tmp_path / "out.jsonl")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert extracted.returncode == 0, extracted.stdout[-2000:] + extracted.stderr[-2000:]
    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf8").splitlines()[0])
    assert line["events"] and line["events"][0]["weapons"][0]["type"] == "rocket"
