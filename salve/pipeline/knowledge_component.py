"""Base class for pipeline components that carry the domain knowledge (gazetteer, lexicons, cues).

The knowledge is read once from a directory at `initialize` time (`[initialize.components.NAME]
knowledge_dir = ...` in the config, or `nlp.initialize()` after `add_pipe`) and saved inside the pipeline
directory, so a loaded or packaged pipeline needs no file from the repository.
"""
import hashlib
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Optional

import srsly
from spacy import util
from spacy.language import Language
from spacy.training import Example

from .knowledge import Knowledge

# A pipeline's knowledge components store the same knowledge; on loading they share one Knowledge (its phrase
# indices take about a second to compile), keyed by the digest of the stored bytes.
_SHARED: Dict[str, Knowledge] = {}


def _shared_knowledge(raw: bytes, decode: Callable[[bytes], Dict[str, Any]]) -> Knowledge:
    key = hashlib.sha1(raw).hexdigest()
    if key not in _SHARED:
        if len(_SHARED) >= 4:
            _SHARED.pop(next(iter(_SHARED)))
        _SHARED[key] = Knowledge(decode(raw))
    return _SHARED[key]


class KnowledgeComponent:
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.knowledge = Knowledge({})

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, knowledge_dir: Optional[str] = None) -> None:
        if knowledge_dir is None:
            raise ValueError(f"component '{self.name}' needs knowledge_dir (the folder with installations.json, "
                             f"weapons.json, actors.json and cues.json) in [initialize.components.{self.name}]")
        self.knowledge = Knowledge.from_dir(Path(knowledge_dir))
        self.setup()

    def setup(self) -> None:
        """Build whatever derives from the knowledge (matchers...); called after initialize and loading."""

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"knowledge": self.knowledge.to_dict()})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "KnowledgeComponent":
        self.knowledge = _shared_knowledge(data, lambda raw: srsly.msgpack_loads(raw)["knowledge"])
        self.setup()
        return self

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        """Write `knowledge.json` into `path` unless "knowledge" is in `exclude` (spaCy's `util.to_disk`)."""
        util.to_disk(path, {"knowledge": lambda p: srsly.write_json(p.with_suffix(".json"), self.knowledge.to_dict())},
                     exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "KnowledgeComponent":
        def read(p: Path) -> None:
            self.knowledge = _shared_knowledge(p.with_suffix(".json").read_bytes(), srsly.json_loads)

        util.from_disk(path, {"knowledge": read}, exclude)
        self.setup()
        return self
