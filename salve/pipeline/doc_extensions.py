"""Doc extensions that carry Salve's annotations beyond `doc.ents`.

- `doc._.relations`: list of relations, each ``{"head": [start_char, end_char], "child": [start_char, end_char],
  "label": TYPE}``. Endpoints are character offsets of entities in ``doc.ents``, so they survive
  re-tokenisation and match the offsets of the doccano JSONL. Lists (not tuples) because the DocBin
  serialises user data with msgpack, which turns tuples into lists.
- `doc._.meta`: document metadata (doc id, date, synthetic, derived_from, and whatever the source carried).
- `doc._.events`: event records built by the event component (see `events.py`).

Extensions are registered when this module is imported; registration is idempotent so that the module
can be imported from the repo and from an installed package copy in the same process.
"""
from typing import Dict, Iterable, List, Optional, Tuple

from spacy.tokens import Doc, Span

RelationDict = Dict[str, object]


def register_extensions() -> None:
    for name in ("relations", "meta", "events"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()


def span_key(span: Span) -> Tuple[int, int]:
    """The (start_char, end_char) key by which relations refer to an entity."""
    return (span.start_char, span.end_char)


def make_relation(head: Span, child: Span, label: str) -> RelationDict:
    return {"head": [head.start_char, head.end_char], "child": [child.start_char, child.end_char], "label": label}


def get_relations(doc: Doc) -> List[RelationDict]:
    return list(doc._.relations or [])


def set_relations(doc: Doc, relations: Iterable[RelationDict]) -> None:
    """Store relations sorted by (head, child, label) so equal annotations compare equal."""
    doc._.relations = sorted(
        ({"head": list(r["head"]), "child": list(r["child"]), "label": r["label"]} for r in relations),
        key=lambda r: (r["head"], r["child"], r["label"]),
    )


def entity_by_offsets(doc: Doc) -> Dict[Tuple[int, int], Span]:
    return {span_key(ent): ent for ent in doc.ents}


def relation_spans(doc: Doc) -> List[Tuple[Span, Span, str]]:
    """Relations as (head entity, child entity, label); relations whose endpoints are not entities are skipped."""
    ents = entity_by_offsets(doc)
    out = []
    for rel in get_relations(doc):
        head = ents.get(tuple(rel["head"]))  # type: ignore[arg-type]
        child = ents.get(tuple(rel["child"]))  # type: ignore[arg-type]
        if head is not None and child is not None:
            out.append((head, child, str(rel["label"])))
    return out


def get_meta(doc: Doc) -> Dict[str, object]:
    return dict(doc._.meta or {})


def doc_id(doc: Doc, default: Optional[str] = None) -> Optional[str]:
    return get_meta(doc).get("doc_id", default)  # type: ignore[return-value]
