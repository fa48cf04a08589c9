"""`salve_relations`: the trainable relation component (ATTACK -> argument, six multilabel relation types).

- Candidates: `relation_model.candidate_pairs` over `doc.ents` (max distance, at most one sentence apart, the
  other sentence only when the argument's own has no attack).
- Training uses the gold entities: `update` puts the reference entities on the predicted docs before the
  forward pass, so the relation model learns relations, not NER errors.
- Output: relations whose probability reaches `threshold` and whose (type, head, child) the schema allows,
  written to `doc._.relations` in the same structure as the gold corpus.
- Back-off to the rules (`backoff`: TARGETS, USES, KILLED, INJURED): a BASE, WEAPON or CASUALTY that the model
  relates to no attack at all takes the attack the rules would attach it to (`rule_relations.rule_attack`: the
  nearest attack of its sentence, else the last one of the sentence before). The model misses such pairs (a lower
  threshold for them did not recover them: none reaches 0.1) and the rules' attachment is right for most;
  measured in the README (issue 12). The label decides the type of a BASE or WEAPON; a CASUALTY's type is the
  kind its cue words say, as the event builder reads them (`casualties.span_kind`: "`Aucun soldat` n'a été tué"
  is KILLED, "victimes" both), and a CASUALTY whose cues say nothing takes no relation. Off by default; the CPU
  and transformer configs set it.
- Scoring: the registered scorer `salve.relation_scorer.v1` (every predicted pair absent from gold is a false
  positive; counts in `scoring.py`).
- Dropout: `update` sets `training.dropout` on every dropout layer of the model with thinc's `set_dropout_rate`.
"""
from itertools import islice
from typing import Callable, Dict, Iterable, List, Optional, Sequence

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab
from thinc.api import Config, Model, Optimizer, set_dropout_rate
from thinc.types import Floats2d

from . import doc_extensions  # noqa: F401  (registers the Doc extensions)
from .casualties import BOTH, cue_kind, span_kind
from .casualties import INJURED as INJURED_KIND
from .casualties import KILLED as KILLED_KIND
from .doc_extensions import get_relations, make_relation, set_relations
from .knowledge import normalise
from .labels import CASUALTY, INJURED, KILLED, RELATION_TYPES, is_allowed
from .relation_model import candidate_pairs
from .rule_relations import SIMPLE, attacks_by_sentence, rule_attack
from .scoring import add_counts, count_relations, summarise
from .sentences import sentence_bounds, sentence_index

# The relation types the rules can back off for, with the argument label they take: for TARGETS and USES the
# label decides the type, for KILLED and INJURED the casualty's cue words do.
BACKOFF_ARGUMENTS = {**{relation: label for label, relation in SIMPLE.items()}, KILLED: CASUALTY, INJURED: CASUALTY}
_KIND_RELATIONS = {KILLED_KIND: (KILLED,), INJURED_KIND: (INJURED,), BOTH: (KILLED, INJURED)}

DEFAULT_MODEL = Config().from_str("""
[model]
@architectures = "salve.RelationModel.v1"
hidden_width = 64
max_distance = 60
dropout = 0.1

[model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 96
depth = 2
embed_size = 2000
window_size = 1
maxout_pieces = 3
subword_features = true
""")["model"]


@Language.factory("salve_relations", assigns=["doc._.relations"], requires=["doc.ents"],
                  default_config={"model": DEFAULT_MODEL, "threshold": 0.5, "backoff": [],
                                  "scorer": {"@scorers": "salve.relation_scorer.v1"}},
                  default_score_weights={"rel_micro_f": 1.0, "rel_micro_p": None, "rel_micro_r": None})
def make_relation_extractor(nlp: Language, name: str, model: Model, threshold: float, backoff: List[str],
                            scorer: Optional[Callable] = None) -> "RelationExtractor":
    return RelationExtractor(nlp.vocab, model, name, threshold=threshold, backoff=backoff, scorer=scorer)


def score_relations(examples: Iterable[Example], **kwargs) -> Dict[str, object]:
    """Micro P/R/F over relations (exact endpoints) and P/R/F per relation type: `rel_micro_*`, `rel_per_type`."""
    counts: Dict = {}
    for eg in examples:
        add_counts(counts, count_relations(
            [(tuple(r["head"]), tuple(r["child"]), r["label"]) for r in get_relations(eg.reference)],
            [(tuple(r["head"]), tuple(r["child"]), r["label"]) for r in get_relations(eg.predicted)]))
    scores = summarise(counts, list(RELATION_TYPES))
    result: Dict[str, object] = {"rel_micro_p": scores["micro"]["p"], "rel_micro_r": scores["micro"]["r"],
                                 "rel_micro_f": scores["micro"]["f"]}
    result["rel_per_type"] = {label: {k: scores[label][k] for k in ("p", "r", "f")} for label in RELATION_TYPES}
    return result


@registry.scorers("salve.relation_scorer.v1")
def make_relation_scorer() -> Callable[..., Dict[str, object]]:
    return score_relations


