"""Cross-article deduplication rules, scores, tables and report (salve/archive)."""
import csv
import json

import pyarrow.parquet as pq

from salve.archive.dedup import cluster, deduplicate, flatten, headline_clusters, pair_scores
from salve.archive.export import ATTACK_COLUMNS, write_tables
from salve.archive.report import write_report


def _result(article, date, target_id=None, killed=None, weapon="rocket", location=None, precision="day", source="A", extra=()):
    event = {"date": date, "date_precision": precision, "target": {"id": target_id, "text": target_id or "une base", "name": target_id},
             "location": location or {}, "weapons": [{"type": weapon, "count": 3}] if weapon else [],
             "killed": None if killed is None else {"count": killed}, "injured": None, "claimed_by": [], "blamed_on": [],
             "unclaimed": False}
    return {"id": article, "meta": {"source": source, "date": date}, "events": [event, *extra]}


KIRKUK = {"geo_precision": "town", "lat": 35.47, "lon": 44.39, "country_code": "IQ", "admin1": "Kirkuk", "name": "Kirkuk"}
NEAR_KIRKUK = {**KIRKUK, "lat": 35.55, "lon": 44.30}
MOSUL = {"geo_precision": "town", "lat": 36.34, "lon": 43.12, "country_code": "IQ", "admin1": "Ninawa", "name": "Mosul"}


def test_reports_of_one_attack_merge_and_near_duplicates_do_not():
    results = [
        _result("a1", "2024-03-05", "ain_al_asad", killed=2, source="A"),
        _result("a2", "2024-03-06", "ain_al_asad", killed=3, source="B"),        # next day, same base: same attack
        _result("a3", "2024-03-10", "ain_al_asad", killed=1),                    # five days later: another attack
        _result("a4", "2024-03-05", "ain_al_asad", weapon="drone"),              # same day, incompatible weapon
        _result("b1", "2024-03-05", location=KIRKUK), _result("b2", "2024-03-05", location=NEAR_KIRKUK),  # 12 km apart
        _result("b3", "2024-03-05", location=MOSUL),                              # 150 km away
    ]
    attacks = deduplicate(results)
    groups = sorted(sorted(s["article"] for s in a["sources"]) for a in attacks)
    assert groups == [["a1", "a2"], ["a3"], ["a4"], ["b1", "b2"], ["b3"]]
    merged = next(a for a in attacks if len(a["sources"]) == 2 and a["target_id"] == "ain_al_asad")
    assert merged["fatalities"] == {"count": 2, "min": 2, "max": 3, "reports": 2}  # the lowest figure, with the range
    assert merged["date"] == "2024-03-05" and {s["source"] for s in merged["sources"]} == {"A", "B"}


def test_two_events_of_one_article_stay_two_attacks():
    second = {"date": "2024-03-05", "date_precision": "day", "target": {"id": "ain_al_asad"}, "weapons": [], "location": {}}
    events = flatten([_result("a1", "2024-03-05", "ain_al_asad", extra=[second])])
    assert len(cluster(events)) == 2


def test_pairwise_and_bcubed_scores():
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert pair_scores(gold, gold)["pairwise"]["f"] == 1.0 and pair_scores(gold, gold)["bcubed"]["f"] == 1.0
    merged = pair_scores(gold, {"a": "x", "b": "x", "c": "x", "d": "x"})
    assert merged["pairwise"]["p"] == 2 / 6 and merged["pairwise"]["r"] == 1.0 and merged["bcubed"]["p"] == 0.5
    split = pair_scores(gold, {"a": "1", "b": "2", "c": "3", "d": "4"})
    assert split["pairwise"]["r"] == 0.0 and split["bcubed"]["r"] == 0.5 and split["bcubed"]["p"] == 1.0


def test_tables_and_report(tmp_path):
    attacks = deduplicate([_result("a1", "2024-03-05", "ain_al_asad", killed=2,
                                   location={**KIRKUK, "geo_precision": "site", "country": "Iraq"}),
                           _result("a2", "2024-03-06", "ain_al_asad", killed=3), _result("b1", "2024-04-01")])
    assert headline_clusters(attacks)["a1"] == headline_clusters(attacks)["a2"] != headline_clusters(attacks)["b1"]
    paths = write_tables(attacks, tmp_path)
    rows = list(csv.DictReader(paths["csv"].open(encoding="utf8")))
    assert list(rows[0]) == ATTACK_COLUMNS and len(rows) == 2
    assert rows[0]["fatalities"] == "2" and rows[0]["fatalities_max"] == "3" and "lowest kept" in rows[0]["notes"]
    assert pq.read_table(paths["parquet"]).column_names == ATTACK_COLUMNS
    collection = json.loads(paths["geojson"].read_text())
    assert [f["geometry"] is None for f in collection["features"]] == [False, True]
    report = write_report(attacks, tmp_path / "report", {"pairwise": {"p": 1, "r": 1, "f": 1, "tp": 1, "fp": 0, "fn": 0},
                                                         "bcubed": {"p": 1, "r": 1, "f": 1}, "articles": 3})
    text = report.read_text()
    for png in ("attacks_per_month.png", "top_targets.png", "attacks_map.png"):
        assert png in text and (tmp_path / "report" / png).stat().st_size > 5000


def test_an_event_placed_only_to_its_country_joins_the_one_attack_that_fits():
    iraq = {"geo_precision": "country", "country_code": "IQ", "lat": 33.3, "lon": 44.4}
    one = [_result("a1", "2024-03-05", "ain_al_asad", location={**KIRKUK, "geo_precision": "site"}),
           _result("a2", "2024-03-05", location=iraq, weapon="other")]  # "des explosions": no weapon type
    assert len(deduplicate(one)) == 1
    two = one + [_result("b1", "2024-03-05", "k1_kirkuk", location=KIRKUK)]  # two attacks in Iraq that day
    assert sorted(len(a["sources"]) for a in deduplicate(two)) == [1, 1, 1]
