"""Mention replacement: new training documents from an annotated one, with other mentions of the same label.

BASE mentions become other installations of the gazetteer, WEAPON mentions other weapons with other counts and
qualifiers, ACTOR mentions other actors. Offsets are recomputed and relations keep their entity ids, so the
annotation stays exactly as valid as the source. Each result records the document it was derived from
(`meta.derived_from`), so cross-validation keeps it on the training side of its own seed only.
"""
import random
from typing import Any, Dict, List, Optional

from salve.pipeline.knowledge import Knowledge
from salve.pipeline.labels import ACTOR, BASE, WEAPON

from .format import Record

# Quantity phrases with a slot for a (singular, plural) weapon noun: varied counts and qualifiers.
QUANTITY_TEMPLATES = [
    ("{n} {pl}", "exact"), ("au moins {n} {pl}", "at_least"), ("plus de {n} {pl}", "at_least"),
    ("une dizaine de {pl}", "approx"), ("une vingtaine de {pl}", "approx"), ("jusqu'à {n} {pl}", "at_most"),
    ("plusieurs {pl}", "unknown"), ("des {pl}", "unknown"), ("un {sg}", "exact"), ("environ {n} {pl}", "approx"),
    ("entre {n} et {m} {pl}", "at_least"), ("quelques {pl}", "unknown"), ("Au moins {w} {pl}", "at_least"),
]
NUMBER_WORDS = ["deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "douze", "quinze", "vingt"]
# Weapon nouns (singular, plural, gender of the singular) used in the generated weapon phrases.
WEAPON_NOUNS = [
    ("roquette", "roquettes", "f"), ("drone", "drones", "m"), ("missile", "missiles", "m"),
    ("obus de mortier", "obus de mortier", "m"), ("drone kamikaze", "drones kamikazes", "m"),
    ("roquette Katioucha", "roquettes Katioucha", "f"), ("missile balistique", "missiles balistiques", "m"),
    ("obus", "obus", "m"), ("roquette de 107 mm", "roquettes de 107 mm", "f"), ("drone explosif", "drones explosifs", "m"),
]
_ELIDE = tuple("aeiouyhâàéèêîïôû")


def _with_article(name: str) -> str:
    """'base aérienne d'X' -> 'la base aérienne d'X'; names that already start with an article are kept."""
    lower = name.lower()
    if lower.startswith(("la ", "le ", "l'", "l’", "les ")):
        return name
    head = lower.split(" ")[0]
    if lower.startswith(_ELIDE):
        return "l'" + name
    feminine = head in {"base", "garnison", "ambassade", "tour", "position", "installation"}
    return ("la " if feminine else "le ") + name


def weapon_phrase(rng: random.Random) -> str:
    template, _ = rng.choice(QUANTITY_TEMPLATES)
    singular, plural, gender = rng.choice(WEAPON_NOUNS)
    n = rng.randint(2, 40)
    phrase = template.format(n=n, m=n + rng.randint(1, 5), w=rng.choice(NUMBER_WORDS), sg=singular, pl=plural)
    if template.startswith("un ") and gender == "f":
        phrase = "une " + phrase[3:]
    return phrase


def replacement(label: str, original: str, knowledge: Knowledge, rng: random.Random) -> Optional[str]:
    """A new mention for an entity of `label`, or None to keep the original."""
    if label == BASE:
        entry = rng.choice(knowledge.installations)
        return _with_article(entry["name"])
    if label == WEAPON:
        phrase = weapon_phrase(rng)
        return phrase[0].upper() + phrase[1:] if original[:1].isupper() else phrase
    if label == ACTOR:
        entry = rng.choice([a for a in knowledge.actors if a.get("kind") != "coalition"] or knowledge.actors)
        return entry["name"]
    return None


def replace_mentions(record: Record, knowledge: Knowledge, rng: random.Random, rate: float = 0.7,
                     suffix: str = "aug") -> Record:
    """A copy of `record` with a share `rate` of BASE/WEAPON/ACTOR mentions replaced; relations unchanged."""
    text = record["text"]
    entities = sorted(record["entities"], key=lambda e: e["start_offset"])
    pieces: List[str] = []
    new_entities: List[Dict[str, Any]] = []
    pos = shift = 0
    for ent in entities:
        start, end = ent["start_offset"], ent["end_offset"]
        original = text[start:end]
        new = replacement(ent["label"], original, knowledge, rng) if rng.random() < rate else None
        if new and text[:start].endswith(("'", "\u2019")) and not new.lower().startswith(_ELIDE):
            new = None  # "qu'au moins 14 roquettes" cannot become "qu'6 roquettes"
        new = new if new else original
        pieces.append(text[pos:start])
        pieces.append(new)
        new_start = start + shift
        new_entities.append({**ent, "start_offset": new_start, "end_offset": new_start + len(new)})
        shift += len(new) - len(original)
        pos = end
    pieces.append(text[pos:])
    meta = dict(record.get("meta") or {})
    source = meta.get("doc_id", "doc")
    meta.update({"doc_id": f"{source}__{suffix}", "derived_from": meta.get("derived_from", source),
                 "augmented": True, "synthetic": False})
    return {"text": "".join(pieces), "entities": new_entities, "relations": [dict(r) for r in record["relations"]],
            "meta": meta}
