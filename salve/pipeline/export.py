"""Output formats of the extract command: one JSON object per document and an ACLED-style event table."""
from typing import Any, Dict, List, Optional

from spacy.tokens import Doc

from .doc_extensions import get_relations

# ACLED sub-event types by the event's primary weapon type.
SUB_EVENT_TYPES = {
    "rocket": "Shelling/artillery/missile attack", "missile": "Shelling/artillery/missile attack",
    "mortar": "Shelling/artillery/missile attack", "artillery": "Shelling/artillery/missile attack",
    "drone": "Air/drone strike", "other": "Remote explosive/landmine/IED", None: "Attack",
}
CSV_COLUMNS = ["source_id", "event_index", "date", "event_type", "sub_event_type", "actor", "claimed_by",
               "blamed_on", "unclaimed", "target", "target_name", "country", "latitude", "longitude", "killed",
               "killed_qualifier", "injured", "injured_qualifier", "weapons", "triggers"]


def doc_to_json(doc: Doc, doc_id: str) -> Dict[str, Any]:
    """Entities, relations (indices into the entity list) and events of a processed doc."""
    ents = list(doc.ents)
    index = {(e.start_char, e.end_char): i for i, e in enumerate(ents)}
    relations = []
    for rel in get_relations(doc):
        head, child = index.get(tuple(rel["head"])), index.get(tuple(rel["child"]))
        if head is not None and child is not None:
            relations.append({"head": head, "child": child, "label": rel["label"]})
    return {
        "id": doc_id,
        "entities": [{"label": e.label_, "start": e.start_char, "end": e.end_char, "text": e.text} for e in ents],
        "relations": relations,
        "events": list(doc._.events or []),
    }


def _names(actors: List[Dict[str, Any]]) -> str:
    return "; ".join(a.get("name") or a["text"] for a in actors)


def _count(value: Optional[Dict[str, Any]]) -> Any:
    return "" if value is None or value.get("count") is None else value["count"]


def event_rows(result: Dict[str, Any], date: Optional[str] = None) -> List[Dict[str, Any]]:
    """One ACLED-style row per event of a document result (see `doc_to_json`)."""
    rows = []
    for n, event in enumerate(result.get("events", [])):
        target = event.get("target") or {}
        weapons = event.get("weapons") or []
        primary = weapons[0]["type"] if weapons else None
        actor = event["claimed_by"] or event["blamed_on"]
        rows.append({
            "source_id": result["id"], "event_index": n, "date": date or "",
            "event_type": "Explosions/Remote violence", "sub_event_type": SUB_EVENT_TYPES.get(primary, "Attack"),
            "actor": _names(actor[:1]), "claimed_by": _names(event["claimed_by"]), "blamed_on": _names(event["blamed_on"]),
            "unclaimed": event["unclaimed"], "target": target.get("text", ""), "target_name": target.get("name") or "",
            "country": target.get("country") or "", "latitude": target.get("lat") if target.get("lat") is not None else "",
            "longitude": target.get("lon") if target.get("lon") is not None else "",
            "killed": _count(event.get("killed")), "killed_qualifier": (event.get("killed") or {}).get("qualifier", ""),
            "injured": _count(event.get("injured")), "injured_qualifier": (event.get("injured") or {}).get("qualifier", ""),
            "weapons": "; ".join(f"{w['type']}:{'' if w['count'] is None else w['count']}:{w['qualifier']}" for w in weapons),
            "triggers": "; ".join(event.get("triggers", [])),
        })
    return rows
