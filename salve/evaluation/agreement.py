"""Inter-annotator agreement between two annotations of the same documents.

    salve agreement corpus/agreement/annotator_a.markup corpus/agreement/annotator_b.markup \
        --out corpus/agreement/agreement.md

Agreement is F1 with one annotator taken as reference (F1 is symmetric): entities exact and overlapping,
relations with exact endpoints and with endpoints matched by overlap. Every disagreement is listed so that
reconciliation can go through them one by one. Where both annotations carry event gold (`meta.gold_events`,
guideline D24), the agreement on attacked targets and on each headline slot is reported too, with names
matched as `salve evaluate-news` matches them (containment, or one knowledge-base entry: "le SBU" and "Service de
sécurité d'Ukraine"). Sets of event facts only (no document with entities in either annotation) get no entity
and relation tables: they would be all zeros.
"""
from typing import Dict, List, Optional, Tuple

from salve.corpus.format import Record, doc_id_of
from salve.evaluation.news_metrics import names_contain
from salve.pipeline.knowledge import Knowledge
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES
from salve.pipeline.scoring import (
    add_counts,
    align_entities,
    count_entities,
    count_relations,
    record_entities,
    record_relations,
    summarise,
)


def _fmt(scores: Dict[str, Dict[str, float]], labels: List[str]) -> List[str]:
    lines = ["| label | P | R | F1 | both | only A | only B |", "|---|---|---|---|---|---|---|"]
    for label in labels + ["micro"]:
        s = scores[label]
        lines.append(f"| {label} | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} | {s['tp']} | {s['fn']} | {s['fp']} |")
    return lines


def disagreements(a: Record, b: Record) -> List[str]:
    """Human-readable list of entity and relation differences in one document (A = reference)."""
    text = a["text"]
    ents_a, ents_b = record_entities(a), record_entities(b)
    exact = align_entities(ents_a, ents_b, "exact")
    lines = []
    for s, e, label in sorted(set(ents_a) - set(exact.values())):
        lines.append(f"- only A: {label} [{s}:{e}] {text[s:e]!r}")
    for s, e, label in sorted(set(ents_b) - set(exact)):
        lines.append(f"- only B: {label} [{s}:{e}] {text[s:e]!r}")
    rels_a, rels_b = set(record_relations(a)), set(record_relations(b))
    for (h, c, label) in sorted(rels_a - rels_b):
        lines.append(f"- only A: {text[h[0]:h[1]]!r} -{label}-> {text[c[0]:c[1]]!r} [{h[0]}]")
    for (h, c, label) in sorted(rels_b - rels_a):
        lines.append(f"- only B: {text[h[0]:h[1]]!r} -{label}-> {text[c[0]:c[1]]!r} [{h[0]}]")
    return lines


def _same_name(a: Optional[str], b: Optional[str], kb: Knowledge, kind: str) -> bool:
    """One installation or actor: names contain each other, or both link to one knowledge-base entry."""
    if names_contain(a, b) or a == b:
        return True
    link = kb.link_installation if kind == "installation" else kb.link_actor
    entry_a, entry_b = (link(a), link(b)) if a and b else (None, None)
    return bool(entry_a and entry_b and entry_a["id"] == entry_b["id"])


