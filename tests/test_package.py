"""End to end: train a few steps with the real config, package the wheel, install it alone in a fresh
virtual environment and load it with spacy.load (what CI runs; full training is `spacy project run train`)."""
import json
import subprocess
import venv
import zipfile

import spacy
from spacy.tokens import DocBin

from salve.corpus_format import read_records
from salve.docbin import record_to_doc

from conftest import GOLD, run_script

CHECK = """
import json, spacy
nlp = spacy.load("fr_salve")
doc = nlp("Au moins quatorze roquettes ont frappé la base aérienne d'Aïn al-Asad, blessant deux soldats.")
print(json.dumps({"pipes": nlp.pipe_names, "ents": [e.label_ for e in doc.ents], "relations": doc._.relations,
                  "events": doc._.events, "installations": len(nlp.get_pipe("salve_events").knowledge.installations),
                  "threshold": nlp.get_pipe("salve_relations").threshold}))
"""


def test_train_package_install_and_load(tmp_path):
    nlp = spacy.blank("fr")
    docs = [record_to_doc(nlp, r) for _, r in read_records(GOLD)]
    DocBin(docs=docs[:4], store_user_data=True).to_disk(tmp_path / "train.spacy")
    DocBin(docs=docs[4:], store_user_data=True).to_disk(tmp_path / "dev.spacy")
    trained = run_script("scripts/train.py", "train", "--train", tmp_path / "train.spacy", "--dev", tmp_path / "dev.spacy",
                         "--output", tmp_path / "training", "--override", "training.max_steps=6",
                         "--override", "training.eval_frequency=3")
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    info = json.loads((tmp_path / "training" / "train_info.json").read_text())
    assert 0.0 < info["threshold"] < 1.0

    built = run_script("scripts/package.py", tmp_path / "training" / "model-best", tmp_path / "packages",
                       "--name", "salve", "--version", "0.0.1")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheel = tmp_path / "packages" / "fr_salve-0.0.1" / "dist" / "fr_salve-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = json.loads(zf.read("fr_salve/meta.json"))
    assert "fr_salve/relation_component.py" in names and "fr_salve/rule_entities.py" in names
    assert not any(r.startswith("salve") for r in meta["requirements"])
    assert any(r.startswith("text2num") for r in meta["requirements"]) and any(r.startswith("spacy") for r in meta["requirements"])

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    result = subprocess.run([str(python), "-c", CHECK], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["pipes"] == ["tok2vec", "salve_gazetteer", "ner", "salve_relations", "salve_events"]
    assert isinstance(out["relations"], list) and isinstance(out["events"], list)
    assert out["installations"] >= 40 and out["threshold"] == info["threshold"]
    installed = subprocess.run([str(python), "-m", "pip", "list"], capture_output=True, text=True).stdout.lower()
    assert "torch" not in installed  # the CPU package does not pull torch
