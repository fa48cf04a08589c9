"""How well the knowledge links and the geocoder place events (issue 16).

Linking: `corpus/linking/gold_links.jsonl` gives, for every gold BASE and ACTOR mention of the seeds, the
development set and a sample of the training texts, the knowledge entry it refers to (or null), as decided by an
independent annotator. A link is correct when it is that entry; precision = correct / links made, recall =
correct / gold links.

Geocoding: on gold documents (seeds, development set), events are built from the gold entities and relations
(as the event builder's ceiling is) and placed by the geocoder. Reported: the share of events at each precision,
and, for the events whose gold target is an installation with coordinates, the distance between those
coordinates and the place the geocoder finds when the installation's coordinates are withheld (what a text
about an installation outside the gazetteer would get).
"""
import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from spacy.tokens import Doc

from salve.pipeline.events import build_events
from salve.pipeline.geocoding import PRECISIONS, Places, distance_km, locate_event, text_countries
from salve.pipeline.knowledge import Knowledge
from salve.pipeline.scoring import prf
from salve.pipeline.sentences import sentence_bounds


def read_gold_links(path: Path) -> List[Dict[str, Any]]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{n}: not valid JSON: {err.msg}") from err
        for key in ("corpus", "label", "mention", "id"):
            if key not in row:
                raise ValueError(f"{path}:{n}: missing '{key}'")
        rows.append(row)
    return rows


def linking_scores(gold_links: Sequence[Dict[str, Any]], kb: Knowledge) -> Dict[str, Any]:
    """Precision and recall of `link_installation` (BASE) and `link_actor` (ACTOR), by corpus and label."""
    counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0])
    errors = []
    for row in gold_links:
        link = kb.link_installation if row["label"] == "BASE" else kb.link_actor
        predicted = (link(row["mention"]) or {}).get("id")
        for key in ("all", row["label"], f"{row['corpus']} {row['label']}"):
            c = counts[key]
            c[0] += predicted is not None and predicted == row["id"]
            c[1] += predicted is not None and predicted != row["id"]
            c[2] += row["id"] is not None and predicted != row["id"]
        if predicted != row["id"]:
            errors.append({"mention": row["mention"], "gold": row["id"], "predicted": predicted, "corpus": row["corpus"]})
    return {"scores": {k: prf(*v) for k, v in sorted(counts.items())}, "errors": errors}


def geocoding_scores(gold_docs: Sequence[Doc], kb: Knowledge, places: Places) -> Dict[str, Any]:
    """Precision levels of the events built from gold annotations, and the fallback's distance error."""
    levels: Counter = Counter()
    distances: List[float] = []
    fallback_levels: Counter = Counter()
    for gold in gold_docs:
        doc = gold.copy()
        events = build_events(doc, kb)
        bounds = sentence_bounds(doc)
        countries = text_countries(doc.text, places, [(e.get("target") or {}).get("country") for e in events])
        for event in events:
            where = locate_event(event, doc.text, bounds, places, countries)
            levels[where["geo_precision"] or "none"] += 1
            target = event.get("target") or {}
            if target.get("lat") is None:
                continue
            truth = (target["lat"], target["lon"])
            hidden = {**event, "target": {**target, "lat": None, "lon": None, "country": None}}
            guess = locate_event(hidden, doc.text, bounds, places, text_countries(doc.text, places, []))
            fallback_levels[guess["geo_precision"] or "none"] += 1
            if guess["lat"] is not None:
                distances.append(distance_km(truth, (guess["lat"], guess["lon"])))
    total = sum(levels.values())
    withheld = sum(fallback_levels.values())

    def share(counter: Counter, n: int) -> Dict[str, float]:
        return {level: counter[level] / n if n else 0.0 for level in (*PRECISIONS, "none")}

    return {"events": total, "precision_share": share(levels, total),
            "withheld": {"events": withheld, "precision_share": share(fallback_levels, withheld),
                         "located": len(distances),
                         "median_km": statistics.median(distances) if distances else None,
                         "within_25_km": sum(d <= 25 for d in distances) / withheld if withheld else 0.0,
                         "within_100_km": sum(d <= 100 for d in distances) / withheld if withheld else 0.0}}


def markdown(linking: Dict[str, Any], geocoding: Dict[str, Dict[str, Any]], baseline: Optional[Dict[str, Any]] = None) -> str:
    lines = ["# Linking and geocoding", "", "Generated by `salve evaluate-geo`; see `salve/evaluation/geo_linking.py`.", "",
             "## Linking (gold links by an independent annotator, `corpus/linking/`)", "",
             "| mentions | P | R | F1 | tp | fp | fn |" + (" F1 before |" if baseline else ""),
             "|---|---|---|---|---|---|---|" + ("---|" if baseline else "")]
    for key, s in linking["scores"].items():
        before = f" {baseline['scores'][key]['f']:.3f} |" if baseline and key in baseline["scores"] else (" |" if baseline else "")
        lines.append(f"| {key} | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} | {s['tp']} | {s['fp']} | {s['fn']} |{before}")
    lines += ["", "## Geocoding (events built from gold annotations)", "",
              "| corpus | events | site | town | region | country | none | withheld: located | median km | ≤ 25 km | ≤ 100 km |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, g in geocoding.items():
        share, w = g["precision_share"], g["withheld"]
        median = "" if w["median_km"] is None else f"{w['median_km']:.0f}"
        lines.append(f"| {name} | {g['events']} | " + " | ".join(f"{share[k]:.2f}" for k in (*PRECISIONS, "none"))
                     + f" | {w['located']}/{w['events']} | {median} | {w['within_25_km']:.2f} | {w['within_100_km']:.2f} |")
    lines += ["", "Withheld: the events whose gold target is an installation with coordinates, placed again without them",
              "(from the text's place names); the distance is to the installation."]
    return "\n".join(lines) + "\n"
