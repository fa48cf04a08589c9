"""Deterministic splits: cross-validation folds by seed article, and a synthetic dev split for early stopping.

Fold k tests on seed k alone. It trains on the synthetic training documents, the other seeds and the
augmentations derived from the other seeds; augmentations of seed k are never used in fold k.
The final model trains on everything except the synthetic dev split. `noseeds` is the synthetic training part
alone: models trained on it have seen no seed, so they can be scored on all five seeds at once (the protocol for
comparing configurations with several random seeds, `salve compare`). `noaug` is the synthetic training part and
the five seeds without their augmentations: with `final` and `noseeds`, the ablation of what the real articles and
their mention-replaced copies add to a model (`salve compare --train-split`).
"""
import hashlib
from typing import Dict, List, Sequence

from .format import Record


def _meta(record: Record) -> Dict:
    return record.get("meta") or {}


def source_seed(record: Record, seed_ids: Sequence[str]) -> str:
    """The seed a document comes from ('' for documents written independently of the seeds)."""
    meta = _meta(record)
    if meta.get("doc_id") in seed_ids:
        return meta["doc_id"]
    return meta.get("derived_from", "") if meta.get("derived_from") in seed_ids else ""


def in_dev(record: Record, dev_fraction: float) -> bool:
    """Stable, order-independent choice of synthetic dev documents (hash of the doc id)."""
    digest = hashlib.sha1(str(_meta(record).get("doc_id")).encode("utf8")).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF < dev_fraction


def make_splits(seeds: List[Record], synthetic: List[Record], augmented: List[Record],
                dev_fraction: float = 0.15) -> Dict[str, Dict[str, List[Record]]]:
    """{"fold_0": {"train", "test"}, ..., "final": {"train"}, "noseeds", "noaug": {"train"}, "dev": {"dev"}} (rules above)."""
    seed_ids = [_meta(r)["doc_id"] for r in seeds]
    dev = [r for r in synthetic if in_dev(r, dev_fraction)]
    synth_train = [r for r in synthetic if not in_dev(r, dev_fraction)]
    splits: Dict[str, Dict[str, List[Record]]] = {}
    for k, seed_id in enumerate(seed_ids):
        splits[f"fold_{k}"] = {
            "train": synth_train + [r for r in seeds + augmented if source_seed(r, seed_ids) != seed_id],
            "test": [r for r in seeds if _meta(r)["doc_id"] == seed_id],
        }
    splits["final"] = {"train": synth_train + seeds + augmented}
    splits["noseeds"] = {"train": synth_train}
    splits["noaug"] = {"train": synth_train + seeds}
    splits["dev"] = {"dev": dev}
    return splits
