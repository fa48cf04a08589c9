import json
import sys
from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpus" / "gold" / "seeds.jsonl"
SEEDS = ROOT / "seeds"
SCRIPTS = ROOT / "scripts"


@pytest.fixture(scope="session")
def blank_fr():
    return spacy.blank("fr")


@pytest.fixture
def write_jsonl(tmp_path):
    """Write raw lines (str) or records (dict) to a JSONL file and return its path."""
    def _write(*items, name="corpus.jsonl"):
        path = tmp_path / name
        lines = [item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in items]
        path.write_text("\n".join(lines) + "\n", encoding="utf8")
        return path
    return _write


def run_script(*args, cwd=ROOT):
    """Run a project script with the test interpreter; return the CompletedProcess."""
    import subprocess
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True)