def event_gold_agreement(pairs: List[Tuple[Record, Record]], kb: Knowledge) -> List[str]:
    """Targets (F1) and headline slots (share of documents where A and B agree), with every difference listed."""
    tp = only_a = only_b = 0
    slots: Dict[str, List[bool]] = {}
    details = []
    for a, b in pairs:
        ga, gb = (a.get("meta") or {}).get("gold_events"), (b.get("meta") or {}).get("gold_events")
        if ga is None or gb is None:
            continue
        ta, tb = list(ga.get("targets") or []), list(gb.get("targets") or [])
        missed_by_b = [t for t in ta if not any(_same_name(t, u, kb, "installation") for u in tb)]
        missed_by_a = [u for u in tb if not any(_same_name(t, u, kb, "installation") for t in ta)]
        tp, only_a, only_b = tp + len(ta) - len(missed_by_b), only_a + len(missed_by_b), only_b + len(missed_by_a)
        details += [f"- {doc_id_of(a)} target only A: {t!r}" for t in missed_by_b]
        details += [f"- {doc_id_of(a)} target only B: {u!r}" for u in missed_by_a]
        ha, hb = ga.get("headline"), gb.get("headline")
        slots.setdefault("headline present", []).append((ha is None) == (hb is None))
        if ha and hb:
            for key in ("target", "weapon_type", "weapon_count", "killed", "injured", "claimed_by", "blamed_on", "unclaimed"):
                va, vb = ha.get(key), hb.get(key)
                if key == "target":
                    same = _same_name(va, vb, kb, "installation")
                elif key in ("claimed_by", "blamed_on"):
                    same = (not va and not vb) or any(_same_name(x, y, kb, "actor") for x in va or [] for y in vb or [])
                else:
                    same = va == vb
                slots.setdefault(key, []).append(same)
                if not same:
                    details.append(f"- {doc_id_of(a)} {key}: A {va!r} / B {vb!r}")
    if not slots:
        return []
    f = 2 * tp / (2 * tp + only_a + only_b) if tp + only_a + only_b else 1.0
    lines = ["## Event gold (D24)", "", f"Attacked targets: F1 {f:.3f} (both {tp}, only A {only_a}, only B {only_b}).", "",
             "| headline slot | agreement | documents |", "|---|---|---|"]
    lines += [f"| {key} | {sum(v) / len(v):.3f} | {len(v)} |" for key, v in slots.items()]
    return lines + ["", "Differences (targets, headline slots):", ""] + (details or ["- none"]) + [""]


def agreement_report(records_a: List[Record], records_b: List[Record], kb: Optional[Knowledge] = None) -> str:
    """The Markdown report; `kb` (default: empty) lets names of one entry agree, as in `salve evaluate-news`."""
    kb = kb or Knowledge({})
    by_id_b = {doc_id_of(r): r for r in records_b}
    missing = [doc_id_of(r) for r in records_a if doc_id_of(r) not in by_id_b]
    missing += [doc_id_of(r) for r in records_b if doc_id_of(r) not in {doc_id_of(a) for a in records_a}]
    if missing:
        raise ValueError(f"documents missing from the second annotation: {missing}")
    ent_counts = {"exact": {}, "overlap": {}}
    rel_counts = {"exact": {}, "overlap": {}}
    details = []
    for a in records_a:
        b = by_id_b[doc_id_of(a)]
        if a["text"] != b["text"]:
            raise ValueError(f"document {doc_id_of(a)} has different texts in the two annotations")
        ea, eb, ra, rb = record_entities(a), record_entities(b), record_relations(a), record_relations(b)
        for mode in ("exact", "overlap"):
            add_counts(ent_counts[mode], count_entities(ea, eb, mode))
            add_counts(rel_counts[mode], count_relations(ra, rb, ea, eb, mode))
        if ea or eb:
            details.append(f"### {doc_id_of(a)}\n" + "\n".join(disagreements(a, b) or ["- no disagreement"]))
    parts = ["# Inter-annotator agreement", "",
             f"{len(records_a)} documents. A is taken as reference: 'only A' are A's spans B did not mark "
             "(counted as B's false negatives), 'only B' the reverse. F1 is symmetric.", ""]
    if details:
        for mode in ("exact", "overlap"):
            parts += [f"## Entities, {mode} match", ""] + _fmt(summarise(ent_counts[mode], list(ENTITY_LABELS)), list(ENTITY_LABELS)) + [""]
        for mode in ("exact", "overlap"):
            title = "exact endpoints" if mode == "exact" else "endpoints matched by overlap"
            parts += [f"## Relations, {title}", ""] + _fmt(summarise(rel_counts[mode], list(RELATION_TYPES)), list(RELATION_TYPES)) + [""]
    else:
        parts += ["Event facts only: neither annotation has entities, so there are no entity or relation tables.", ""]
    parts += event_gold_agreement([(a, by_id_b[doc_id_of(a)]) for a in records_a], kb)
    if details:
        parts += ["## Disagreements", ""] + details
    return "\n".join(parts) + "\n"
