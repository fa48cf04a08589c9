# Entry points for a fresh machine. Each target sets up what it needs.
#   make test   - create .venv, install (with the transformer extra), lint (ruff), run the test suite
#   make all    - create .venv, install, run the main workflow (spacy project run all)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup setup-trf test all clean

setup: $(VENV)/.installed

# Optional transformer extra (torch CPU build, spacy-transformers): only the tests and configs/trf.cfg need it.
setup-trf: $(VENV)/.installed-trf

$(VENV)/.installed-trf: $(VENV)/.installed requirements-trf.txt
	$(PY) -m pip install --quiet -r requirements-trf.txt
	touch $@

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

test: setup setup-trf
	$(VENV)/bin/ruff check salve tests scripts
	$(PY) -m pytest

all: setup
	$(PY) -m spacy project run all

clean:
	rm -rf $(VENV) training/* packages/* reports corpus/build corpus/splits corpus/*/*.spacy
