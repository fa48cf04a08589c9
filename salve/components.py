"""Importing this module registers every Salve pipeline component with spaCy, so that any Salve pipeline
(rules, trained, transformer) can be built or loaded. Scripts and the `spacy train --code` file import it;
`salve/__init__.py` does not, so importing `salve` alone registers nothing.
"""
from . import event_component  # noqa: F401  (salve_events)
from . import relation_component  # noqa: F401  (salve_relations, salve.RelationModel.v1)
from . import rule_entities  # noqa: F401  (salve_rule_entities, salve_gazetteer)
from . import rule_relations  # noqa: F401  (salve_rule_relations)

# The transformer factories need no import here: spaCy finds spacy-transformers through its entry points when
# the optional extra is installed, and importing it eagerly would load torch into every CPU process.
