"""Code file for `spacy train --code` / `spacy evaluate --code`: importing the salve components registers them.

spaCy imports this file on its own (not as part of a package), so it imports the installed `salve` package
(`pip install -e .`, done by `make setup`) instead of holding code itself.
"""
import salve.components  # noqa: F401  (registers the Salve pipeline components)
