"""Cross-article deduplication: the events of many reports of one attack become one attack record.

Two events (of different articles) may be the same attack when all of these hold:
- place: the same installation (gazetteer id), or, when either is not linked, locations of town or site precision
  within `max_km` of each other, or the same region (admin1) when one is only located to its region;
- time: dates within 1 day when both are known to the day, within 3 days when one is known to the week, the same
  month when one is known only to the month;
- weapons: a weapon type in common, or no weapon type on one side (`other`, explosives, is no type here).
Events are grouped by complete linkage: an event joins a group only if it is compatible with every member (no
chaining of near-duplicates: the same base hit again five days later stays a separate attack). An event placed only
to its country ("une base de la coalition en Irak") then joins the attack of that country whose dates and weapons
fit, when there is exactly one such attack; with two (two bases hit in Iraq that day) it stays on its own. Two events of one
article are never merged (an article that reports two attacks reports two attacks).

An attack record keeps every source (article id, outlet, url, date, its own values) and combines them by stated
rules, in the spirit of ACLED's:
- fatalities: the lowest reported figure (ACLED's most conservative rule), with the range of reported figures;
  injuries likewise; a source that reports none does not count as 0 unless it says 0;
- date: the earliest day-precision date reported, else the best precision's;
- target, location: the most precise (a linked installation first);
- weapons: the union of types, each with the lowest and highest count reported;
- actor: the claimant if any source reports a claim, else the actor blamed by most sources (attribution kind kept).
"""
import datetime as dt
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence

from salve.pipeline.geocoding import distance_km

PRECISION_RANK = {"site": 0, "town": 1, "region": 2, "country": 3, None: 4}
DATE_RANK = {"day": 0, "week": 1, "month": 2, None: 3}


