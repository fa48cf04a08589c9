"""The annotation schema: entity labels, relation types and which (relation, head, child) triples are allowed.

This is the single place where the schema is defined; validation, conversion, the rule pipeline, the
relation component and the event records all import it from here.
"""
from typing import Dict, FrozenSet, Tuple

ATTACK = "ATTACK"
WEAPON = "WEAPON"
BASE = "BASE"
ACTOR = "ACTOR"
CASUALTY = "CASUALTY"

ENTITY_LABELS: Tuple[str, ...] = (ATTACK, WEAPON, BASE, ACTOR, CASUALTY)

USES = "USES"
TARGETS = "TARGETS"
CLAIMED_BY = "CLAIMED_BY"
BLAMED_ON = "BLAMED_ON"
KILLED = "KILLED"
INJURED = "INJURED"

RELATION_TYPES: Tuple[str, ...] = (USES, TARGETS, CLAIMED_BY, BLAMED_ON, KILLED, INJURED)

# Every relation goes from an ATTACK mention (head) to one argument (child) of the given label.
RELATION_SCHEMA: Dict[str, Tuple[str, str]] = {
    USES: (ATTACK, WEAPON),
    TARGETS: (ATTACK, BASE),
    CLAIMED_BY: (ATTACK, ACTOR),
    BLAMED_ON: (ATTACK, ACTOR),
    KILLED: (ATTACK, CASUALTY),
    INJURED: (ATTACK, CASUALTY),
}

ALLOWED_TRIPLES: FrozenSet[Tuple[str, str, str]] = frozenset(
    (rel, head, child) for rel, (head, child) in RELATION_SCHEMA.items()
)

# Labels that can be the child of some relation, i.e. the arguments of an attack.
ARGUMENT_LABELS: Tuple[str, ...] = tuple(sorted({child for _, child in RELATION_SCHEMA.values()}))


def is_allowed(relation: str, head_label: str, child_label: str) -> bool:
    """True if the schema allows `relation` from an entity labelled `head_label` to one labelled `child_label`."""
    return (relation, head_label, child_label) in ALLOWED_TRIPLES


def relations_for(head_label: str, child_label: str) -> Tuple[str, ...]:
    """The relation types that may hold between a head of `head_label` and a child of `child_label`."""
    return tuple(rel for rel in RELATION_TYPES if is_allowed(rel, head_label, child_label))
