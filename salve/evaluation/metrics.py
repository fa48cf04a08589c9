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

import numpy
from spacy.tokens import Doc

from salve.pipeline.doc_extensions import get_relations, set_relations
from salve.pipeline.events import build_events
from salve.pipeline.knowledge import Knowledge, normalise
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES
from salve.pipeline.scoring import add_counts, count_entities, count_relations, summarise

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


def doc_counts(gold: Doc, pred: Doc, knowledge: Knowledge, pred_gold_ents: Optional[Doc] = None) -> Dict[str, Any]:
    """Every count needed for the metrics of one document: summed over documents they give the micro scores,
    resampled by document they give bootstrap intervals."""
    if gold.text != pred.text:
        raise ValueError("gold and predicted docs are not the same texts, in the same order")
    ge, pe, gr, pr = doc_entities(gold), doc_entities(pred), doc_relations(gold), doc_relations(pred)
    counts: Dict[str, Any] = {"doc_id": (gold._.meta or {}).get("doc_id")}
    for mode in ("exact", "overlap"):
        counts[f"entities_{mode}"] = count_entities(ge, pe, mode)
    counts["relations_exact"] = count_relations(gr, pr, ge, pe, "exact")
    counts["relations_overlap"] = count_relations(gr, pr, ge, pe, "overlap")
    if pred_gold_ents is not None:
        counts["relations_gold_entities"] = count_relations(gr, doc_relations(pred_gold_ents))
    gold_events = build_events(with_annotations(pred, gold), knowledge)
    pred_events = pred._.events if pred._.events is not None else build_events(pred, knowledge)
    counts["events"] = event_counts(gold_events, pred_events)
    return counts


def combine(per_doc: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """Micro-averaged metrics from per-document counts (see `doc_counts`)."""
    def total(key: str) -> Dict[str, Counter]:
        out: Dict[str, Counter] = {}
        for counts in per_doc:
            add_counts(out, counts.get(key, {}))
        return out
    events: Counter = Counter()
    for counts in per_doc:
        events.update(counts["events"])
    n_gold = events["gold_events"]
    metrics: Dict[str, Any] = {
        "documents": len(per_doc),
        "entities": {mode: summarise(total(f"entities_{mode}"), ENTITY_LABELS) for mode in ("exact", "overlap")},
        "relations": {mode: summarise(total(f"relations_{mode}"), RELATION_TYPES) for mode in ("exact", "overlap")},
        "events": {
            "gold": n_gold, "predicted": events["pred_events"], "matched": events["matched_events"],
            "precision": events["matched_events"] / events["pred_events"] if events["pred_events"] else 0.0,
            "recall": events["matched_events"] / n_gold if n_gold else 0.0,
            "slot_accuracy": {slot: (events[slot] / n_gold if n_gold else 0.0) for slot in EVENT_SLOTS},
        },
    }
    if all("relations_gold_entities" in c for c in per_doc) and per_doc:
        metrics["relations_gold_entities"] = summarise(total("relations_gold_entities"), RELATION_TYPES)
    return metrics


def evaluate_docs(gold_docs: Sequence[Doc], pred_docs: Sequence[Doc], knowledge: Knowledge,
                  pred_gold_ents: Optional[Sequence[Doc]] = None) -> Dict[str, Any]:
    """Entity, relation and event scores of predictions against gold, micro-averaged over documents."""
    per_doc = [doc_counts(g, p, knowledge, pg) for g, p, pg in
               zip(gold_docs, pred_docs, pred_gold_ents if pred_gold_ents is not None else [None] * len(gold_docs))]
    metrics = combine(per_doc)
    metrics["per_doc"] = [_jsonable(c) for c in per_doc]
    return metrics


def _jsonable(counts: Dict[str, Any]) -> Dict[str, Any]:
    return {k: ({label: dict(c) for label, c in v.items()} if isinstance(v, dict) and not isinstance(v, Counter)
                else dict(v) if isinstance(v, Counter) else v) for k, v in counts.items()}


ENTITY_COMPONENTS = ("ner", "salve_rule_entities", "entity_ruler", "salve_gazetteer")


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


def metric_paths(metrics: Dict[str, Any]) -> List[Tuple[str, ...]]:
    """The (nested key) paths of the scores that get intervals: F1 per label, event accuracies, event P/R."""
    paths: List[Tuple[str, ...]] = []
    for mode in ("exact", "overlap"):
        paths += [("entities", mode, label, "f") for label in (*ENTITY_LABELS, "micro")]
        paths += [("relations", mode, label, "f") for label in (*RELATION_TYPES, "micro")]
    if "relations_gold_entities" in metrics:
        paths += [("relations_gold_entities", label, "f") for label in (*RELATION_TYPES, "micro")]
    paths += [("events", "slot_accuracy", slot) for slot in EVENT_SLOTS]
    paths += [("events", "precision"), ("events", "recall")]
    return paths


def get_path(data: Dict[str, Any], path: Sequence[str]) -> float:
    for key in path:
        data = data[key]
    return float(data)  # type: ignore[arg-type]


def bootstrap_intervals(per_doc: Sequence[Dict[str, Any]], n_resamples: int = 1000, seed: int = 0,
                        alpha: float = 0.05) -> Dict[Tuple[str, ...], Tuple[float, float]]:
    """Percentile intervals of each score over documents resampled with replacement (scikit-learn's
    `resample`); with few documents they are wide, which is the point."""
    from sklearn.utils import resample

    paths = metric_paths(combine(per_doc))
    samples: Dict[Tuple[str, ...], List[float]] = {p: [] for p in paths}
    for b in range(n_resamples):
        metrics = combine(resample(list(per_doc), replace=True, n_samples=len(per_doc), random_state=seed + b))
        for path in paths:
            samples[path].append(get_path(metrics, path))
    lo, hi = 100 * alpha / 2, 100 * (1 - alpha / 2)
    return {p: (float(numpy.percentile(v, lo)), float(numpy.percentile(v, hi))) for p, v in samples.items()}
