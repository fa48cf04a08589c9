"""Salve: French news about attacks on military installations -> entities, relations and event records.

Importing this package registers nothing with spaCy; the pipeline components are registered by importing
`salve.components` (which `scripts/spacy_code.py` does for `spacy train --code`).
"""
__version__ = "0.1.0"