def flatten(results: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One record per event of every document result, with its article's id, outlet, url and date."""
    out = []
    for result in results:
        meta = result.get("meta", {})
        for n, event in enumerate(result.get("events", [])):
            out.append({"article": result["id"], "event_index": n, "source": meta.get("source"), "url": meta.get("url"),
                        "article_date": meta.get("date"), **event})
    return out


def _day(event: Dict[str, Any]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(event.get("date") or "")
    except ValueError:
        return None


def same_place(a: Dict[str, Any], b: Dict[str, Any], max_km: float = 25.0) -> bool:
    ta, tb = (a.get("target") or {}).get("id"), (b.get("target") or {}).get("id")
    if ta and tb:
        return ta == tb
    la, lb = a.get("location") or {}, b.get("location") or {}
    pa, pb = la.get("geo_precision"), lb.get("geo_precision")
    if pa in ("site", "town") and pb in ("site", "town"):
        return distance_km((la["lat"], la["lon"]), (lb["lat"], lb["lon"])) <= max_km
    if "region" in (pa, pb) and pa in ("site", "town", "region") and pb in ("site", "town", "region"):
        return bool(la.get("admin1")) and la.get("admin1") == lb.get("admin1") and la.get("country_code") == lb.get("country_code")
    return False


def same_time(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    da, db = _day(a), _day(b)
    if da is None or db is None:
        return False
    precisions = {a.get("date_precision"), b.get("date_precision")}
    if "month" in precisions or None in precisions:
        return (da.year, da.month) == (db.year, db.month)
    window = 3 if "week" in precisions else 1
    return abs((da - db).days) <= window


def same_weapons(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    """A weapon type in common, or none on one side; `other` (explosives, "des explosions") says nothing."""
    ta = {w["type"] for w in a.get("weapons") or [] if w.get("type") not in (None, "other")}
    tb = {w["type"] for w in b.get("weapons") or [] if w.get("type") not in (None, "other")}
    return not ta or not tb or bool(ta & tb)


def compatible(a: Dict[str, Any], b: Dict[str, Any], max_km: float = 25.0) -> bool:
    return a["article"] != b["article"] and same_place(a, b, max_km) and same_time(a, b) and same_weapons(a, b)


def _country(event: Dict[str, Any]) -> Optional[str]:
    return (event.get("location") or {}).get("country_code") or (event.get("target") or {}).get("country")


def _vague(event: Dict[str, Any]) -> bool:
    """Placed only to its country: no linked installation and no town, site or region."""
    return not (event.get("target") or {}).get("id") and (event.get("location") or {}).get("geo_precision") in ("country", None)


def cluster(events: Sequence[Dict[str, Any]], max_km: float = 25.0) -> List[List[int]]:
    """Groups of event indices: complete linkage (events taken by date then input order); then an event placed only
    to its country joins the one group of that country, dates and weapons, if there is exactly one."""
    days = [_day(e) for e in events]
    order = sorted(range(len(events)), key=lambda i: (days[i] or dt.date.max, i))
    groups: List[List[int]] = []
    latest: List[Optional[dt.date]] = []  # the latest date of each group
    active: List[int] = []  # groups that can still take an event: no rule links dates more than a month apart
    for i in order:
        if days[i] is not None:
            active = [g for g in active if latest[g] is None or (days[i] - latest[g]).days <= 31]
        for g in active:
            if all(compatible(events[i], events[j], max_km) for j in groups[g]):
                groups[g].append(i)
                latest[g] = days[i] or latest[g]
                break
        else:
            groups.append([i])
            latest.append(days[i])
            active.append(len(groups) - 1)
    by_country: Dict[Optional[str], List[List[int]]] = {}
    for g in groups:
        for country in {_country(events[j]) for j in g}:
            by_country.setdefault(country, []).append(g)
    for group in [g for g in groups if len(g) == 1 and _vague(events[g[0]]) and _country(events[g[0]])]:
        e = events[group[0]]
        candidates = [g for g in by_country.get(_country(e), []) if g is not group and g and not all(_vague(events[j]) for j in g)
                      and all(events[j]["article"] != e["article"] and _country(events[j]) == _country(e)
                              and same_time(e, events[j]) and same_weapons(e, events[j]) for j in g)]
        if len(candidates) == 1:
            candidates[0].append(group[0])
            group.clear()
    return [sorted(g) for g in groups if g]


def _figure(values: List[Optional[Dict[str, Any]]]) -> Dict[str, Any]:
    counts = [v["count"] for v in values if v and v.get("count") is not None]
    if not counts:
        return {"count": None, "min": None, "max": None, "reports": 0}
    return {"count": min(counts), "min": min(counts), "max": max(counts), "reports": len(counts)}


def attack_record(number: int, members: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """One attack from its source events (see the module docstring for the rules)."""
    by_date = sorted(members, key=lambda e: (DATE_RANK.get(e.get("date_precision"), 3), e.get("date") or "9999"))
    best_place = min(members, key=lambda e: (0 if (e.get("target") or {}).get("id") else 1,
                                             PRECISION_RANK.get((e.get("location") or {}).get("geo_precision"), 4)))
    weapons: Dict[str, List[int]] = {}
    for e in members:
        for w in e.get("weapons") or []:
            bucket = weapons.setdefault(w["type"], [])
            if w.get("count") is not None:
                bucket.append(w["count"])
    claimed = [a for e in members for a in e.get("claimed_by") or []]
    blamed = Counter((a.get("name") or a["text"]) for e in members for a in e.get("blamed_on") or [])
    if claimed:
        actor, attribution = claimed[0].get("name") or claimed[0]["text"], "claimed"
    elif blamed:
        actor, attribution = blamed.most_common(1)[0][0], "blamed"
    else:
        actor, attribution = None, None
    return {
        "attack_id": f"attack_{number:05d}",
        "date": by_date[0].get("date"), "date_precision": by_date[0].get("date_precision"),
        "target": (best_place.get("target") or {}).get("name") or (best_place.get("target") or {}).get("text"),
        "target_id": (best_place.get("target") or {}).get("id"),
        "location": best_place.get("location") or {},
        "fatalities": _figure([e.get("killed") for e in members]),
        "injuries": _figure([e.get("injured") for e in members]),
        "weapons": {t: {"min": min(c) if c else None, "max": max(c) if c else None} for t, c in sorted(weapons.items())},
        "actor": actor, "attribution": attribution,
        "unclaimed": any(e.get("unclaimed") for e in members) and not claimed,
        "sources": [{"article": e["article"], "event_index": e["event_index"], "source": e.get("source"), "url": e.get("url"),
                     "article_date": e.get("article_date"), "date": e.get("date"),
                     "killed": (e.get("killed") or {}).get("count"), "injured": (e.get("injured") or {}).get("count"),
                     "target": (e.get("target") or {}).get("text")} for e in members],
    }


def deduplicate(results: Sequence[Dict[str, Any]], max_km: float = 25.0) -> List[Dict[str, Any]]:
    """Attack records of the document results of an archive run."""
    events = flatten(results)
    groups = cluster(events, max_km)
    groups.sort(key=lambda g: (min((_day(events[i]) or dt.date.max) for i in g), g[0]))
    return [attack_record(n, [events[i] for i in g]) for n, g in enumerate(groups, start=1)]


def pair_scores(gold: Dict[str, str], predicted: Dict[str, str]) -> Dict[str, Dict[str, float]]:
    """Pairwise and B-cubed precision/recall/F1 of a clustering of articles (article -> cluster id) against gold."""
    items = sorted(set(gold) & set(predicted))
    tp = fp = fn = 0
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            same_gold, same_pred = gold[a] == gold[b], predicted[a] == predicted[b]
            tp += same_gold and same_pred
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred

    def prf(p: float, r: float) -> Dict[str, float]:
        return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}

    pairwise = prf(tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)
    bp = br = 0.0
    for a in items:
        pred_cluster = {b for b in items if predicted[b] == predicted[a]}
        gold_cluster = {b for b in items if gold[b] == gold[a]}
        overlap = len(pred_cluster & gold_cluster)
        bp += overlap / len(pred_cluster)
        br += overlap / len(gold_cluster)
    bcubed = prf(bp / len(items), br / len(items)) if items else prf(0.0, 0.0)
    return {"pairwise": {**pairwise, "tp": tp, "fp": fp, "fn": fn}, "bcubed": bcubed, "articles": len(items)}


def headline_clusters(attacks: Sequence[Dict[str, Any]]) -> Dict[str, str]:
    """article -> attack id of its headline event (its first event), for scoring against one gold attack per article."""
    out: Dict[str, str] = {}
    for attack in attacks:
        for source in attack["sources"]:
            if source["event_index"] == 0:
                out[source["article"]] = attack["attack_id"]
    return out


def date_scores(results: Sequence[Dict[str, Any]], gold_dates: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """How often the headline event (an article's first event) has the gold date: the same date, within a day, the
    same precision. An article without an event counts as wrong."""
    events = {r["id"]: (r.get("events") or [None])[0] for r in results}
    exact = near = precision = 0
    for gold in gold_dates:
        event = events.get(gold["id"])
        if not event or not event.get("date"):
            continue
        predicted, truth = dt.date.fromisoformat(event["date"]), dt.date.fromisoformat(gold["event_date"])
        exact += predicted == truth
        near += abs((predicted - truth).days) <= 1
        precision += event.get("date_precision") == gold["date_precision"]
    n = len(gold_dates)
    return {"articles": n, "exact": exact / n if n else 0.0, "within_1_day": near / n if n else 0.0,
            "same_precision": precision / n if n else 0.0}
