"""Salve: French news about attacks on military installations -> entities, relations and event records.

Floors, each importing only the ones below it:
- `salve.pipeline`: what a loaded pipeline needs at inference (labels, quantities, knowledge, components,
  relation model, events, export). Registered with spaCy through entry points (pyproject.toml).
- `salve.corpus`: annotation formats, markup, DocBins, augmentation, splits, doccano sync.
- `salve.extraction`: reading input files and running a pipeline over them.
- `salve.evaluation`: metrics, evaluation of a pipeline, reports, agreement, benchmark.
- `salve.training`: training and cross-validation drivers, the rule pipeline, packaging.
- `salve.cli`: the `salve` command, thin wrappers over the floors below.
"""
__version__ = "0.1.0"
