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
CSV_COLUMNS = ["source_id", "event_index", "date", "date_precision", "event_type", "sub_event_type", "actor", "assoc_actor", "claimed_by",
               "blamed_on", "unclaimed", "target", "target_name", "location", "admin1", "country", "iso",
               "latitude", "longitude", "geo_precision", "killed", "killed_qualifier", "injured", "injured_qualifier",
               "weapons", "triggers"]


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


def blank(value: Any) -> Any:
    """A table cell: None as an empty string."""
    return "" if value is None else value


def feature_collection(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A GeoJSON FeatureCollection of table rows (with `latitude`/`longitude` columns): a Point where the row has
    coordinates, a null geometry otherwise (RFC 7946 allows it), so the collection lists every row."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": row,
         "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
         if row["latitude"] != "" and row["longitude"] != "" else None}
        for row in rows]}


def _location_columns(event: Dict[str, Any]) -> Dict[str, Any]:
    """The geocoder's location (`salve_geocoder`); a pipeline without it gives the linked installation's point."""
    target = event.get("target") or {}
    where = event.get("location") or {"name": target.get("name"), "country_code": target.get("country"),
                                      "lat": target.get("lat"), "lon": target.get("lon"),
                                      "geo_precision": "site" if target.get("lat") is not None else None}
    return {"location": blank(where.get("name")), "admin1": blank(where.get("admin1")), "country": blank(where.get("country")),
            "iso": blank(where.get("country_code")), "latitude": blank(where.get("lat")), "longitude": blank(where.get("lon")),
            "geo_precision": blank(where.get("geo_precision"))}


def geojson(results: List[Dict[str, Any]]) -> Dict[str, Any]:
    """One Feature per event of the document results (see `feature_collection`)."""
    return feature_collection([{**row, "location_source": (event.get("location") or {}).get("source")}
                               for result in results for row, event in zip(event_rows(result), result.get("events", []))])


def event_rows(result: Dict[str, Any], date: Optional[str] = None) -> List[Dict[str, Any]]:
    """One ACLED-style row per event of a document result (see `doc_to_json`)."""
    rows = []
    for n, event in enumerate(result.get("events", [])):
        target = event.get("target") or {}
        weapons = event.get("weapons") or []
        primary = weapons[0]["type"] if weapons else None
        actor = event["claimed_by"] or event["blamed_on"]
        rows.append({
            "source_id": result["id"], "event_index": n, "date": event.get("date") or date or "",
            "date_precision": event.get("date_precision") or "",
            "event_type": "Explosions/Remote violence", "sub_event_type": SUB_EVENT_TYPES.get(primary, "Attack"),
            "actor": _names(actor[:1]), "assoc_actor": "; ".join(actor[0].get("associated", [])) if actor else "",
            "claimed_by": _names(event["claimed_by"]), "blamed_on": _names(event["blamed_on"]),
            "unclaimed": event["unclaimed"], "target": target.get("text", ""), "target_name": target.get("name") or "",
            **_location_columns(event),
            "killed": _count(event.get("killed")), "killed_qualifier": (event.get("killed") or {}).get("qualifier", ""),
            "injured": _count(event.get("injured")), "injured_qualifier": (event.get("injured") or {}).get("qualifier", ""),
            "weapons": "; ".join(f"{w['type']}:{'' if w['count'] is None else w['count']}:{w['qualifier']}" for w in weapons),
            "triggers": "; ".join(event.get("triggers", [])),
        })
    return rows
