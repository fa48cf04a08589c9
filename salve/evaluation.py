"""Scoring a pipeline's predictions against gold docs: entities, relations and event slots.

Gold events are built by the same event builder as the predictions (events.py), on the predicted doc's
tokens and sentences with the gold entities and relations put in, so both sides see the same sentence
boundaries and only the annotations differ.

Event matching: a predicted event matches a gold event when their targets are the same installation
(gazetteer name, else the normalised target text), or, for events without a target, when they share a
trigger. Slots are then compared on the matched pairs; an unmatched gold event counts as wrong in
every slot, so slot accuracy is measured against all gold events.
"""
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from .doc_extensions import get_relations, set_relations
from .events import build_events
from .knowledge import Knowledge, normalise
from .labels import ENTITY_LABELS, RELATION_TYPES
from .scoring import add_counts, count_entities, count_relations, summarise

EVENT_SLOTS = ("target", "weapon_type", "weapon_count", "killed", "injured", "claimed_by", "blamed_on", "unclaimed")


def doc_entities(doc: Doc) -> List[Tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def doc_relations(doc: Doc) -> List[Tuple[Tuple[int, int], Tuple[int, int], str]]:
    return [(tuple(r["head"]), tuple(r["child"]), r["label"]) for r in get_relations(doc)]  # type: ignore[misc]


def with_annotations(pred: Doc, gold: Doc) -> Doc:
    """A copy of the predicted doc carrying the gold entities and relations (same tokens and sentences)."""
    view = pred.copy()
    spans = [view.char_span(e.start_char, e.end_char, label=e.label_, alignment_mode="strict") for e in gold.ents]
    if any(s is None for s in spans):
        raise ValueError(f"gold entities do not align with the predicted tokens in doc {gold._.meta}")
    view.ents = spans
    set_relations(view, get_relations(gold))
    return view


def _target_key(event: Dict[str, Any]) -> Optional[str]:
    target = event.get("target")
    if not target:
        return None
    return target.get("name") or normalise(target["text"])


def match_events(gold: Sequence[Dict[str, Any]], pred: Sequence[Dict[str, Any]]) -> List[Tuple[int, Optional[int]]]:
    """(gold index, matched predicted index or None), one-to-one, in gold order."""
    used, pairs = set(), []
    for gi, g in enumerate(gold):
        gkey = _target_key(g)
        match = None
        for pi, p in enumerate(pred):
            if pi in used:
                continue
            if gkey is not None and _target_key(p) == gkey:
                match = pi
                break
            if gkey is None and _target_key(p) is None and set(g["triggers"]) & set(p["triggers"]):
                match = pi
                break
        if match is not None:
            used.add(match)
        pairs.append((gi, match))
    return pairs


def _primary_weapon(event: Dict[str, Any]) -> Tuple[Optional[str], Optional[int], Optional[str]]:
    weapons = event.get("weapons") or []
    if not weapons:
        return None, None, None
    return weapons[0]["type"], weapons[0]["count"], weapons[0]["qualifier"]


def _casualty(value: Optional[Dict[str, Any]]) -> Optional[Tuple[Optional[int], str]]:
    return None if value is None else (value["count"], value["qualifier"])


def _actors(values: List[Dict[str, Any]]) -> frozenset:
    return frozenset(v.get("name") or normalise(v["text"]) for v in values)


def slot_values(event: Dict[str, Any]) -> Dict[str, Any]:
    wtype, count, qualifier = _primary_weapon(event)
    return {"target": _target_key(event), "weapon_type": wtype, "weapon_count": (count, qualifier),
            "killed": _casualty(event.get("killed")), "injured": _casualty(event.get("injured")),
            "claimed_by": _actors(event.get("claimed_by", [])), "blamed_on": _actors(event.get("blamed_on", [])),
            "unclaimed": bool(event.get("unclaimed"))}


def event_counts(gold: Sequence[Dict[str, Any]], pred: Sequence[Dict[str, Any]]) -> Counter:
    """Per-slot correct counts over gold events, plus matched / gold / predicted event totals."""
    counts: Counter = Counter(gold_events=len(gold), pred_events=len(pred))
    for gi, pi in match_events(gold, pred):
        if pi is None:
            continue
        counts["matched_events"] += 1
        g, p = slot_values(gold[gi]), slot_values(pred[pi])
        for slot in EVENT_SLOTS:
            counts[slot] += int(g[slot] == p[slot])
    return counts


def evaluate_docs(gold_docs: Sequence[Doc], pred_docs: Sequence[Doc], knowledge: Knowledge) -> Dict[str, Any]:
    """Entity, relation and event scores of predictions against gold, micro-averaged over documents."""
    ents = {"exact": {}, "overlap": {}}
    rels = {"exact": {}, "overlap": {}}
    events: Counter = Counter()
    per_doc = []
    for gold, pred in zip(gold_docs, pred_docs):
        if gold.text != pred.text:
            raise ValueError("gold and predicted docs are not the same texts, in the same order")
        ge, pe, gr, pr = doc_entities(gold), doc_entities(pred), doc_relations(gold), doc_relations(pred)
        doc_counts = {}
        for mode in ("exact", "overlap"):
            add_counts(ents[mode], count_entities(ge, pe, mode))
            add_counts(rels[mode], count_relations(gr, pr, ge, pe, mode))
        gold_events = build_events(with_annotations(pred, gold), knowledge)
        pred_events = pred._.events if pred._.events is not None else build_events(pred, knowledge)
        ev = event_counts(gold_events, pred_events)
        events.update(ev)
        doc_counts["events"] = dict(ev)
        doc_counts["entities"] = {k: dict(v) for k, v in count_entities(ge, pe, "exact").items()}
        doc_counts["relations"] = {k: dict(v) for k, v in count_relations(gr, pr).items()}
        per_doc.append({"doc_id": (gold._.meta or {}).get("doc_id"), **doc_counts})
    n_gold = events["gold_events"]
    return {
        "entities": {mode: summarise(ents[mode], ENTITY_LABELS) for mode in ents},
        "relations": {mode: summarise(rels[mode], RELATION_TYPES) for mode in rels},
        "events": {
            "gold": n_gold, "predicted": events["pred_events"], "matched": events["matched_events"],
            "precision": events["matched_events"] / events["pred_events"] if events["pred_events"] else 0.0,
            "recall": events["matched_events"] / n_gold if n_gold else 0.0,
            "slot_accuracy": {slot: (events[slot] / n_gold if n_gold else 0.0) for slot in EVENT_SLOTS},
        },
        "per_doc": per_doc,
    }


ENTITY_COMPONENTS = ("ner", "salve_rule_entities", "entity_ruler")


def run_with_gold_entities(nlp, gold_docs: Sequence[Doc]) -> List[Doc]:
    """Run the pipeline with the gold entities in place of its own: entity components are skipped and the
    gold entities are set before the first component that reads them, so relations are scored on gold entities."""
    out = []
    for gold in gold_docs:
        doc = nlp.make_doc(gold.text)
        placed = False
        for name, proc in nlp.pipeline:
            if name in ENTITY_COMPONENTS:
                continue
            if not placed and name not in ("tok2vec", "transformer", "morphologizer", "parser", "attribute_ruler",
                                           "lemmatizer", "tagger", "senter", "sentencizer"):
                doc.ents = [doc.char_span(e.start_char, e.end_char, label=e.label_, alignment_mode="expand") for e in gold.ents]
                placed = True
            doc = proc(doc)
        out.append(doc)
    return out


def relation_scores(gold_docs: Sequence[Doc], pred_docs: Sequence[Doc]) -> Dict[str, Dict[str, float]]:
    counts: Dict = {}
    for gold, pred in zip(gold_docs, pred_docs):
        add_counts(counts, count_relations(doc_relations(gold), doc_relations(pred)))
    return summarise(counts, RELATION_TYPES)


def tune_threshold(nlp, gold_docs: Sequence[Doc], component: str = "salve_relations",
                   grid: Sequence[float] = tuple(round(0.05 * i, 2) for i in range(2, 19))) -> Tuple[float, Dict[float, float]]:
    """The relation threshold with the best micro F1 on `gold_docs` (gold entities); sets it on the component."""
    rel = nlp.get_pipe(component)
    rel.threshold = 1.1  # predict nothing while preparing the docs
    docs = run_with_gold_entities(nlp, gold_docs)
    scores = rel.predict(docs)
    results = {}
    for threshold in grid:
        rel.threshold = threshold
        rel.set_annotations(docs, scores)
        results[threshold] = relation_scores(gold_docs, docs)["micro"]["f"]
    best = max(grid, key=lambda t: (results[t], -abs(t - 0.5)))
    rel.threshold = best
    return best, results
