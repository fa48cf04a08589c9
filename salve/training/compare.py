"""Comparing configurations over several random seeds: the protocol for model decisions (issue 12).

    salve compare configs/cpu.cfg configs/cpu_pretrained.cfg --seeds 1 2 3 --output training/compare

For each configuration and random seed, one model is trained on the synthetic training documents alone
(`splits/noseeds`, no seed article and no augmentation of one), stops early on the synthetic split, and is
scored on all five real seeds (none of which it has seen) and on the development set (independent writers,
never trained on), the latter as the hidden real-news sets are scored. The rule baseline is scored on the same
documents. A decision reads mean ± sd over seeds on both, never one run. The full 5-fold CV (`salve cv`) stays
the protocol for the reported figures.
"""
import hashlib
import json
import statistics
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import spacy
from wasabi import msg

from salve.corpus.docbin import read_docbin
from salve.evaluation.evaluate import evaluate_model, load_gold
from salve.evaluation.news_metrics import headline_row, score_news
from salve.pipeline.knowledge import Knowledge
from salve.pipeline.knowledge_component import KnowledgeComponent
from salve.training.train import _train, spacy_overrides

BASE_ROWS = ("seeds_entities_f", "seeds_relations_f", "seeds_event_recall", "dev_mention_f", "dev_target_f",
             "dev_killed", "dev_injured", "dev_slot_mean")
EVENT_ROWS = ("target_f", "killed", "injured", "slot_mean")
# Sets of event facts without entity annotation, scored on targets and slots: the held-out facts and the tuning
# half of the casualty set (its check half, corpus/casualties/check.jsonl, is added only for the final figures).
EVENT_SETS = {"heldout": Path("corpus/heldout/heldout.jsonl"), "castune": Path("corpus/casualties/tune.jsonl")}
HELDOUT = EVENT_SETS["heldout"]


def rows_of(event_sets: Dict[str, Path]) -> List[str]:
    """The compared figures: seeds, development set, then each set of event facts."""
    return [*BASE_ROWS, *(f"{name}_{row}" for name in event_sets for row in EVENT_ROWS)]


def _load(path: Path, load_config: Dict[str, Any]):
    """`spacy.load` with the component options that apply to this pipeline (the rules have no salve_gazetteer)."""
    names = set(spacy.util.load_config(Path(path) / "config.cfg")["nlp"]["pipeline"])
    return spacy.load(path, config={"components": {k: v for k, v in load_config["components"].items() if k in names}})


def _option_value(value: str) -> Any:
    """A component option given on the command line: JSON ("true", "0.4", '["TARGETS", "USES"]'), else the string."""
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def with_knowledge(nlp, knowledge: Optional[Path]):
    """`nlp` with the knowledge of every knowledge-carrying component replaced by that of `knowledge` (same weights,
    other gazetteer and lexicons: the ablation of a knowledge change)."""
    if knowledge is not None:
        kb = Knowledge.from_dir(knowledge)
        for _, pipe in nlp.pipeline:
            if isinstance(pipe, KnowledgeComponent):
                pipe.knowledge = kb
                pipe.setup()
    return nlp


def score(nlp, seeds: Path, devset: Path, kb: Knowledge,
          event_sets: Optional[Dict[str, Path]] = None) -> Dict[str, Any]:
    """The comparison's figures for one pipeline: seeds (exact entities, end-to-end relations), dev (news) and the
    sets of event facts (targets and slots only; `EVENT_SETS` by default)."""
    event_sets = EVENT_SETS if event_sets is None else event_sets
    seed_metrics = evaluate_model(nlp, read_docbin(nlp, seeds), kb)
    gold = load_gold(nlp, devset)
    news = score_news(gold, list(nlp.pipe(d.text for d in gold)), kb)
    row = {"seeds_entities_f": seed_metrics["entities"]["exact"]["micro"]["f"],
           "seeds_relations_f": seed_metrics["relations"]["exact"]["micro"]["f"],
           "seeds_event_recall": seed_metrics["events"]["recall"]}
    row.update({f"dev_{k}": v for k, v in headline_row(news).items()})
    row["dev_mentions_per_label"] = {k: v["f"] for k, v in news["mentions"].items()}
    row["dev_slots"] = news["slots"]
    for name, path in event_sets.items():
        facts = load_gold(nlp, Path(path))
        held = score_news(facts, list(nlp.pipe(d.text for d in facts)), kb)
        row.update({f"{name}_{k}": v for k, v in headline_row(held).items() if k != "mention_f"})
        row[f"{name}_slots"] = held["slots"]
    return row


def provenance(train_split: str, train_path: Path) -> Dict[str, Optional[str]]:
    """What a trained model came from, written beside it so that `--reuse` can say it: the split, the checksum of
    its DocBin and the git commit of the code (None outside a git checkout)."""
    try:
        commit: Optional[str] = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                                               text=True, check=True, timeout=10,
                                               cwd=Path(__file__).resolve().parent).stdout.strip() or None
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        commit = None
    return {"train_split": train_split, "train_sha256": hashlib.sha256(train_path.read_bytes()).hexdigest(),
            "commit": commit}


def reused_info(info_path: Path, train_split: str) -> Dict[str, Any]:
    """The train_info.json of a model scored again; a model trained on another split than the one asked for is an
    error (its seed rows would be read as held out when they are not, or the reverse)."""
    info = json.loads(info_path.read_text(encoding="utf8"))
    recorded = info.get("train_split")
    if recorded is not None and recorded != train_split:
        raise ValueError(f"{info_path}: the model was trained on split '{recorded}', not '{train_split}' "
                         f"(pass --train-split {recorded}, or train again without --reuse)")
    if recorded is None:
        msg.warn(f"{info_path}: no training split recorded (a model trained before provenance was kept)")
    return info


