"""The evaluation report: trained model vs. rule baseline, on real seeds (cross-validation) and synthetic dev.

    salve report --cv-dir training/cv --splits corpus/splits --rules training/rules \
        --model training/model-best --out reports

Real text is the headline: each seed is predicted by the fold model that never saw it (training/cv/fold_K),
and by the rule pipeline. The synthetic dev split is scored by the final model and the rules. Writes
reports/evaluation.md, reports/metrics.json, reports/*.png, reports/errors.md and reports/displacy/*.html.
"""
import html
import json
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import matplotlib
import spacy
from spacy import displacy
from spacy.tokens import Doc
from wasabi import msg

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from salve.corpus.docbin import read_docbin  # noqa: E402
from salve.evaluation.metrics import (  # noqa: E402
    EVENT_SLOTS,
    bootstrap_intervals,
    build_events,
    combine,
    doc_counts,
    doc_entities,
    doc_relations,
    get_path,
    match_events,
    run_with_gold_entities,
    slot_values,
    with_annotations,
)
from salve.pipeline.knowledge import Knowledge  # noqa: E402
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES  # noqa: E402
from salve.pipeline.sentences import sentence_bounds, sentence_index  # noqa: E402

Triple = Tuple[Doc, Doc, Doc]  # gold, prediction, prediction with gold entities


def predict(nlp, gold_docs: Sequence[Doc]) -> List[Triple]:
    preds = list(nlp.pipe(d.text for d in gold_docs))
    return list(zip(gold_docs, preds, run_with_gold_entities(nlp, gold_docs)))


def seed_predictions(cv_dir: Path, splits: Path, rules_nlp) -> Dict[str, List[Triple]]:
    """Each fold's test seed predicted by that fold's model, and by the rules."""
    out: Dict[str, List[Triple]] = {"model": [], "rules": []}
    for fold in sorted(p for p in splits.glob("fold_*") if p.is_dir()):
        model_dir = cv_dir / fold.name / "model-best"
        if not model_dir.exists():
            msg.fail(f"{model_dir} is missing: run `spacy project run cv` first", exits=1)
        nlp = spacy.load(model_dir)
        out["model"] += predict(nlp, read_docbin(nlp, fold / "test.spacy"))
        if rules_nlp is not None:
            out["rules"] += predict(rules_nlp, read_docbin(rules_nlp, fold / "test.spacy"))
    return out


def evaluate_section(triples: Dict[str, List[Triple]], kb: Knowledge, n_boot: int) -> Dict[str, Any]:
    section = {}
    for system, items in triples.items():
        if not items:
            continue
        per_doc = [doc_counts(g, p, kb, pg) for g, p, pg in items]
        metrics = combine(per_doc)
        intervals = bootstrap_intervals(per_doc, n_resamples=n_boot)
        metrics["intervals"] = {".".join(p): list(v) for p, v in intervals.items()}
        metrics["doc_ids"] = [(g._.meta or {}).get("doc_id") for g, _, _ in items]
        section[system] = metrics
    return section


def _fmt(metrics: Dict[str, Any], path: Tuple[str, ...]) -> str:
    """F1 (or accuracy) with its interval; for F1, precision and recall after it."""
    value = get_path(metrics, path)
    low, high = metrics["intervals"].get(".".join(path), (value, value))
    text = f"{value:.3f} [{low:.2f}–{high:.2f}]"
    if path[-1] == "f":
        p, r = get_path(metrics, (*path[:-1], "p")), get_path(metrics, (*path[:-1], "r"))
        text += f" (P {p:.2f}, R {r:.2f})"
    return text


