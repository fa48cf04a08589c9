"""Geocoding: every event gets a location with an ACLED-style precision, from the offline place table."""
import json

import pytest
import spacy

from salve.pipeline.export import event_rows, geojson
from salve.pipeline.geocoding import Places, locate_event, text_countries


@pytest.fixture(scope="module")
def places(places_path):
    return Places(json.loads(places_path.read_text(encoding="utf8")))


def _locate(places, text, target_text=None, target_extra=None):
    target = None
    if target_text:
        start = text.index(target_text)
        target = {"text": target_text, "start": start, "end": start + len(target_text), **(target_extra or {})}
    bounds, start = [], 0
    for part in text.split(". "):
        bounds.append((start, start + len(part) + 1))
        start += len(part) + 2
    event = {"target": target, "offset": 0}
    return locate_event(event, text, bounds, places, text_countries(text, places, [(target or {}).get("country")]))


def test_a_linked_installation_gives_a_site(places):
    where = _locate(places, "La base a été visée.", "La base", {"country": "IQ", "lat": 33.79, "lon": 42.44, "name": "base d'Aïn al-Asad"})
    assert where["geo_precision"] == "site" and where["country"] == "Iraq" and where["admin1"] == "Anbar"
    assert (where["lat"], where["lon"]) == (33.79, 42.44)


@pytest.mark.parametrize("text, target, precision, name, country", [
    ("Des roquettes ont visé la base militaire de Kirkouk.", "la base militaire de Kirkouk", "town", "Kirkuk", "IQ"),
    ("Des roquettes ont visé une base militaire près de Mossoul, dans le nord du pays.", "une base militaire", "town", "Mosul", "IQ"),
    ("Un camp de l'armée a été attaqué dans la province d'Anbar.", "Un camp de l'armée", "region", "Anbar", "IQ"),
    ("Un drone a frappé une base de la coalition en Syrie.", "une base de la coalition", "country", "Syria", "SY"),
    ("Une position de l'armée a été pilonnée à Kharkiv. Washington a condamné l'attaque.", "Une position de l'armée", "town", "Kharkiv", "UA"),
    ("Le camp militaire a été attaqué au nord de Gao.", "Le camp militaire", "town", "Gao", "ML"),
])
def test_places_named_in_the_text(places, text, target, precision, name, country):
    where = _locate(places, text, target)
    assert (where["geo_precision"], where["name"], where["country_code"]) == (precision, name, country)
    assert where["lat"] is not None and where["source"] == "text"


def test_a_capital_standing_for_a_state_is_not_a_location(places):
    where = _locate(places, "Washington a accusé les milices d'avoir visé une base.", "une base")
    assert where["geo_precision"] is None and where["lat"] is None


def test_a_shared_town_name_is_read_in_the_country_of_the_text(places):
    lebanon = _locate(places, "Au Liban, un poste de l'armée a été visé à Tripoli.", "un poste de l'armée")
    libya = _locate(places, "En Libye, un poste de l'armée a été visé à Tripoli.", "un poste de l'armée")
    assert lebanon["country_code"] == "LB" and libya["country_code"] == "LY"
    assert lebanon["geo_precision"] == libya["geo_precision"] == "town"


def test_a_linked_installation_without_coordinates_keeps_its_country(places):
    where = _locate(places, "Le poste a été attaqué.", "Le poste", {"country": "ML", "name": "poste de X"})
    assert where["geo_precision"] == "country" and where["country_code"] == "ML" and where["lat"] is not None
    # a place of another country does not move an installation of this one
    where = _locate(places, "Le poste a été attaqué, a indiqué un porte-parole à Paris.", "Le poste", {"country": "ML"})
    assert where["country_code"] == "ML"


def test_pipeline_events_carry_a_location_into_csv_and_geojson(rules_nlp, tmp_path):
    from salve.pipeline.export import doc_to_json
    text = ("Au moins trois roquettes ont frappé la base aérienne d'Aïn al-Asad, dans l'ouest de l'Irak. "
            "Un drone a ensuite visé un camp militaire près de Kirkouk.")
    result = doc_to_json(rules_nlp(text), "doc1")
    locations = [e["location"] for e in result["events"]]
    assert locations and locations[0]["geo_precision"] == "site" and locations[0]["country_code"] == "IQ"
    rows = event_rows(result)
    assert rows[0]["iso"] == "IQ" and rows[0]["geo_precision"] == "site" and rows[0]["latitude"] != ""
    collection = geojson([result, {"id": "empty", "events": [{"target": None, "weapons": [], "claimed_by": [],
                                                               "blamed_on": [], "unclaimed": False}]}])
    assert collection["type"] == "FeatureCollection"
    points = [f for f in collection["features"] if f["geometry"]]
    assert points[0]["geometry"]["coordinates"] == [rows[0]["longitude"], rows[0]["latitude"]]
    assert collection["features"][-1]["geometry"] is None  # an event without a location is listed, without geometry
    json.dumps(collection)  # serialisable as is

    # the place table is saved inside the pipeline: a loaded copy geocodes the same
    rules_nlp.get_pipe("salve_geocoder").to_disk(tmp_path / "geocoder")
    copy = spacy.blank("fr").add_pipe("salve_geocoder").from_disk(tmp_path / "geocoder")
    assert copy.places.data["towns"][:3] == rules_nlp.get_pipe("salve_geocoder").places.data["towns"][:3]


def test_the_geocoder_needs_its_place_table(tmp_path):
    nlp = spacy.blank("fr")
    geocoder = nlp.add_pipe("salve_geocoder")
    with pytest.raises(ValueError, match="places_path"):
        geocoder.initialize()
    with pytest.raises(FileNotFoundError, match="build-places"):
        geocoder.initialize(places_path=str(tmp_path / "missing.json"))
