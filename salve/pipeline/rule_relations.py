"""`salve_rule_relations`: attach every argument entity to an attack mention, the rule way.

- Which attack: in the same sentence, the attack mention the argument is syntactically attached to (one of
  the argument's ancestors is in the mention, or the mention's head is an ancestor of the argument), else the
  nearest one; in a sentence without an attack, the last attack of the previous sentence (guideline D9).
- Which relation: by label (WEAPON -> USES, BASE -> TARGETS); ACTOR -> CLAIMED_BY when the sentence has a
  claim cue that is not a "nobody claimed it" phrase, else BLAMED_ON when it has a blame cue; CASUALTY ->
  KILLED or INJURED by the cue nearest to it (its own words first: "pas de blessés"), both for "victimes",
  "pertes", "dégâts humains".
"""
from typing import Dict, List, Optional, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import doc_extensions  # noqa: F401  (registers the Doc extensions)
from .doc_extensions import make_relation, set_relations
from .knowledge_component import KnowledgeComponent
from .labels import ACTOR, ATTACK, BASE, BLAMED_ON, CASUALTY, CLAIMED_BY, INJURED, KILLED, TARGETS, USES, WEAPON
from .sentences import sentence_bounds, sentence_index

SIMPLE = {WEAPON: USES, BASE: TARGETS}


def attacks_by_sentence(doc: Doc, bounds: List[Tuple[int, int]]) -> Dict[int, List[Span]]:
    """The ATTACK mentions of each sentence (by sentence index), in text order."""
    by_sent: Dict[int, List[Span]] = {}
    for attack in (e for e in doc.ents if e.label_ == ATTACK):
        by_sent.setdefault(sentence_index(bounds, attack.start_char), []).append(attack)
    return by_sent


def rule_attack(arg: Span, by_sent: Dict[int, List[Span]], index: int) -> Optional[Span]:
    """The attack mention the rules attach `arg` (in sentence `index`) to: in its sentence, the one it is
    syntactically attached to, else the nearest; in a sentence without an attack, the last attack of the previous
    sentence (D9). Without a parse (the trained pipeline) "syntactically attached" never holds: the nearest wins."""
    head = _attack_for(arg, by_sent.get(index, []))
    if head is None:
        previous = by_sent.get(index - 1, [])
        head = previous[-1] if previous else None
    return head


def _attack_for(arg: Span, candidates: List[Span]) -> Optional[Span]:
    if not candidates:
        return None
    # The tree only where a parser set one: a doc of the trained pipeline has no parse, and walking the heads of
    # some such docs (their sentence starts set, their heads not) crashed spaCy (a segfault in `Token.ancestors`
    # during training's evaluation, random seed 3, fold 0).
    if arg.doc.has_annotation("DEP"):
        ancestors = {t.i for t in arg.root.ancestors}
        for attack in candidates:
            if any(t.i in ancestors for t in attack) or arg.root.i in {t.i for t in attack.root.subtree}:
                return attack
    return min(candidates, key=lambda a: min(abs(a.start - arg.end), abs(arg.start - a.end)))


class RuleRelations(KnowledgeComponent):
    def __call__(self, doc: Doc) -> Doc:
        bounds = sentence_bounds(doc)
        by_sent = attacks_by_sentence(doc, bounds)
        relations = []
        for arg in doc.ents:
            if arg.label_ == ATTACK:
                continue
            index = sentence_index(bounds, arg.start_char)
            head = rule_attack(arg, by_sent, index)
            if head is None:
                continue
            sentence = doc.text[bounds[index][0]:bounds[index][1]]
            for label in self._labels(arg, sentence, doc, bounds[index]):
                relations.append(make_relation(head, arg, label))
        set_relations(doc, relations)
        return doc

    def _labels(self, arg: Span, sentence: str, doc: Doc, bounds: Tuple[int, int]) -> List[str]:
        if arg.label_ in SIMPLE:
            return [SIMPLE[arg.label_]]
        if arg.label_ == ACTOR:
            if self.knowledge.is_claim(sentence):
                return [CLAIMED_BY]
            return [BLAMED_ON] if self.knowledge.has_cue("blame", sentence) else []
        if arg.label_ == CASUALTY:
            own = arg.text
            if self.knowledge.has_cue("both", own):
                return [KILLED, INJURED]
            if self.knowledge.has_cue("injured", own):
                return [INJURED]
            if self.knowledge.has_cue("killed", own):
                return [KILLED]
            return [self._nearest_casualty_cue(arg, doc, bounds)]
        return []

    def _nearest_casualty_cue(self, arg: Span, doc: Doc, bounds: Tuple[int, int]) -> str:
        best, best_distance = INJURED, None
        for token in doc.char_span(bounds[0], bounds[1], alignment_mode="expand") or []:
            if arg.start <= token.i < arg.end:
                continue
            for kind, label in (("killed", KILLED), ("injured", INJURED)):
                if self.knowledge.has_cue(kind, token.text):
                    distance = min(abs(token.i - arg.start), abs(token.i - arg.end))
                    if best_distance is None or distance < best_distance:
                        best, best_distance = label, distance
        return best


@Language.factory("salve_rule_relations", assigns=["doc._.relations"], requires=["doc.ents", "token.dep"])
def make_rule_relations(nlp: Language, name: str) -> RuleRelations:
    return RuleRelations(nlp, name)
