"""The `salve_entity_checks` component: label checks between the entity recogniser and the relation model.

A statistical recogniser sometimes labels a counted munition CASUALTY ("Au moins cinq projectiles", "Au moins trois
drones armés"): both are a quantity and a plural noun at the start of a sentence. A CASUALTY span whose words name
a weapon of the gazetteer and no person is a WEAPON (guidelines D23), so the relation model sees it as the
munition it is and the event builder counts it. Nothing else is changed.
"""
import re
from typing import List

from spacy.language import Language
from spacy.tokens import Doc, Span

from .knowledge import normalise
from .knowledge_component import KnowledgeComponent
from .labels import CASUALTY, WEAPON

_PERSON = re.compile(r"\b(soldat|militaire|personne|civil|enfant|homme|femme|garde|policier|agent|employe|membre|"
                     r"combattant|volontaire|casque|marine|officier|contractuel|sous traitant|blesse|mort|tue|victime)")


@Language.factory("salve_entity_checks", assigns=["doc.ents"], requires=["doc.ents"])
def make_entity_checks(nlp: Language, name: str) -> "EntityChecks":
    return EntityChecks(nlp, name)


class EntityChecks(KnowledgeComponent):
    def __call__(self, doc: Doc) -> Doc:
        ents: List[Span] = []
        changed = False
        for ent in doc.ents:
            if ent.label_ == CASUALTY and self.is_weapon(ent):
                ent = Span(doc, ent.start, ent.end, label=WEAPON)
                changed = True
            ents.append(ent)
        if changed:
            doc.ents = ents
        return doc

    def is_weapon(self, span: Span) -> bool:
        return self.knowledge.weapon_type(span.text) is not None and not _PERSON.search(normalise(span.text))
