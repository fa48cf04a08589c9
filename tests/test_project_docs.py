"""The README's project-command section is what `spacy project document` generates from project.yml, and every
command of project.yml calls code that exists (the `salve` subcommands it names)."""
import subprocess
import sys

import srsly
from conftest import ROOT, run_salve

START, END = "<!-- WEASEL: AUTO-GENERATED DOCS START", "<!-- WEASEL: AUTO-GENERATED DOCS END"


def _section(text):
    return text[text.index(START):text.index(END)]


def test_readme_command_table_is_generated_from_project_yml():
    generated = subprocess.run([sys.executable, "-m", "spacy", "project", "document", str(ROOT)], capture_output=True,
                               text=True, check=True).stdout
    readme = (ROOT / "README.md").read_text(encoding="utf8")
    assert _section(readme).strip() == _section(generated).strip(), "run: spacy project run document"


def test_every_salve_subcommand_of_project_yml_exists():
    import typer.main

    from salve.cli.main import app

    root = typer.main.get_command(app)
    project = srsly.read_yaml(ROOT / "project.yml")
    calls = [line.split()[3:] for cmd in project["commands"] for line in cmd["script"] if line.startswith("python -m salve ")]
    assert len(calls) > 10
    for words in calls:
        command = root.commands.get(words[0])
        assert command is not None, words
        if hasattr(command, "commands"):  # a group: corpus, dataset, doccano
            assert words[1] in command.commands, words
    assert run_salve("--help").returncode == 0


def test_project_paths_stay_separate_after_variable_interpolation():
    """weasel merges adjacent list items that are bare "${vars.x}" references into one string; every path in
    deps and outputs must come out as one path."""
    from weasel.util import load_project_config

    config = load_project_config(ROOT)
    paths = [p for cmd in config["commands"] for key in ("deps", "outputs", "outputs_no_cache") for p in cmd.get(key, [])]
    assert paths and not [p for p in paths if ", " in p or "${" in p]
