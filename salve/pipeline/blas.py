"""Matrix products of a loaded Salve pipeline on numpy's BLAS instead of thinc's bundled BLIS (issue 17).

Most of the pipeline's time is the tok2vec's matrix products (`ops.gemm`). thinc's `NumpyOps` sends them to the
`blis` package; on the machines measured (AMD EPYC, one thread) numpy's OpenBLAS runs the same products about
3x faster, and the two give the same predictions (tests/test_blas.py compares them on a fixed set). The callback
gives every thinc model node of the pipeline one `NumpyOps(use_blis=False)`, whose `gemm` is `numpy.dot`; other ops
(GPU ones, or a subclass someone chose) are left alone. It is set in `[nlp.after_pipeline_creation]`, so it
applies to this pipeline only and never changes the process's current ops: another pipeline loaded in the same
process keeps its own.

What it does not reach: the NER's step-by-step prediction runs in spaCy's C code, which calls BLIS directly
(`ops.cblas()`), whatever the ops say; and layers created after the pipeline is built, when training starts
(`nlp.initialize()` sizes the NER's output layer), stay on BLIS while that model is trained. A loaded pipeline has
every node on numpy's BLAS, since the callback runs again from the config at each load.

The number of BLAS threads is numpy's (all cores by default). Dask's worker processes (the archive runner) start
with one (`distributed.nanny.pre-spawn-environ` sets OPENBLAS_NUM_THREADS=1); other setups with a process per
core should set `OPENBLAS_NUM_THREADS=1` or use `threadpoolctl.threadpool_limits(1)`.
"""
from typing import Callable, Iterator

from spacy.language import Language
from spacy.util import registry
from thinc.api import Model, NumpyOps


def model_nodes(nlp: Language) -> Iterator[Model]:
    """Every thinc model node of the pipeline's components (a listener's upstream tok2vec included)."""
    for _name, component in nlp.components:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            yield from model.walk()


def use_numpy_blas(nlp: Language) -> Language:
    """Give each thinc model node of the pipeline that runs on thinc's BLIS a NumpyOps that runs on numpy's BLAS."""
    ops = NumpyOps(use_blis=False)
    for node in model_nodes(nlp):
        if type(node.ops) is NumpyOps and node.ops.use_blis:
            node.ops = ops
    return nlp


@registry.callbacks("salve.numpy_blas.v1")
def make_numpy_blas() -> Callable[[Language], Language]:
    return use_numpy_blas
