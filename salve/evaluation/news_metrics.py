"""Scores in the form of the hidden real-news measurement (issue 12), for the development set.

- **Mentions**: WEAPON, BASE, ACTOR and CASUALTY; a prediction matches a gold mention of the same label that it
  overlaps (one to one). ATTACK is not scored here (the hidden sets do not score it).
- **Attacked targets**: the gold targets are the installations of the attacks each text reports as news
  (`meta.gold_events.targets`, guideline D24: background attacks excluded); the predicted ones are the targets
  of `doc._.events`. They match when the predicted target span overlaps an occurrence of the gold text or both
  link to the same gazetteer entry.
- **Headline slots**: for each text with a gold headline, the predicted event whose target matches the gold
  headline target (else the first predicted event) is compared slot by slot: weapon type, weapon count,
  killed, injured (numbers; null = nothing said), claimed, blamed (some predicted actor matches a gold actor,
  or both empty), unclaimed.
"""
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from salve.pipeline.events import build_events
from salve.pipeline.knowledge import Knowledge, normalise
from salve.pipeline.labels import ACTOR, BASE, CASUALTY, WEAPON
from salve.pipeline.scoring import prf

MENTION_LABELS: Tuple[str, ...] = (WEAPON, BASE, ACTOR, CASUALTY)
HEADLINE_SLOTS: Tuple[str, ...] = ("weapon_type", "weapon_count", "killed", "injured", "claimed", "blamed", "unclaimed")


def _overlaps(a: Tuple[int, int], b: Tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def mention_counts(gold: Sequence[Tuple[int, int, str]], pred: Sequence[Tuple[int, int, str]]) -> Dict[str, List[int]]:
    """[tp, fp, fn] per label, overlap match, one to one (each gold mention is matched at most once)."""
    counts = {label: [0, 0, 0] for label in MENTION_LABELS}
    used = set()
    for start, end, label in pred:
        if label not in counts:
            continue
        match = next((i for i, g in enumerate(gold) if i not in used and g[2] == label
                      and _overlaps((start, end), (g[0], g[1]))), None)
        if match is None:
            counts[label][1] += 1
        else:
            used.add(match)
            counts[label][0] += 1
    for i, g in enumerate(gold):
        if g[2] in counts and i not in used:
            counts[g[2]][2] += 1
    return counts


def _occurrences(text: str, phrase: str) -> List[Tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)] if phrase else []


def _same_target(text: str, gold: str, pred: Dict[str, Any], kb: Knowledge) -> bool:
    if any(_overlaps((pred["start"], pred["end"]), occ) for occ in _occurrences(text, gold)):
        return True
    gold_entry, pred_entry = kb.link_installation(gold), kb.link_installation(pred["text"])
    return bool(gold_entry and pred_entry and gold_entry["id"] == pred_entry["id"])


def names_contain(a: Optional[str], b: Optional[str]) -> bool:
    """Two surface names of one thing: after normalisation, one contains the other ("Kataëb Hezbollah" and
    "les Kataeb Hezbollah")."""
    a, b = normalise(a or ""), normalise(b or "")
    return bool(a and b and (a in b or b in a))


def _same_actor(gold: str, pred: Dict[str, Any], kb: Knowledge) -> bool:
    if names_contain(gold, pred["text"]):
        return True
    gold_entry, pred_entry = kb.link_actor(gold), kb.link_actor(pred["text"])
    return bool(gold_entry and pred_entry and gold_entry["id"] == pred_entry["id"])


def target_counts(text: str, gold: Sequence[str], events: Sequence[Dict[str, Any]], kb: Knowledge) -> List[int]:
    """[tp, fp, fn] of attacked targets (one to one; several predicted events on one target count once)."""
    predicted = [e["target"] for e in events if e.get("target")]
    used, tp, fp = set(), 0, 0
    for target in predicted:
        match = next((i for i, g in enumerate(gold) if i not in used and _same_target(text, g, target, kb)), None)
        if match is not None:
            used.add(match)
            tp += 1
        elif not any(_same_target(text, gold[i], target, kb) for i in used):
            fp += 1
    return [tp, fp, len(gold) - len(used)]


def _headline_event(text: str, gold_target: Optional[str], events: Sequence[Dict[str, Any]],
                    kb: Knowledge) -> Optional[Dict[str, Any]]:
    if gold_target:
        for event in events:
            if event.get("target") and _same_target(text, gold_target, event["target"], kb):
                return event
    return events[0] if events else None


