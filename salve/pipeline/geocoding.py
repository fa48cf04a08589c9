"""A location for every event, with ACLED-style precision, from an offline place table (no web service).

Order of evidence, most precise first:
1. the event's installation, when it is linked and has coordinates: precision `site`;
2. place names in the target mention itself ("la base de Kirkouk"), then in the event's sentence after a locative
   word ("près de Kirkouk", "dans la province d'Anbar", "en Syrie"), then in the rest of its paragraph, then in the
   title and first sentence: precision `town`, `region` or `country` by the kind of place found;
3. the linked installation's country when nothing more precise is said: precision `country`.
A town name shared by several places is read in the country the text is about (its linked installations and the
countries it names), else as the most populous one. Capitals that stand for a state ("Washington a accusé")
are not read as locations: a place needs a locative word before it ("à", "près de", "de" ...).

The place table comes from `salve build-places` (GeoNames, pycountry, CLDR) and is stored inside the pipeline.
"""
import math
import re
from bisect import bisect_right
from typing import Any, Dict, Iterable, List, Optional, Tuple

import numpy
from spacy.lang.fr.stop_words import STOP_WORDS

from .normalisation import fold_name, normalise

Place = Tuple[str, Dict[str, Any]]  # (precision, record)
PRECISIONS = ("site", "town", "region", "country")

_REGION_WORDS = r"(?:province|r[ée]gion|gouvernorat|governorate|oblast|wilaya|[ée]tat|district|d[ée]partement|cercle|pr[ée]fecture|kraï|muhafaza)"
# A locative phrase right before a place name ("à ", "près de ", "dans la province d'", "au nord-est de ").
_LOCATIVE = re.compile(
    r"(?:\b(?:à|a|au|aux|en|dans|vers|sur|près\s+d[e']|pres\s+d[e']|non\s+loin\s+d[e']|proche\s+d[e']|aux\s+abords\s+d[e']|"
    r"(?:au|à\s+l['’])\s*(?:nord|sud|est|ouest|nord-est|nord-ouest|sud-est|sud-ouest)\s+d[e']|"
    r"(?:la|le|l['’]|de\s+la|du)\s*" + _REGION_WORDS + r"\s+(?:de\s+|d['’]|du\s+)?|"
    r"(?:la\s+ville|la\s+localité|le\s+village|la\s+commune|la\s+région|la\s+zone)\s+d[e']|d['’]|de)\s*)"
    r"(?:(?:al|el|ad|as|ar|ach|ash|an|at|az|ed|er|es|ez)[\s-])?$",
    re.I)
_REGION_BEFORE = re.compile(_REGION_WORDS + r"\s+(?:de\s+|d['’]|du\s+)?$", re.I)
# Capitalised words, possibly joined by an Arabic article or hyphens: "Deir ez-Zor", "Aïn al-Asad", "Tal Afar".
_NAME = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’]*(?:(?:[\s-]+(?:al|el|ez|ad|as|ar|ach|ash|an|at|az|ed|er|es|de|du|la|le|ul|bin|ben|ibn|abou|abu)?[\s-]*)"
                   r"[A-ZÀ-ÖØ-Þ][\w'’]*){0,3}")
_MAX_WORDS = 4
_FRENCH_WORDS = {normalise(w) for w in STOP_WORDS} | {"nord", "sud", "est", "ouest", "base", "camp", "armee", "etat", "ville"}


