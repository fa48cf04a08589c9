"""The `salve_events` component: sets `doc._.events` from `doc.ents` and `doc._.relations` (see events.py)."""
from spacy.language import Language
from spacy.tokens import Doc

from . import doc_extensions  # noqa: F401  (registers the Doc extensions)
from .events import build_events
from .knowledge_component import KnowledgeComponent


@Language.factory("salve_events", assigns=["doc._.events"], requires=["doc.ents", "doc._.relations"])
def make_event_builder(nlp: Language, name: str) -> "EventBuilder":
    return EventBuilder(nlp, name)


class EventBuilder(KnowledgeComponent):
    def __call__(self, doc: Doc) -> Doc:
        doc._.events = build_events(doc, self.knowledge)
        return doc