def _table(section: Dict[str, Any], rows: List[Tuple[str, Tuple[str, ...]]]) -> List[str]:
    systems = list(section)
    lines = ["| | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for name, path in rows:
        lines.append(f"| {name} | " + " | ".join(_fmt(section[s], path) for s in systems) + " |")
    return lines


def markdown(report: Dict[str, Any], descriptions: Dict[str, str]) -> str:
    parts = ["# Salve evaluation: trained model vs. rule baseline", "",
             "Scores are micro-averaged over documents: F1 with its 95 % bootstrap interval over documents in "
             "brackets (1,000 resamples of the documents with replacement), then precision and recall. Event "
             "slots are accuracies over gold events.", "",
             "Caveat for the real seeds: the rule baseline was written while reading these five articles, and the "
             "annotation guidelines were written from them too, so the rules' scores on them are optimistic.", ""]
    for name, section in report.items():
        parts += [f"## {descriptions[name]}", ""]
        first = next(iter(section.values()))
        parts += [f"Documents: {first['documents']} ({', '.join(str(d) for d in first['doc_ids'][:8])}"
                  f"{', …' if len(first['doc_ids']) > 8 else ''}); gold events: {first['events']['gold']}.", ""]
        parts += ["### Headline", ""] + _table(section, [
            ("entities, exact span", ("entities", "exact", "micro", "f")),
            ("entities, overlapping span", ("entities", "overlap", "micro", "f")),
            ("relations, gold entities", ("relations_gold_entities", "micro", "f")),
            ("relations, end to end", ("relations", "exact", "micro", "f")),
            ("events found (recall)", ("events", "recall")), ("events precision", ("events", "precision")),
        ]) + [""]
        parts += ["### Entities per label (exact span)", ""] + _table(
            section, [(label, ("entities", "exact", label, "f")) for label in ENTITY_LABELS]) + [""]
        parts += ["### Entities per label (overlapping span)", ""] + _table(
            section, [(label, ("entities", "overlap", label, "f")) for label in ENTITY_LABELS]) + [""]
        parts += ["### Relations per type, gold entities", ""] + _table(
            section, [(label, ("relations_gold_entities", label, "f")) for label in RELATION_TYPES]) + [""]
        parts += ["### Relations per type, end to end", ""] + _table(
            section, [(label, ("relations", "exact", label, "f")) for label in RELATION_TYPES]) + [""]
        parts += ["### Event slots (accuracy over gold events; an unmatched gold event counts as wrong)", ""] + _table(
            section, [(slot, ("events", "slot_accuracy", slot)) for slot in EVENT_SLOTS]) + [""]
        parts += ["Counts behind the exact entity scores: " + "; ".join(
            f"{s}: tp {section[s]['entities']['exact']['micro']['tp']}, fp {section[s]['entities']['exact']['micro']['fp']}, "
            f"fn {section[s]['entities']['exact']['micro']['fn']}" for s in section), ""]
    parts += ["## Files", "", "- `metrics.json`: every number above, per system and section, with intervals.",
              "- `f1_per_label.png`, `count_errors.png`: plots of the real-seed results.",
              "- `errors.md`: every false positive and false negative on the seeds, with its sentence.",
              "- `displacy/*.html`: each seed, gold beside prediction, entities and relations.", ""]
    return "\n".join(parts)


def plot_f1(section: Dict[str, Any], path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    groups = [("Entities (exact span)", [("entities", "exact", l, "f") for l in ENTITY_LABELS], ENTITY_LABELS),
              ("Relations (gold entities)", [("relations_gold_entities", l, "f") for l in RELATION_TYPES], RELATION_TYPES)]
    systems = list(section)
    for ax, (title, paths, labels) in zip(axes, groups):
        width = 0.8 / len(systems)
        for k, system in enumerate(systems):
            values = [get_path(section[system], p) for p in paths]
            lows = [section[system]["intervals"][".".join(p)][0] for p in paths]
            highs = [section[system]["intervals"][".".join(p)][1] for p in paths]
            xs = [i + k * width for i in range(len(labels))]
            ax.bar(xs, values, width, label=system,
                   yerr=[[max(0.0, v - l) for v, l in zip(values, lows)], [max(0.0, h - v) for v, h in zip(values, highs)]],
                   capsize=3)
        ax.set_xticks([i + width * (len(systems) - 1) / 2 for i in range(len(labels))])
        ax.set_xticklabels(labels, rotation=30, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(title)
        ax.set_ylabel("F1 (95 % bootstrap interval)")
        ax.legend()
    fig.suptitle("Real seed articles, cross-validation by article")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


COUNT_OUTCOMES = ("correct", "wrong count", "wrong qualifier", "missing", "spurious")


def count_outcomes(items: List[Triple], kb: Knowledge) -> Dict[str, Dict[str, int]]:
    """For weapon count, killed and injured: how each gold event's count came out."""
    out = {slot: {o: 0 for o in COUNT_OUTCOMES} for slot in ("weapon_count", "killed", "injured")}
    for gold, pred, _ in items:
        gold_events = build_events(with_annotations(pred, gold), kb)
        pred_events = pred._.events or []
        for gi, pi in match_events(gold_events, pred_events):
            g = slot_values(gold_events[gi])
            p = slot_values(pred_events[pi]) if pi is not None else None
            for slot in out:
                gv = g[slot]
                pv = p[slot] if p else None
                has_gold = gv is not None and gv != (None, None) and gv[0] is not None
                has_pred = pv is not None and pv != (None, None) and pv[0] is not None
                if not has_gold and not has_pred:
                    continue
                if has_gold and not has_pred:
                    out[slot]["missing"] += 1
                elif has_pred and not has_gold:
                    out[slot]["spurious"] += 1
                elif gv[0] != pv[0]:
                    out[slot]["wrong count"] += 1
                elif gv[1] != pv[1]:
                    out[slot]["wrong qualifier"] += 1
                else:
                    out[slot]["correct"] += 1
    return out


def plot_counts(outcomes: Dict[str, Dict[str, Dict[str, int]]], path: Path) -> None:
    systems = list(outcomes)
    slots = list(next(iter(outcomes.values())))
    fig, axes = plt.subplots(1, len(slots), figsize=(12, 4), sharey=True)
    for ax, slot in zip(axes, slots):
        bottom = [0] * len(systems)
        for outcome in COUNT_OUTCOMES:
            values = [outcomes[s][slot][outcome] for s in systems]
            ax.bar(systems, values, bottom=bottom, label=outcome)
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_title(slot)
    axes[0].set_ylabel("gold events with a count")
    axes[-1].legend(fontsize=8)
    fig.suptitle("Counts on the real seeds: correct, wrong count, wrong qualifier, missing, spurious")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _sentence(doc: Doc, start: int) -> str:
    bounds = sentence_bounds(doc)
    s, e = bounds[sentence_index(bounds, start)] if bounds else (0, 0)
    return " ".join(doc.text[s:e].split())


def error_list(items: Dict[str, List[Triple]]) -> str:
    lines = ["# Errors on the real seeds", "",
             "Exact-span entity errors and end-to-end relation errors, each with its sentence. FP: predicted, not in "
             "gold. FN: in gold, not predicted.", ""]
    for system, triples in items.items():
        lines += [f"## {system}", ""]
        for gold, pred, _ in triples:
            lines += [f"### {(gold._.meta or {}).get('doc_id')}", ""]
            ge, pe = set(doc_entities(gold)), set(doc_entities(pred))
            text = gold.text
            for kind, spans in (("FP", sorted(pe - ge)), ("FN", sorted(ge - pe))):
                for s, e, label in spans:
                    lines.append(f"- {kind} {label} «{text[s:e]}» — {_sentence(pred, s)}")
            gr, pr = set(doc_relations(gold)), set(doc_relations(pred))
            for kind, rels in (("FP", sorted(pr - gr)), ("FN", sorted(gr - pr))):
                for h, c, label in rels:
                    lines.append(f"- {kind} {label}: «{text[h[0]:h[1]]}» → «{text[c[0]:c[1]]}» — {_sentence(pred, h[0])}")
            lines.append("")
    return "\n".join(lines)


def _relation_arcs_html(doc: Doc) -> str:
    """Relations drawn as displaCy arcs, one drawing per sentence span that holds relations."""
    parts = []
    rels = [(doc.char_span(*r["head"], alignment_mode="expand"), doc.char_span(*r["child"], alignment_mode="expand"),
             r["label"]) for r in (doc._.relations or [])]
    rels = [(h, c, l) for h, c, l in rels if h is not None and c is not None]
    for s, e in sentence_bounds(doc):
        group = [(h, c, l) for h, c, l in rels if s <= h.start_char < e]
        if not group:
            continue
        start = min(min(h.start, c.start) for h, c, _ in group)
        end = max(max(h.end, c.end) for h, c, _ in group)
        words = [{"text": t.text, "tag": doc[t.i].ent_type_ or ""} for t in doc[start:end]]
        arcs = []
        for h, c, label in group:
            a, b = h.root.i - start, c.root.i - start
            if a == b:
                continue
            arcs.append({"start": min(a, b), "end": max(a, b), "label": label, "dir": "right" if b > a else "left"})
        parts.append(displacy.render({"words": words, "arcs": arcs}, style="dep", manual=True, page=False,
                                     options={"compact": True, "distance": 90}))
    return "\n".join(parts) or "<p>(no relation)</p>"


def displacy_pages(items: Dict[str, List[Triple]], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    colors = {"ATTACK": "#f4a261", "WEAPON": "#e76f51", "BASE": "#2a9d8f", "ACTOR": "#a8dadc", "CASUALTY": "#e9c46a"}
    for system, triples in items.items():
        for gold, pred, _ in triples:
            doc_id = (gold._.meta or {}).get("doc_id", "doc")
            cells = []
            for title, doc in (("Gold", gold), (f"Prediction ({system})", pred)):
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message=r"\[W006\]")  # a prediction may have no entity
                    ents = displacy.render(doc, style="ent", page=False, options={"colors": colors})
                cells.append(f"<td style='vertical-align:top;width:50%'><h2>{html.escape(title)}</h2>{ents}"
                             f"<h3>Relations</h3>{_relation_arcs_html(doc)}</td>")
            page = (f"<html><head><meta charset='utf-8'><title>{doc_id} {system}</title></head><body>"
                    f"<h1>{html.escape(doc_id)}: gold vs {system}</h1><table><tr>{''.join(cells)}</tr></table></body></html>")
            (out_dir / f"{doc_id}.{system}.html").write_text(page, encoding="utf8")


def write_report(seeds: Dict[str, List[Triple]], dev: Dict[str, List[Triple]], kb: Knowledge, out: Path,
                 n_boot: int = 1000) -> Dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    report = {"seeds": evaluate_section(seeds, kb, n_boot)}
    if any(dev.values()):
        report["dev"] = evaluate_section(dev, kb, n_boot)
    descriptions = {"seeds": "Real seed articles (headline): each article scored by the model of the fold that "
                             "never saw it; the rule baseline on the same articles",
                    "dev": "Synthetic dev split: the final model (trained on everything else) and the rules"}
    (out / "metrics.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf8")
    (out / "evaluation.md").write_text(markdown(report, descriptions), encoding="utf8")
    plot_f1(report["seeds"], out / "f1_per_label.png")
    plot_counts({s: count_outcomes(items, kb) for s, items in seeds.items() if items}, out / "count_errors.png")
    (out / "errors.md").write_text(error_list({s: i for s, i in seeds.items() if i}), encoding="utf8")
    displacy_pages({s: i for s, i in seeds.items() if i}, out / "displacy")
    return report


def build_report(cv_dir: Path, splits: Path, rules: Optional[Path], model: Optional[Path], knowledge: Path, out: Path,
                 bootstrap: int = 1000) -> Dict[str, Any]:
    """Predict the seeds (each by its fold's model) and the dev split, then write the whole report to `out`."""
    kb = Knowledge.from_dir(knowledge)
    rules_nlp = spacy.load(rules) if rules and rules.exists() else None
    msg.info("Predicting the seeds with each fold's model and the rules")
    seeds = seed_predictions(cv_dir, splits, rules_nlp)
    dev: Dict[str, List[Triple]] = {"model": [], "rules": []}
    if model and model.exists():
        msg.info("Predicting the synthetic dev split")
        nlp = spacy.load(model)
        dev["model"] = predict(nlp, read_docbin(nlp, splits / "dev" / "dev.spacy"))
        if rules_nlp is not None:
            dev["rules"] = predict(rules_nlp, read_docbin(rules_nlp, splits / "dev" / "dev.spacy"))
    report = write_report(seeds, dev, kb, out, bootstrap)
    headline = report["seeds"]
    for system, metrics in headline.items():
        msg.text(f"{system}: entities F {metrics['entities']['exact']['micro']['f']:.3f}, relations (gold entities) "
                 f"{metrics['relations_gold_entities']['micro']['f']:.3f}, relations end to end "
                 f"{metrics['relations']['exact']['micro']['f']:.3f}")
    msg.good(f"Wrote {out / 'evaluation.md'}, metrics.json, plots, errors.md and displacy/")
    return report