def distance_km(a: Tuple[float, float], b: Tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (lat, lon) points, km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


class Places:
    """The place table as an index from folded names to candidate places."""

    def __init__(self, data: Dict[str, Any]):
        self.data = data
        self.countries: Dict[str, Dict[str, Any]] = data.get("countries", {})
        self._town_rows = data.get("towns", [])
        self._index: Optional[Dict[str, List[Place]]] = None
        self._by_country: Dict[str, Tuple[numpy.ndarray, List[int]]] = {}

    @property
    def index(self) -> Dict[str, List[Place]]:
        """Built on first use (about 2 s): loading a pipeline that never geocodes costs nothing."""
        if self._index is None:
            self._index = {}
            self._build()
        return self._index

    def _build(self) -> None:
        data = self.data
        for code, country in self.countries.items():
            for name in country.get("names", []):
                self._add(name, ("country", {"code": code}))
        for name, cc, lat, lon, *aliases in data.get("admin1", []):
            record = {"name": name, "cc": cc, "lat": lat, "lon": lon}
            for alias in [name, *(aliases[0] if aliases else [])]:
                self._add(alias, ("region", record))
        for i, (name, cc, admin1, lat, lon, population, alternates) in enumerate(self._town_rows):
            for alias in [name, *alternates]:
                self._add(alias, ("town", i))

    def _add(self, name: str, place: Place) -> None:
        key = fold_name(name)
        if key and len(key) > 2:
            bucket = self._index.setdefault(key, [])
            if place not in bucket and len(bucket) < 12:  # very common names ("San José") keep their 12 largest places
                bucket.append(place)

    def town(self, i: int) -> Dict[str, Any]:
        name, cc, admin1, lat, lon, population, _ = self._town_rows[i]
        return {"name": name, "cc": cc, "admin1": admin1, "lat": lat, "lon": lon, "population": population}

    def lookup(self, name: str) -> List[Place]:
        return self.index.get(fold_name(name), [])

    def country_name(self, code: Optional[str]) -> Optional[str]:
        """The English short name, as ACLED tables write countries ("Iraq", "Syria")."""
        return (self.countries.get(code) or {}).get("name_en") if code else None

    def nearest_admin1(self, cc: Optional[str], lat: float, lon: float) -> Optional[str]:
        """The admin1 of the nearest known town of the country (a site's region from its coordinates)."""
        if not cc:
            return None
        if cc not in self._by_country:
            rows = [i for i, row in enumerate(self._town_rows) if row[1] == cc and row[2]]
            self._by_country[cc] = (numpy.array([[self._town_rows[i][3], self._town_rows[i][4]] for i in rows]).reshape(-1, 2), rows)
        points, rows = self._by_country[cc]
        if not rows:
            return None
        nearest = int(numpy.argmin(((points - numpy.array([lat, lon])) ** 2).sum(axis=1)))
        return self._town_rows[rows[nearest]][2] or None


def _locations(text: str, start: int, end: int, places: Places) -> Iterable[Tuple[int, str, Dict[str, Any], bool]]:
    """(offset, precision, record, after a region word) of each place name after a locative word in text[start:end]."""
    for m in _NAME.finditer(text, start, end):
        # the whole name only: "Aïn al-Asad" is not "Aïn" (nor Al Ain), "Deir ez-Zor" is not "Deir"
        phrase, offset = m.group(0), m.start()
        candidates = places.lookup(phrase)
        # a capitalised French word opening the group ("Au Liban", "En Syrie" at the start of a sentence) goes
        while not candidates and re.match(r"[\w'’]+[\s-]+", phrase) and normalise(phrase.split()[0]) in _FRENCH_WORDS:
            cut = re.match(r"[\w'’]+[\s-]+", phrase).end()
            phrase, offset = phrase[cut:], offset + cut
            candidates = places.lookup(phrase)
        if not candidates or (" " not in phrase and "-" not in phrase and normalise(phrase) in _FRENCH_WORDS):
            continue  # "Une", "Est", "Sud" at the start of a sentence are not "Ünye", ...
        found = (offset, candidates)
        offset, candidates = found
        before = text[max(0, offset - 40):offset]
        if not _LOCATIVE.search(before):
            continue
        region_word = bool(_REGION_BEFORE.search(before))
        for precision, record in candidates:
            yield offset, precision, record, region_word


def _choose(found: List[Tuple[int, str, Dict[str, Any], bool]], places: Places, countries: List[str]) -> Optional[Tuple[str, Dict[str, Any]]]:
    """The best place found in a window: one in the text's countries first, then the most precise (a town; a
    region when a region word names it, "la province de Gao"; a country), then the first, then the most populous."""
    if not found:
        return None

    def rank(item: Tuple[int, str, Any, bool]) -> Tuple[int, int, int, int]:
        offset, precision, record, region_word = item
        cc = record.get("code") if precision == "country" else (record.get("cc") if precision == "region" else places.town(record)["cc"])
        order = {"region": 0, "town": 1, "country": 2} if region_word else {"town": 0, "region": 1, "country": 2}
        population = places.town(record)["population"] if precision == "town" else 0
        return (0 if cc in countries else 1, order[precision], offset, -population)

    _, precision, record, _ = min(found, key=rank)
    return precision, record


def _location(precision: str, record: Any, places: Places) -> Dict[str, Any]:
    if precision == "town":
        town = places.town(record)
        return {"name": town["name"], "admin1": town["admin1"] or None, "country_code": town["cc"],
                "lat": town["lat"], "lon": town["lon"], "geo_precision": "town"}
    if precision == "region":
        return {"name": record["name"], "admin1": record["name"], "country_code": record["cc"],
                "lat": record["lat"], "lon": record["lon"], "geo_precision": "region"}
    country = places.countries.get(record["code"], {})
    return {"name": country.get("name_en"), "admin1": None, "country_code": record["code"],
            "lat": country.get("lat"), "lon": country.get("lon"), "geo_precision": "country"}


def text_countries(text: str, places: Places, knowledge_countries: Iterable[Optional[str]]) -> List[str]:
    """The countries a text is about: those of its linked installations, then those it names after a locative word."""
    codes = [c for c in knowledge_countries if c]
    for _, precision, record, _ in _locations(text, 0, len(text), places):
        if precision == "country":
            codes.append(record["code"])
    return list(dict.fromkeys(codes))


def locate_event(event: Dict[str, Any], text: str, bounds: List[Tuple[int, int]], places: Places,
                 countries: List[str]) -> Dict[str, Any]:
    """The `location` record of one event (see the module docstring for the order of evidence)."""
    target = event.get("target") or {}
    code = target.get("country")
    if target.get("lat") is not None and target.get("lon") is not None:
        return {"name": target.get("name"), "admin1": target.get("admin1") or places.nearest_admin1(code, target["lat"], target["lon"]),
                "country": places.country_name(code), "country_code": code, "lat": target["lat"], "lon": target["lon"],
                "geo_precision": "site", "source": "installation"}
    preferred = [code] if code else countries
    anchor = target.get("start", event.get("offset", 0))
    starts = [s for s, _ in bounds]
    sent = max(0, bisect_right(starts, anchor) - 1) if bounds else 0
    s_start, s_end = bounds[sent] if bounds else (0, len(text))
    paragraph_start = text.rfind("\n", 0, s_start) + 1
    paragraph_end = text.find("\n", s_end)
    windows = [(target["start"], target["end"])] if target else []
    windows += [(s_start, s_end), (paragraph_start, paragraph_end if paragraph_end >= 0 else len(text))]
    if bounds:
        windows.append((0, bounds[min(1, len(bounds) - 1)][1]))
    for start, end in windows:
        found = list(_locations(text, start, end, places))
        if code:  # a linked installation: only places of its country
            found = [f for f in found if (f[2].get("code") if f[1] == "country" else f[2].get("cc") if f[1] == "region"
                                         else places.town(f[2])["cc"]) == code]
        choice = _choose(found, places, preferred)
        if choice:
            location = _location(*choice, places)
            location["country"] = places.country_name(location["country_code"])
            location["source"] = "text"
            return location
    if code:
        location = _location("country", {"code": code}, places)
        location.update(country=places.country_name(code), source="installation")
        return location
    return {"name": None, "admin1": None, "country": None, "country_code": None, "lat": None, "lon": None,
            "geo_precision": None, "source": None}