def _count(value: Optional[Dict[str, Any]]) -> Optional[int]:
    return None if not value else value.get("count")


def _actors_agree(gold: Sequence[str], pred: Sequence[Dict[str, Any]], kb: Knowledge) -> bool:
    if not gold:
        return not pred
    return any(_same_actor(g, p, kb) for g in gold for p in pred)


def headline_slots(text: str, gold: Dict[str, Any], events: Sequence[Dict[str, Any]], kb: Knowledge) -> Dict[str, bool]:
    """Correct (True) or not, per headline slot."""
    event = _headline_event(text, gold.get("target"), events, kb) or {}
    weapons = event.get("weapons") or []
    first = weapons[0] if weapons else {}
    return {
        "weapon_type": first.get("type") == gold.get("weapon_type") if gold.get("weapon_type") else not weapons,
        "weapon_count": first.get("count") == gold.get("weapon_count"),
        "killed": _count(event.get("killed")) == gold.get("killed"),
        "injured": _count(event.get("injured")) == gold.get("injured"),
        "claimed": _actors_agree(gold.get("claimed_by") or [], event.get("claimed_by") or [], kb),
        "blamed": _actors_agree(gold.get("blamed_on") or [], event.get("blamed_on") or [], kb),
        "unclaimed": bool(event.get("unclaimed")) == bool(gold.get("unclaimed")),
    }


def doc_scores(gold_doc: Doc, pred_doc: Doc, kb: Knowledge) -> Dict[str, Any]:
    """Per-document counts and slot outcomes (the unit of the bootstrap and of the per-document error list)."""
    gold_events = (gold_doc._.meta or {}).get("gold_events") or {}
    events = pred_doc._.events or []
    out: Dict[str, Any] = {
        "mentions": mention_counts([(e.start_char, e.end_char, e.label_) for e in gold_doc.ents],
                                   [(e.start_char, e.end_char, e.label_) for e in pred_doc.ents]),
        "targets": target_counts(gold_doc.text, gold_events.get("targets") or [], events, kb),
    }
    if gold_events.get("headline"):
        out["slots"] = headline_slots(gold_doc.text, gold_events["headline"], events, kb)
    return out


def combine(per_doc: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """Micro P/R/F of mentions (per label and all) and targets; accuracy per headline slot and their mean."""
    mentions = {label: [sum(d["mentions"][label][k] for d in per_doc) for k in range(3)] for label in MENTION_LABELS}
    mentions["all"] = [sum(mentions[label][k] for label in MENTION_LABELS) for k in range(3)]
    targets = [sum(d["targets"][k] for d in per_doc) for k in range(3)]
    with_slots = [d["slots"] for d in per_doc if "slots" in d]
    slots = {s: (sum(d[s] for d in with_slots) / len(with_slots) if with_slots else 0.0) for s in HEADLINE_SLOTS}
    slots["mean"] = sum(slots[s] for s in HEADLINE_SLOTS) / len(HEADLINE_SLOTS)
    return {"documents": len(per_doc), "headlines": len(with_slots),
            "mentions": {label: prf(*c) for label, c in mentions.items()}, "targets": prf(*targets), "slots": slots}


def score_news(gold_docs: Sequence[Doc], pred_docs: Sequence[Doc], kb: Knowledge) -> Dict[str, Any]:
    per_doc = [doc_scores(g, p, kb) for g, p in zip(gold_docs, pred_docs)]
    return {**combine(per_doc), "per_doc": {str((g._.meta or {}).get("doc_id")): d for g, d in zip(gold_docs, per_doc)}}


def with_gold_events(gold_docs: Sequence[Doc], kb: Knowledge) -> List[Doc]:
    """The gold docs with events built from their gold entities and relations: the event builder's ceiling, what
    a pipeline with perfect entities and relations would score (sentences from punctuation and line breaks)."""
    out = []
    for gold in gold_docs:
        doc = gold.copy()
        doc._.events = build_events(doc, kb)
        out.append(doc)
    return out


def headline_row(metrics: Dict[str, Any]) -> Dict[str, float]:
    """The figures the issue tracks, flat: mention F1, target F1, killed, injured, slot mean."""
    return {"mention_f": metrics["mentions"]["all"]["f"], "target_f": metrics["targets"]["f"],
            "killed": metrics["slots"]["killed"], "injured": metrics["slots"]["injured"],
            "slot_mean": metrics["slots"]["mean"]}