class RelationExtractor(TrainablePipe):
    def __init__(self, vocab: Vocab, model: Model, name: str = "salve_relations", *, threshold: float = 0.5,
                 backoff: Sequence[str] = (), scorer: Optional[Callable] = score_relations):
        unknown = [t for t in backoff if t not in BACKOFF_ARGUMENTS]
        if unknown:
            raise ValueError(f"{name}: backoff {unknown} not possible; the rules back off for "
                             f"{sorted(BACKOFF_ARGUMENTS)} only")
        # A factory setting, not in `cfg`: a pipeline saved before it existed loads with the config's value.
        self.backoff: Dict[str, List[str]] = {}
        for relation in backoff:
            self.backoff.setdefault(BACKOFF_ARGUMENTS[relation], []).append(relation)
        self.vocab = vocab
        self.model = model
        self.name = name
        self.scorer = scorer
        self.cfg = {"labels": list(RELATION_TYPES), "threshold": threshold}

    @property
    def labels(self) -> List[str]:
        return list(self.cfg["labels"])

    @property
    def threshold(self) -> float:
        return float(self.cfg["threshold"])

    @threshold.setter
    def threshold(self, value: float) -> None:
        self.cfg["threshold"] = float(value)

    def _pairs(self, doc: Doc):
        return candidate_pairs(doc, self.model.attrs["max_distance"], self.model.attrs.get("own_sentence", True))

    def predict(self, docs: Iterable[Doc]) -> Floats2d:
        docs = list(docs)
        if not any(self._pairs(doc) for doc in docs):
            return self.model.ops.alloc2f(0, len(self.labels))
        return self.model.predict(docs)

    def set_annotations(self, docs: Iterable[Doc], scores: Floats2d) -> None:
        scores = self.model.ops.to_numpy(scores)
        row = 0
        for doc in docs:
            relations = []
            for head, child in self._pairs(doc):
                for j, label in enumerate(self.labels):
                    if scores[row, j] >= self.threshold and is_allowed(label, head.label_, child.label_):
                        relations.append(make_relation(head, child, label))
                row += 1
            if self.backoff:
                relations += self._backoff(doc, relations)
            set_relations(doc, relations)

    def _backoff(self, doc: Doc, relations: List[Dict]) -> List[Dict]:
        """The rules' relation for each BASE / WEAPON / CASUALTY (per `backoff`) that no predicted relation
        reaches."""
        reached = {tuple(r["child"]) for r in relations}
        orphans = [e for e in doc.ents if e.label_ in self.backoff and (e.start_char, e.end_char) not in reached]
        if not orphans:
            return []
        bounds = sentence_bounds(doc)
        by_sent = attacks_by_sentence(doc, bounds)
        out = []
        for arg in orphans:
            index = sentence_index(bounds, arg.start_char)
            head = rule_attack(arg, by_sent, index)
            if head is None:
                continue
            types = self.backoff[arg.label_]
            if arg.label_ == CASUALTY:
                # the cues around the mention first, then its own words ("sans faire de victimes": both)
                kind = span_kind(arg, bounds[index], cue_kind(normalise(arg.text)) or "", doc.text)
                types = [t for t in _KIND_RELATIONS.get(kind, ()) if t in types]
            out += [make_relation(head, arg, t) for t in types]
        return out

    def _truth(self, examples: Iterable[Example]) -> numpy.ndarray:
        """Gold matrix (pairs x labels) for the candidate pairs of the predicted docs."""
        rows = []
        for eg in examples:
            gold = {(tuple(r["head"]), tuple(r["child"]), r["label"]) for r in get_relations(eg.reference)}
            for head, child in self._pairs(eg.predicted):
                key = ((head.start_char, head.end_char), (child.start_char, child.end_char))
                rows.append([float((key[0], key[1], label) in gold) for label in self.labels])
        return numpy.asarray(rows, dtype="f").reshape(-1, len(self.labels))

    def _mask(self, examples: Iterable[Example]) -> numpy.ndarray:
        """1 where the schema allows the label for the pair's labels, 0 elsewhere (not trained, not predicted)."""
        rows = []
        for eg in examples:
            for head, child in self._pairs(eg.predicted):
                rows.append([float(is_allowed(label, head.label_, child.label_)) for label in self.labels])
        return numpy.asarray(rows, dtype="f").reshape(-1, len(self.labels))

    def get_loss(self, examples: Iterable[Example], scores: Floats2d):
        examples = list(examples)
        truth, mask = self._truth(examples), self._mask(examples)
        d_scores = (self.model.ops.to_numpy(scores) - truth) * mask
        n = max(1, len(truth))
        return float((d_scores ** 2).sum() / n), self.model.ops.asarray2f(d_scores / n)

    @staticmethod
    def _with_gold_entities(examples: Iterable[Example]) -> List[Example]:
        out = []
        for eg in examples:
            eg.predicted.ents = [eg.predicted.char_span(e.start_char, e.end_char, label=e.label_, alignment_mode="expand")
                                 for e in eg.reference.ents]
            out.append(eg)
        return out

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optional[Optimizer] = None,
               losses: Optional[Dict[str, float]] = None) -> Dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = self._with_gold_entities(examples)
        if not any(self._pairs(eg.predicted) for eg in examples):
            return losses
        set_dropout_rate(self.model, drop)
        scores, backprop = self.model.begin_update([eg.predicted for eg in examples])
        loss, d_scores = self.get_loss(examples, scores)
        backprop(d_scores)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None,
                   threshold: Optional[float] = None) -> None:
        if threshold is not None:
            self.threshold = threshold
        examples = self._with_gold_entities(islice(get_examples(), 20))
        docs = [eg.predicted for eg in examples]
        truth = self._truth(examples)
        if not len(truth):
            raise ValueError("salve_relations: the first training examples give no (ATTACK, argument) pair; "
                             "is the training data annotated with entities and relations?")
        self.model.initialize(X=docs, Y=self.model.ops.asarray2f(truth))
