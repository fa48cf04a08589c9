"""Matching and scoring of entity spans and relations, shared by annotator agreement and model evaluation.

Entities are (start_char, end_char, label) triples; relations are (head_span, child_span, label) with spans as
(start_char, end_char). Two matching modes:
- "exact": same offsets and label;
- "overlap": same label and overlapping offsets, matched one-to-one (largest overlap first), so one long
  prediction cannot count for two gold spans.
Relations match when their label matches and both endpoints are matched entities under the same mode.
"""
from collections import Counter
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

Span = Tuple[int, int]
Entity = Tuple[int, int, str]
Relation = Tuple[Span, Span, str]


def prf(tp: int, fp: int, fn: int) -> Dict[str, float]:
    """Precision, recall and F1; 0.0 where undefined (nothing predicted or nothing to find)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "tp": tp, "fp": fp, "fn": fn}


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def align_entities(gold: Sequence[Entity], pred: Sequence[Entity], mode: str = "exact") -> Dict[Entity, Entity]:
    """Map each matched predicted entity to its gold entity (one-to-one)."""
    if mode == "exact":
        gold_set = set(gold)
        return {p: p for p in pred if p in gold_set}
    if mode != "overlap":
        raise ValueError(f"unknown matching mode {mode!r} (exact or overlap)")
    candidates = sorted(
        ((_overlap(g[:2], p[:2]), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)
         if g[2] == p[2] and _overlap(g[:2], p[:2]) > 0),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_gold, used_pred, mapping = set(), set(), {}
    for _, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        mapping[pred[pi]] = gold[gi]
    return mapping


def count_entities(gold: Sequence[Entity], pred: Sequence[Entity], mode: str = "exact") -> Dict[str, Counter]:
    """tp/fp/fn per label for one document."""
    mapping = align_entities(gold, pred, mode)
    counts: Dict[str, Counter] = {}
    matched_gold = set(mapping.values())
    for p in pred:
        counts.setdefault(p[2], Counter())["tp" if p in mapping else "fp"] += 1
    for g in gold:
        if g not in matched_gold:
            counts.setdefault(g[2], Counter())["fn"] += 1
    return counts


def count_relations(
    gold_rels: Iterable[Relation], pred_rels: Iterable[Relation],
    gold_ents: Sequence[Entity] = (), pred_ents: Sequence[Entity] = (), mode: str = "exact",
) -> Dict[str, Counter]:
    """tp/fp/fn per relation type; endpoints are mapped to gold through the entity alignment in `mode`."""
    span_map: Dict[Span, Span] = {}
    if mode == "overlap":
        for p, g in align_entities(gold_ents, pred_ents, "overlap").items():
            span_map[p[:2]] = g[:2]
    gold_set = set(gold_rels)
    mapped = [(span_map.get(h, h), span_map.get(c, c), label) for h, c, label in pred_rels]
    counts: Dict[str, Counter] = {}
    seen = set()
    for rel in mapped:
        if rel in seen:  # a duplicate prediction is one false positive, not a second hit
            counts.setdefault(rel[2], Counter())["fp"] += 1
            continue
        seen.add(rel)
        counts.setdefault(rel[2], Counter())["tp" if rel in gold_set else "fp"] += 1
    for rel in gold_set - seen:
        counts.setdefault(rel[2], Counter())["fn"] += 1
    return counts


def add_counts(total: Dict[str, Counter], part: Dict[str, Counter]) -> Dict[str, Counter]:
    for label, counter in part.items():
        total.setdefault(label, Counter()).update(counter)
    return total


def summarise(counts: Dict[str, Counter], labels: Optional[Sequence[str]] = None) -> Dict[str, Dict[str, float]]:
    """Per-label P/R/F plus the micro average under the key "micro"."""
    labels = list(labels) if labels is not None else sorted(counts)
    out = {label: prf(counts.get(label, Counter())["tp"], counts.get(label, Counter())["fp"],
                      counts.get(label, Counter())["fn"]) for label in labels}
    total = Counter()
    for label in labels:
        total.update(counts.get(label, Counter()))
    out["micro"] = prf(total["tp"], total["fp"], total["fn"])
    return out


def record_entities(record: Dict) -> List[Entity]:
    return [(e["start_offset"], e["end_offset"], e["label"]) for e in record.get("entities", [])]


def record_relations(record: Dict) -> List[Relation]:
    spans = {e["id"]: (e["start_offset"], e["end_offset"]) for e in record.get("entities", [])}
    return [(spans[r["from_id"]], spans[r["to_id"]], r["type"]) for r in record.get("relations", [])]