def _summary(runs: Sequence[Dict[str, Any]], rows: Sequence[str]) -> Dict[str, Dict[str, float]]:
    out = {}
    for key in rows:
        values = [r[key] for r in runs]
        out[key] = {"mean": statistics.mean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
                    "runs": values}
    return out


def compare(configs: Sequence[Path], seeds: Sequence[int], splits: Path, gold_seeds: Path, devset: Path,
            output: Path, knowledge: Path, rules: Optional[Path] = None, override: Sequence[str] = (),
            gpu_id: int = -1, reuse: bool = False, events: Sequence[str] = (), report: str = "compare",
            inference_knowledge: Optional[Path] = None, event_sets: Optional[Dict[str, Path]] = None,
            train_split: str = "noseeds") -> Dict[str, Any]:
    """Train (or, with `reuse`, take the models already trained in `output`) and score every (config, seed).

    `events` ("background_filter=false", ...) sets options of the salve_events component at load time, for
    the ablations of the event builder; `report` names the written compare JSON/Markdown files;
    `inference_knowledge` replaces the knowledge of the loaded pipelines (rules too), for a knowledge ablation;
    `event_sets` (name -> path) are the sets of event facts scored besides seeds and dev (`EVENT_SETS`);
    `train_split` is the split trained on (`noseeds` by default; with `final` or `noaug` the models have seen the
    seeds, so their seed rows are not held out and only dev and the event sets decide)."""
    event_sets = EVENT_SETS if event_sets is None else event_sets
    train_path = splits / train_split / "train.spacy"
    if not reuse and not train_path.exists():
        raise FileNotFoundError(f"training split '{train_split}': {train_path} does not exist (run the splits command)")
    for name, path in event_sets.items():
        if not Path(path).exists():
            raise FileNotFoundError(f"event facts '{name}': {path} does not exist")
    rows = rows_of(event_sets)
    kb = Knowledge.from_dir(knowledge)
    load_config: Dict[str, Any] = {"components": {}}
    for option in events:  # "background_filter=false" (salve_events) or "salve_gazetteer.actors=true"
        key, value = option.split("=", 1)
        component, key = key.split(".", 1) if "." in key else ("salve_events", key)
        load_config["components"].setdefault(component, {})[key] = _option_value(value)
    results: Dict[str, Any] = {"protocol": __doc__.split("\n\n")[1], "events": list(events), "configs": {}, "rows": rows,
                               "train_split": train_split,
                               "event_sets": {k: str(v) for k, v in event_sets.items()},
                               "inference_knowledge": str(inference_knowledge) if inference_knowledge else None}
    if rules is not None:
        results["rules"] = score(with_knowledge(_load(rules, load_config), inference_knowledge), gold_seeds, devset, kb,
                                 event_sets)
    for config in configs:
        runs: List[Dict[str, Any]] = []
        for seed in seeds:
            out = output / config.stem / f"seed_{seed}"
            info_path = out / "train_info.json"
            if reuse and info_path.exists():
                info = reused_info(info_path, train_split)
                msg.info(f"{config.name}, random seed {seed}: scoring the model trained before "
                         f"(split {info.get('train_split', 'not recorded')}, commit {info.get('commit', 'not recorded')})")
            else:
                msg.info(f"{config.name}, random seed {seed}: training on {train_path}")
                info = _train(config, train_path, splits / "dev" / "dev.spacy", out,
                              spacy_overrides([*override, f"system.seed={seed}"]), gpu_id)
                info = {**{k: info[k] for k in ("threshold", "train_seconds")}, **provenance(train_split, train_path)}
                info_path.write_text(json.dumps(info), encoding="utf8")
            nlp = with_knowledge(_load(out / "model-best", load_config), inference_knowledge)
            row = {**score(nlp, gold_seeds, devset, kb, event_sets), "seed": seed,
                   "train_seconds": info["train_seconds"], "threshold": info["threshold"],
                   **{k: info.get(k) for k in ("train_split", "commit", "train_sha256")}}
            msg.text("  " + ", ".join(f"{k} {row[k]:.3f}" for k in rows))
            runs.append(row)
        results["configs"][config.stem] = {"config": str(config), "runs": runs, "summary": _summary(runs, rows)}
    output.mkdir(parents=True, exist_ok=True)
    (output / f"{report}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf8")
    (output / f"{report}.md").write_text(markdown(results), encoding="utf8")
    print(markdown(results))
    return results


def markdown(results: Dict[str, Any]) -> str:
    names = list(results["configs"])
    header = "| measure | " + " | ".join(names) + (" | rules |" if "rules" in results else " |")
    split = results.get("train_split", "noseeds")
    trained = ("models trained without the seed articles" if split == "noseeds" else
               f"models trained on split '{split}', which holds the seed articles: the seeds rows are not held out")
    lines = [f"Seeds per config: {len(next(iter(results['configs'].values()))['runs']) if names else 0} "
             f"(mean ± sd over random seeds; {trained})", "", header,
             "|---" * (len(names) + 1 + ("rules" in results)) + "|"]
    for key in results.get("rows", rows_of({"heldout": HELDOUT})):
        cells = [f"{results['configs'][n]['summary'][key]['mean']:.3f} ± {results['configs'][n]['summary'][key]['sd']:.3f}"
                 for n in names]
        if "rules" in results:
            cells.append(f"{results['rules'][key]:.3f}")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
