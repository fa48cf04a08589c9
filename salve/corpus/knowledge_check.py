"""Validation of the knowledge files (corpus/knowledge/): schema, ids, links, ISO codes and alias collisions.

The runtime (`salve.pipeline.knowledge`) reads whatever it is given and treats an alias shared by two entries as
ambiguous. This check is the stricter gate for the data files themselves: every shared alias must be declared in
`ambiguous.json` ({"installations": {"alias": ["id", ...]}, "actors": {...}}), so that a collision is a decision,
not an accident of merging two theatre files.
"""
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pycountry

from salve.pipeline.knowledge import ACTOR_KINDS, INSTALLATION_KINDS, Knowledge
from salve.pipeline.normalisation import fold_name, normalise

_ID = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
AMBIGUOUS_FILE = "ambiguous.json"


def _country_ok(code: Any) -> bool:
    return isinstance(code, str) and len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def _check_common(kind: str, entry: Any, where: str, problems: List[str]) -> bool:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected an object, got {type(entry).__name__}")
        return False
    for key in ("id", "name", "aliases"):
        if key not in entry:
            problems.append(f"{where}: missing '{key}'")
            return False
    if not isinstance(entry["id"], str) or not _ID.match(entry["id"]):
        problems.append(f"{where}: id {entry['id']!r} is not lowercase snake_case")
    if not isinstance(entry["name"], str) or not entry["name"].strip():
        problems.append(f"{where}: empty name")
    if not isinstance(entry["aliases"], list) or not all(isinstance(a, str) and a.strip() for a in entry["aliases"]):
        problems.append(f"{where}: aliases must be a list of non-empty strings")
        return False
    return True


def _check_installation(entry: Dict[str, Any], where: str, problems: List[str]) -> None:
    if entry.get("held_by", "state") not in ("state", "non-state"):
        problems.append(f"{where}: held_by {entry['held_by']!r} is not 'state' or 'non-state'")
    places = entry.get("place_names", [])
    if not isinstance(places, list) or not all(isinstance(p, str) and p.strip() for p in places):
        problems.append(f"{where}: place_names must be a list of non-empty strings")
    if entry.get("kind") not in INSTALLATION_KINDS:
        problems.append(f"{where}: kind {entry.get('kind')!r} is not one of {', '.join(INSTALLATION_KINDS)}")
    if not _country_ok(entry.get("country")):
        problems.append(f"{where}: country {entry.get('country')!r} is not an ISO 3166-1 alpha-2 code")
    has_lat, has_lon = "lat" in entry, "lon" in entry
    if has_lat != has_lon:
        problems.append(f"{where}: lat and lon go together")
    elif has_lat:
        lat, lon = entry["lat"], entry["lon"]
        if not (isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and -90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append(f"{where}: coordinates ({lat!r}, {lon!r}) are not degrees")


def _check_actor(entry: Dict[str, Any], where: str, ids: set, problems: List[str]) -> None:
    if entry.get("kind") not in ACTOR_KINDS:
        problems.append(f"{where}: kind {entry.get('kind')!r} is not one of {', '.join(ACTOR_KINDS)}")
    if "country" in entry and not _country_ok(entry["country"]):
        problems.append(f"{where}: country {entry['country']!r} is not an ISO 3166-1 alpha-2 code")
    for link in ("member_of", "backed_by"):
        targets = entry.get(link, [])
        if not isinstance(targets, list):
            problems.append(f"{where}: {link} must be a list of actor ids")
            continue
        for target in targets:
            if target not in ids:
                problems.append(f"{where}: {link} names unknown actor id {target!r}")
            elif target == entry["id"]:
                problems.append(f"{where}: {link} names the actor itself")


def _collisions(entries: List[Dict[str, Any]]) -> Dict[str, Tuple[set, str]]:
    """Folded alias -> (ids of the entries that share it, the alias as one of them writes it)."""
    by_key: Dict[str, set] = defaultdict(set)
    written: Dict[str, str] = {}
    for entry in entries:
        for alias in [entry["name"], *entry["aliases"]]:
            key = fold_name(alias)
            if key:
                by_key[key].add(entry["id"])
                written.setdefault(key, alias)
    return {key: (ids, written[key]) for key, ids in by_key.items() if len(ids) > 1}


def check_knowledge(path: Path) -> List[str]:
    """Problems of the knowledge folder `path`, one located line each (empty when the files are valid)."""
    path = Path(path)
    problems: List[str] = []
    data = Knowledge.from_dir(path).to_dict()
    declared = json.loads((path / AMBIGUOUS_FILE).read_text(encoding="utf8")) if (path / AMBIGUOUS_FILE).exists() else {}
    for kind in ("installations", "actors"):
        entries = data[kind]
        if not isinstance(entries, list):
            problems.append(f"{kind}: expected a list of entries")
            continue
        valid = [e for i, e in enumerate(entries) if _check_common(kind, e, f"{kind}[{i}]", problems)]
        ids = [e["id"] for e in valid]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"{kind}: id {dup!r} is used {ids.count(dup)} times")
        for i, entry in enumerate(valid):
            where = f"{kind}[{entry['id']}]"
            if kind == "installations":
                _check_installation(entry, where, problems)
            else:
                _check_actor(entry, where, set(ids), problems)
        declared_kind = {fold_name(alias): set(v) for alias, v in declared.get(kind, {}).items()}
        found = _collisions(valid)
        for key, (colliding, alias) in sorted(found.items()):
            if declared_kind.get(key) != colliding:
                problems.append(f"{kind}: alias '{alias}' (folded '{key}') links to {', '.join(sorted(colliding))}: declare it in "
                                f"{AMBIGUOUS_FILE} or remove it from all but one entry")
        for key in sorted(set(declared_kind) - set(found)):
            problems.append(f"{kind}: {AMBIGUOUS_FILE} declares '{key}' ambiguous but no two entries share it")
    weapons = data["weapons"]
    types = set(weapons.get("types", []))
    seen: Dict[str, str] = {}
    for i, term in enumerate(weapons.get("terms", [])):
        where = f"weapons.terms[{i}]"
        if not isinstance(term, dict) or not isinstance(term.get("term"), str) or not term["term"].strip():
            problems.append(f"{where}: expected {{'term': ..., 'type': ...}}")
            continue
        if term.get("type") not in types:
            problems.append(f"{where} ({term['term']!r}): type {term.get('type')!r} is not one of {sorted(types)}")
        key = normalise(term["term"])
        if key in seen and seen[key] != term.get("type"):
            problems.append(f"{where} ({term['term']!r}): also listed as {seen[key]!r}")
        seen.setdefault(key, term.get("type"))
    return problems
