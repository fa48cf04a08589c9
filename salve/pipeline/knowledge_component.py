"""Base class for pipeline components that carry the domain knowledge (gazetteer, lexicons, cues).

The knowledge is read once from a directory at `initialize` time (`[initialize.components.NAME]
knowledge_dir = ...` in the config, or `nlp.initialize()` after `add_pipe`) and saved inside the pipeline
directory, so a loaded or packaged pipeline needs no file from the repository.
"""
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import srsly
from spacy import util
from spacy.language import Language
from spacy.training import Example

from .knowledge import Knowledge


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
        self.knowledge = Knowledge(srsly.msgpack_loads(data)["knowledge"])
        self.setup()
        return self

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        """Write `knowledge.json` into `path` unless "knowledge" is in `exclude` (spaCy's `util.to_disk`)."""
        util.to_disk(path, {"knowledge": lambda p: srsly.write_json(p.with_suffix(".json"), self.knowledge.to_dict())},
                     exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "KnowledgeComponent":
        def read(p: Path) -> None:
            self.knowledge = Knowledge(srsly.read_json(p.with_suffix(".json")))

        util.from_disk(path, {"knowledge": read}, exclude)
        self.setup()
        return self
