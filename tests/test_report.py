"""The evaluation report on known predictions: perfect gives 1.0 everywhere, empty gives 0.0."""
import json

from conftest import GOLD, prediction_like

from salve.corpus.docbin import record_to_doc
from salve.corpus.format import read_records
from salve.evaluation.report import write_report


def _triples(rules_nlp, perfect: bool):
    gold = [record_to_doc(rules_nlp, r) for _, r in read_records(GOLD)][:3]
    return [(g, p, p) for g, p in ((g, prediction_like(rules_nlp, g, perfect)) for g in gold)]


def test_report_numbers_are_the_computed_ones(rules_nlp, knowledge, tmp_path):
    seeds = {"model": _triples(rules_nlp, perfect=True), "rules": _triples(rules_nlp, perfect=False)}
    write_report(seeds, {"model": [], "rules": []}, knowledge, tmp_path, n_boot=50)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    perfect, empty = metrics["seeds"]["model"], metrics["seeds"]["rules"]
    assert perfect["entities"]["exact"]["micro"]["f"] == 1.0 and empty["entities"]["exact"]["micro"]["f"] == 0.0
    assert perfect["relations_gold_entities"]["micro"]["f"] == 1.0
    assert empty["relations"]["exact"]["micro"]["f"] == 0.0
    assert set(perfect["events"]["slot_accuracy"].values()) == {1.0}
    assert perfect["intervals"]["entities.exact.micro.f"] == [1.0, 1.0]
    assert empty["intervals"]["entities.exact.micro.f"] == [0.0, 0.0]
    report = (tmp_path / "evaluation.md").read_text()
    assert "| entities, exact span | 1.000 [1.00–1.00] (P 1.00, R 1.00) | 0.000 [0.00–0.00] (P 0.00, R 0.00) |" in report
    for name in ("f1_per_label.png", "count_errors.png", "errors.md"):
        assert (tmp_path / name).stat().st_size > 0
    errors = (tmp_path / "errors.md").read_text()
    assert "FN ATTACK «eurent frappé»" in errors  # the empty system misses it, with its sentence
    pages = sorted(p.name for p in (tmp_path / "displacy").glob("*.html"))
    assert "000_fd9675003779e116.model.html" in pages and len(pages) == 6
    assert "USES" in (tmp_path / "displacy" / "000_fd9675003779e116.model.html").read_text()


def test_bootstrap_intervals_contain_the_point_estimate(rules_nlp, knowledge, tmp_path):
    from salve.evaluation.metrics import bootstrap_intervals, combine, doc_counts
    gold = [record_to_doc(rules_nlp, r) for _, r in read_records(GOLD)]
    per_doc = [doc_counts(g, rules_nlp(g.text), knowledge) for g in gold]
    point = combine(per_doc)["entities"]["exact"]["micro"]["f"]
    low, high = bootstrap_intervals(per_doc, n_resamples=200)[("entities", "exact", "micro", "f")]
    assert low <= point <= high and low < high
    assert bootstrap_intervals(per_doc, n_resamples=200) == bootstrap_intervals(per_doc, n_resamples=200)  # seeded
