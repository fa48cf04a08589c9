"""The transformer option end to end with a tiny random RoBERTa built here (no weights can be downloaded):
train a few steps with configs/trf.cfg, package, install the wheel in a fresh venv, load it, get doc._.events."""
import json
import subprocess
import venv

import spacy
from conftest import GOLD, run_salve, run_script
from spacy.tokens import DocBin

from salve.corpus.docbin import record_to_doc
from salve.corpus.format import read_records

CHECK = """
import json, spacy
nlp = spacy.load("fr_salve_trf")
doc = nlp("Au moins quatorze roquettes ont frappé la base aérienne d'Aïn al-Asad, blessant deux soldats.")
print(json.dumps({"pipes": nlp.pipe_names, "events": doc._.events, "relations": doc._.relations,
                  "width": nlp.get_pipe("transformer").model.get_dim("nO") if nlp.get_pipe("transformer").model.has_dim("nO") else None}))
"""


def test_tiny_transformer_trains_packages_installs_and_loads(tmp_path, places_path):
    tiny = tmp_path / "tiny-fr-roberta"
    made = run_script("scripts/make_tiny_transformer.py", tiny)
    assert made.returncode == 0, made.stderr[-2000:]
    nlp = spacy.blank("fr")
    docs = [record_to_doc(nlp, r) for _, r in read_records(GOLD)]
    DocBin(docs=docs[:4], store_user_data=True).to_disk(tmp_path / "train.spacy")
    DocBin(docs=docs[4:], store_user_data=True).to_disk(tmp_path / "dev.spacy")
    trained = run_salve("train", "--config", "configs/trf.cfg", "--train", tmp_path / "train.spacy",
                         "--dev", tmp_path / "dev.spacy", "--output", tmp_path / "training",
                         "--override", f"components.transformer.model.name={tiny}",
                         "--override", "training.max_steps=4", "--override", "training.eval_frequency=2",
                         "--override", f"paths.places={places_path}")
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    built = run_salve("package", tmp_path / "training" / "model-best", tmp_path / "packages",
                       "--name", "salve_trf", "--version", "0.0.1")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheel = tmp_path / "packages" / "fr_salve_trf-0.0.1" / "dist" / "fr_salve_trf-0.0.1-py3-none-any.whl"
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    wheels = sorted(wheel.parent.glob("*.whl"))
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *map(str, wheels)], capture_output=True,
                             text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    # The weights travel inside the package: the local model folder is not needed any more.
    subprocess.run(["rm", "-rf", str(tiny)], check=True)
    result = subprocess.run([str(python), "-c", CHECK], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["pipes"] == ["transformer", "salve_gazetteer", "ner", "salve_entity_checks", "salve_relations", "salve_events", "salve_geocoder"]
    assert isinstance(out["events"], list) and isinstance(out["relations"], list)
    installed = subprocess.run([str(python), "-m", "pip", "list"], capture_output=True, text=True).stdout
    assert "2.13.0" in next(l for l in installed.splitlines() if l.lower().startswith("torch "))
    assert "nvidia" not in installed.lower()  # the CPU build of torch, no CUDA packages
