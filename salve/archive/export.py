"""The attack table: ACLED-style CSV, Parquet with the same schema, and GeoJSON."""
import csv
import json
from pathlib import Path
from typing import Any, Dict, Sequence

from salve.pipeline.export import SUB_EVENT_TYPES, blank, feature_collection

ATTACK_COLUMNS = ["attack_id", "event_date", "date_precision", "event_type", "sub_event_type", "actor1", "attribution",
                  "target", "target_id", "location", "admin1", "country", "iso", "latitude", "longitude", "geo_precision",
                  "fatalities", "fatalities_min", "fatalities_max", "injuries", "injuries_min", "injuries_max",
                  "weapons", "n_sources", "sources", "notes"]


def attack_row(attack: Dict[str, Any]) -> Dict[str, Any]:
    where = attack.get("location") or {}
    weapons = attack.get("weapons") or {}
    primary = next(iter(weapons), None)
    fat, inj = attack["fatalities"], attack["injuries"]
    notes = []
    if fat["reports"] > 1 and fat["min"] != fat["max"]:
        notes.append(f"fatalities reported {fat['min']}-{fat['max']} by {fat['reports']} sources (lowest kept)")
    if inj["reports"] > 1 and inj["min"] != inj["max"]:
        notes.append(f"injuries reported {inj['min']}-{inj['max']} by {inj['reports']} sources (lowest kept)")
    if attack.get("unclaimed"):
        notes.append("unclaimed")
    return {
        "attack_id": attack["attack_id"], "event_date": blank(attack.get("date")), "date_precision": blank(attack.get("date_precision")),
        "event_type": "Explosions/Remote violence", "sub_event_type": SUB_EVENT_TYPES.get(primary, "Attack"),
        "actor1": blank(attack.get("actor")), "attribution": blank(attack.get("attribution")),
        "target": blank(attack.get("target")), "target_id": blank(attack.get("target_id")),
        "location": blank(where.get("name")), "admin1": blank(where.get("admin1")), "country": blank(where.get("country")),
        "iso": blank(where.get("country_code")), "latitude": blank(where.get("lat")), "longitude": blank(where.get("lon")),
        "geo_precision": blank(where.get("geo_precision")),
        "fatalities": blank(fat["count"]), "fatalities_min": blank(fat["min"]), "fatalities_max": blank(fat["max"]),
        "injuries": blank(inj["count"]), "injuries_min": blank(inj["min"]), "injuries_max": blank(inj["max"]),
        "weapons": "; ".join(f"{t}:{'' if c['min'] is None else c['min']}-{'' if c['max'] is None else c['max']}" for t, c in weapons.items()),
        "n_sources": len(attack["sources"]),
        "sources": "; ".join(f"{s['article']} ({s['source']})" if s.get("source") else s["article"] for s in attack["sources"]),
        "notes": "; ".join(notes),
    }


def write_tables(attacks: Sequence[Dict[str, Any]], out: Path) -> Dict[str, Path]:
    """attacks.csv, attacks.parquet, attacks.geojson and attacks.jsonl (the full records) in `out`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = [attack_row(a) for a in attacks]
    paths = {"csv": out / "attacks.csv", "parquet": out / "attacks.parquet", "geojson": out / "attacks.geojson",
             "jsonl": out / "attacks.jsonl"}
    with paths["csv"].open("w", encoding="utf8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=ATTACK_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    pq.write_table(pa.table({c: [str(r[c]) for r in rows] for c in ATTACK_COLUMNS}), paths["parquet"])
    paths["geojson"].write_text(json.dumps(feature_collection(rows), ensure_ascii=False), encoding="utf8")
    with paths["jsonl"].open("w", encoding="utf8") as f:
        for attack in attacks:
            f.write(json.dumps(attack, ensure_ascii=False) + "\n")
    return paths
