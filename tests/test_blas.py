"""salve.numpy_blas.v1 (issue 17): the trained pipeline's matrix products run on numpy's BLAS, with the same
predictions as on thinc's BLIS, and without changing the ops of anything else in the process."""
import json

import spacy
from conftest import CHECK_TEXTS, SEEDS, predictions
from thinc.api import NumpyOps, get_current_ops

from salve.corpus.seeds import read_seed
from salve.pipeline.blas import model_nodes


def _fixed_texts():
    return CHECK_TEXTS + [read_seed(p)[0] for p in sorted(SEEDS.glob("*.txt"))]


def _model_ops(nlp):
    return [node.ops for node in model_nodes(nlp)]


def test_trained_pipeline_runs_on_numpy_blas(trained_model):
    nlp = spacy.load(trained_model)
    assert nlp.config["nlp"]["after_pipeline_creation"] == {"@callbacks": "salve.numpy_blas.v1"}
    ops = _model_ops(nlp)
    assert ops and all(isinstance(o, NumpyOps) and not o.use_blis for o in ops)
    # The process's ops, and so any other pipeline loaded next, keep thinc's default.
    assert get_current_ops().use_blis


def test_numpy_blas_gives_the_predictions_of_blis(trained_model):
    texts = _fixed_texts()
    fast = spacy.load(trained_model)
    blis = spacy.load(trained_model, config={"nlp": {"after_pipeline_creation": None}})
    assert all(o.use_blis for o in _model_ops(blis))
    expected = json.loads(json.dumps(predictions(blis, texts)))
    assert json.loads(json.dumps(predictions(fast, texts))) == expected
    assert any(p["ents"] for p in expected)
