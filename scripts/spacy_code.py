"""Code file for `spacy train --code` / `spacy evaluate --code`: importing the salve components registers them.

spaCy imports this file on its own (not as part of a package), so it imports the installed `salve` package
(`pip install -e .`, done by `make setup`) instead of holding code itself.
"""
import salve.event_component  # noqa: F401
import salve.rule_entities  # noqa: F401
import salve.rule_relations  # noqa: F401
import salve.relation_component  # noqa: F401
import salve.relation_model  # noqa: F401
