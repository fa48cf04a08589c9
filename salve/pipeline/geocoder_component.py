"""The `salve_geocoder` component: adds a `location` to each record of `doc._.events` (see geocoding.py).

The place table is read once at `initialize` (`[initialize.components.salve_geocoder] places_path = ...`, the file
that `salve build-places` writes) and saved inside the pipeline directory, so a loaded or packaged pipeline
geocodes offline with nothing from the repository.
"""
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Optional

import srsly
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from . import doc_extensions  # noqa: F401  (registers the Doc extensions)
from .geocoding import Places, locate_event, text_countries
from .sentences import sentence_bounds


@Language.factory("salve_geocoder", assigns=["doc._.events"], requires=["doc._.events"])
def make_geocoder(nlp: Language, name: str) -> "Geocoder":
    return Geocoder(nlp, name)


class Geocoder:
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.places = Places({})

    def __call__(self, doc: Doc) -> Doc:
        events = doc._.events or []
        if not events:
            return doc
        text = doc.text  # rebuilt from every token on each access: once, not once per event
        bounds = sentence_bounds(doc)
        countries = text_countries(text, self.places, [(e.get("target") or {}).get("country") for e in events])
        for event in events:
            event["location"] = locate_event(event, text, bounds, self.places, countries)
        return doc

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, places_path: Optional[str] = None) -> None:
        if places_path is None:
            raise ValueError(f"component '{self.name}' needs places_path (the JSON file written by `salve build-places`) "
                             f"in [initialize.components.{self.name}]")
        path = Path(places_path)
        if not path.exists():
            raise FileNotFoundError(f"place table {path} is missing: run `python -m salve build-places {path}`")
        self.places = Places(srsly.read_json(path))

    def _data(self) -> Dict[str, Any]:
        return self.places.data

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"places": self._data()})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "Geocoder":
        self.places = Places(srsly.msgpack_loads(data)["places"])
        return self

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        util.to_disk(path, {"places": lambda p: srsly.write_msgpack(p.with_suffix(".msgpack"), self._data())}, exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "Geocoder":
        def read(p: Path) -> None:
            self.places = Places(srsly.read_msgpack(p.with_suffix(".msgpack")))

        util.from_disk(path, {"places": read}, exclude)
        return self
