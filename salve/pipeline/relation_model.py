"""The relation model: (ATTACK, argument) candidate pairs -> one probability per relation type.

Each candidate pair is represented by the mean tok2vec vectors of the attack mention, of the argument and of
the words between them, plus cheap features: token distance (bucketed), order, whether a sentence boundary
lies between them, and the argument's label. A Maxout layer and a sigmoid output give independent
(multilabel) probabilities for the six relation types; the component masks types the schema forbids.

`candidate_pairs` is the single definition of which pairs exist; the model and the component both call it,
so the rows of the model's output line up with the component's pairs. It is asked three times per doc at
inference (predict, the model's forward, set_annotations), so the pairs and the sentence ids of a doc are
remembered while its entities stay the same (issue 17).
"""
import weakref
from typing import List, Optional, Tuple

import numpy
from spacy.tokens import Doc, Span
from spacy.util import registry
from thinc.api import Maxout, Model, Sigmoid, chain
from thinc.types import Floats2d

from .labels import ARGUMENT_LABELS, ATTACK, RELATION_TYPES
from .sentences import sentence_bounds

DISTANCE_BUCKETS = (2, 5, 10, 20, 40)
N_EXTRA = len(DISTANCE_BUCKETS) + 1 + 2 + len(ARGUMENT_LABELS)


def _sentence_ids(doc: Doc) -> numpy.ndarray:
    """Sentence index per token, from punctuation and line breaks only, so training and inference agree."""
    bounds = sentence_bounds(doc, use_annotation=False)
    if not len(doc) or not bounds:
        return numpy.zeros(len(doc), dtype="i")
    starts = numpy.asarray([start for start, _ in bounds], dtype="int64")
    ids = numpy.searchsorted(starts, doc.to_array("IDX").astype("int64"), side="right") - 1
    return numpy.maximum(ids, 0).astype("i")


# doc -> (entities and max distance it was computed for, pair indices into doc.ents, sentence ids). Indices, not
# spans: a span holds its doc, and a value that holds its key would keep every doc alive.
_PAIRS: "weakref.WeakKeyDictionary[Doc, Tuple[tuple, List[Tuple[int, int]], numpy.ndarray]]" = weakref.WeakKeyDictionary()


def _pair_index(doc: Doc, max_distance: int, own_sentence: bool = True
                ) -> Tuple[List[Span], List[Tuple[int, int]], numpy.ndarray]:
    """doc.ents, the (attack, argument) index pairs into it and the sentence id of every token (remembered).

    With `own_sentence`, an argument pairs with the attacks of a neighbouring sentence only when its own sentence
    has no attack mention (guidelines D9): in the gold corpora 1 relation of 3,849 crosses a sentence boundary
    while the argument's sentence has an attack of its own, and the model's cross-sentence pairs of that kind
    were false positives (an actor of "les précédentes attaques" blamed for the attack of the sentence before)."""
    ents = list(doc.ents)
    key = (max_distance, own_sentence, tuple((e.start, e.end, e.label) for e in ents))
    cached = _PAIRS.get(doc)
    if cached is not None and cached[0] == key:
        return ents, cached[1], cached[2]
    attacks = [i for i, e in enumerate(ents) if e.label_ == ATTACK]
    args = [i for i, e in enumerate(ents) if e.label_ in ARGUMENT_LABELS]
    sent = _sentence_ids(doc) if attacks and args else numpy.zeros(0, dtype="i")
    attack_sents = {int(sent[ents[i].start]) for i in attacks} if len(sent) else set()
    pairs = []
    for i in attacks:
        attack = ents[i]
        for j in args:
            arg = ents[j]
            gap = arg.start - attack.end if arg.start >= attack.end else attack.start - arg.end
            a_sent, b_sent = int(sent[attack.start]), int(sent[arg.start])
            if gap > max_distance or abs(a_sent - b_sent) > 1:
                continue
            if own_sentence and a_sent != b_sent and b_sent in attack_sents:
                continue
            pairs.append((i, j))
    _PAIRS[doc] = (key, pairs, sent)
    return ents, pairs, sent


