"""`python -m salve …` is the `salve` command (for project.yml steps run without the venv on PATH)."""
from salve.cli.main import app

app(prog_name="salve")