def candidate_pairs(doc: Doc, max_distance: int, own_sentence: bool = True) -> List[Tuple[Span, Span]]:
    """(attack, argument) pairs at most `max_distance` tokens apart and at most one sentence apart (the other
    sentence only for an argument whose own sentence has no attack, with `own_sentence`)."""
    ents, pairs, _ = _pair_index(doc, max_distance, own_sentence)
    return [(ents[i], ents[j]) for i, j in pairs]


def _extra_features(doc_sent: numpy.ndarray, attack: Span, arg: Span) -> numpy.ndarray:
    feats = numpy.zeros(N_EXTRA, dtype="f")
    gap = arg.start - attack.end if arg.start >= attack.end else attack.start - arg.end
    feats[sum(gap > b for b in DISTANCE_BUCKETS)] = 1.0
    offset = len(DISTANCE_BUCKETS) + 1
    feats[offset] = float(arg.start < attack.start)
    feats[offset + 1] = float(doc_sent[attack.start] != doc_sent[arg.start])
    feats[offset + 2 + ARGUMENT_LABELS.index(arg.label_)] = 1.0
    return feats


def pair_features(tok2vec: Model, max_distance: int, own_sentence: bool = True) -> Model[List[Doc], Floats2d]:
    """Docs -> one feature row per candidate pair, with the gradient sent back into tok2vec."""
    return Model("salve_pair_features", _pair_forward, layers=[tok2vec], init=_pair_init, dims={"nO": None},
                 attrs={"max_distance": max_distance, "own_sentence": own_sentence})


def _pair_init(model: Model, X: Optional[List[Doc]] = None, Y=None) -> None:
    tok2vec = model.layers[0]
    tok2vec.initialize(X=X)
    model.set_dim("nO", 3 * tok2vec.get_dim("nO") + N_EXTRA)


def _pair_forward(model: Model, docs: List[Doc], is_train: bool):
    tok2vec = model.layers[0]
    tokvecs, backprop_tok2vec = tok2vec(docs, is_train)
    width = tok2vec.get_dim("nO")
    rows, slices = [], []  # slices: (doc index, (start, end) of head, child, between)
    for d, doc in enumerate(docs):
        vecs = model.ops.to_numpy(tokvecs[d])
        ents, pairs, sent = _pair_index(doc, model.attrs["max_distance"], model.attrs.get("own_sentence", True))
        for attack, arg in ((ents[i], ents[j]) for i, j in pairs):
            left, right = (attack.end, arg.start) if attack.end <= arg.start else (arg.end, attack.start)
            between = (left, right) if right > left else (left, left)
            parts = [(attack.start, attack.end), (arg.start, arg.end), between]
            pooled = [vecs[s:e].mean(axis=0) if e > s else numpy.zeros(width, dtype="f") for s, e in parts]
            rows.append(numpy.concatenate(pooled + [_extra_features(sent, attack, arg)]))
            slices.append((d, parts))
    output = model.ops.asarray2f(numpy.vstack(rows) if rows else numpy.zeros((0, 3 * width + N_EXTRA), dtype="f"))

    def backprop(d_output: Floats2d) -> List[Doc]:
        d_out = model.ops.to_numpy(d_output)
        d_tokvecs = [numpy.zeros(model.ops.to_numpy(t).shape, dtype="f") for t in tokvecs]
        for row, (d, parts) in enumerate(slices):
            for k, (s, e) in enumerate(parts):
                if e > s:
                    d_tokvecs[d][s:e] += d_out[row, k * width:(k + 1) * width] / (e - s)
        return backprop_tok2vec([model.ops.asarray2f(t) for t in d_tokvecs])

    return output, backprop


@registry.architectures("salve.RelationModel.v1")
def build_relation_model(tok2vec: Model[List[Doc], List[Floats2d]], hidden_width: int = 64,
                         max_distance: int = 60, dropout: float = 0.1,
                         own_sentence: bool = True) -> Model[List[Doc], Floats2d]:
    model = chain(pair_features(tok2vec, max_distance, own_sentence),
                  Maxout(nO=hidden_width, dropout=dropout, normalize=True),
                  Sigmoid(nO=len(RELATION_TYPES)))
    model.attrs["max_distance"] = max_distance
    model.attrs["own_sentence"] = own_sentence
    return model

