"""Domain knowledge loaded from the data files in corpus/knowledge/: installations, weapons, actors, cue words.

The files are data, not code; this module only normalises names and answers look-ups:
- `Knowledge.link_installation("la base aérienne d'Ain Al-Assad")` -> the gazetteer entry of Aïn al-Asad;
- `Knowledge.weapon_type("des roquettes de type Grad")` -> "rocket";
- `Knowledge.link_actor("milices soutenues par l'Iran")` -> the actor entry;
- `Knowledge.has_cue("killed", sentence)`.
A `Knowledge` round-trips through a plain dict, so pipeline components can store it with the model
(the packaged pipeline then needs no data files of the repo).
"""
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

FILES = {"installations": "installations.json", "weapons": "weapons.json", "actors": "actors.json", "cues": "cues.json"}
CUE_KINDS = ("claim", "blame", "killed", "injured", "both", "unclaimed")


@lru_cache(maxsize=200_000)
def normalise(text: str) -> str:
    """Lower case, no accents, straight apostrophes, hyphens and quotes as spaces, single spaces.

    Cached: the event builder and the rules normalise the same mention and sentence texts many times."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.lower().replace("\u2019", "'").replace("\u02bc", "'").replace("`", "'")
    text = re.sub(r"[-\u2010\u2011\u2013«»\"“”()]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _in_place(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn").lower()
    if len(base) != 1:
        base = ch
    if base in "\u2019\u02bc`":
        base = "'"
    elif base in "-\u2010\u2011\u2013«»\"“”()":
        base = " "
    return base


class _InPlaceTable(dict):
    """`str.translate` table that computes each character's in-place form once, when first seen."""

    def __missing__(self, code: int) -> str:
        self[code] = _in_place(chr(code))
        return self[code]


_IN_PLACE = _InPlaceTable()


def normalise_in_place(text: str) -> str:
    """Like `normalise` but keeps every character in place (no collapsing), so offsets stay valid."""
    return text.translate(_IN_PLACE)


class _PhraseIndex:
    """Longest-match look-up of normalised phrases inside a text, on word boundaries."""

    def __init__(self, phrases: Iterable[Tuple[str, Any]]):
        self.entries: Dict[str, Any] = {}
        for phrase, value in phrases:
            key = normalise(phrase)
            if key and key not in self.entries:
                self.entries[key] = value
        ordered = sorted(self.entries, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(k) for k in ordered) + r")(?![\w])") if ordered else None
        # The same phrases with any run of whitespace between words, for search in un-collapsed text.
        self.spaced = re.compile(r"(?<![\w])(" + "|".join(r"\s+".join(re.escape(w) for w in k.split(" ")) for k in ordered)
                                 + r")(?![\w])") if ordered else None

    def find(self, text: str) -> Optional[Any]:
        """Value of the longest phrase occurring in `text` (leftmost among equally long), or None."""
        if self.pattern is None:
            return None
        matches = [m.group(1) for m in self.pattern.finditer(normalise(text))]
        if not matches:
            return None
        return self.entries[max(matches, key=len)]

    def spans(self, text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, Any]]:
        """Non-overlapping matches in text[start:end] as (start, end, value), offsets into `text`."""
        if self.spaced is None:
            return []
        flat = normalise_in_place(text)
        end = len(text) if end is None else end
        return [(m.start(1), m.end(1), self.entries[" ".join(m.group(1).split())])
                for m in self.spaced.finditer(flat, start, end)]


class Knowledge:
    def __init__(self, data: Dict[str, Any]):
        self.data = data
        self.installations: List[Dict[str, Any]] = data.get("installations", [])
        self.actors: List[Dict[str, Any]] = data.get("actors", [])
        weapons = data.get("weapons", {"types": [], "terms": []})
        self.weapon_types: List[str] = weapons.get("types", [])
        self.weapon_terms: List[Dict[str, str]] = weapons.get("terms", [])
        self.cues: Dict[str, List[str]] = {k: v for k, v in data.get("cues", {}).items() if not k.startswith("_")}
        self._installations = _PhraseIndex((alias, e) for e in self.installations for alias in [*e.get("aliases", []), e["name"]])
        self._actors = _PhraseIndex((alias, e) for e in self.actors for alias in [*e.get("aliases", []), e["name"]])
        self._weapons = _PhraseIndex((t["term"], t["type"]) for t in self.weapon_terms)
        self._cue_patterns = {
            kind: re.compile(r"(?<![\w])(" + "|".join(
                re.escape(normalise(c.rstrip("$"))) + (r"(?![\w])" if c.endswith("$") else "") for c in cues) + ")")
            for kind, cues in self.cues.items() if cues
        }

    @classmethod
    def from_dir(cls, path: Path) -> "Knowledge":
        path = Path(path)
        data = {}
        for key, name in FILES.items():
            file = path / name
            if not file.exists():
                raise FileNotFoundError(f"knowledge file {file} is missing (expected {', '.join(FILES.values())})")
            try:
                data[key] = json.loads(file.read_text(encoding="utf8"))
            except json.JSONDecodeError as err:
                raise ValueError(f"{file}:{err.lineno}: not valid JSON: {err.msg}") from err
        return cls(data)

    def to_dict(self) -> Dict[str, Any]:
        return self.data

    def link_installation(self, text: str) -> Optional[Dict[str, Any]]:
        return self._installations.find(text)

    def link_actor(self, text: str) -> Optional[Dict[str, Any]]:
        return self._actors.find(text)

    def weapon_type(self, text: str) -> Optional[str]:
        return self._weapons.find(text)

    def weapon_spans(self, text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, str]]:
        return self._weapons.spans(text, start, end)

    def installation_spans(self, text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, Dict[str, Any]]]:
        return self._installations.spans(text, start, end)

    def actor_spans(self, text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, Dict[str, Any]]]:
        return self._actors.spans(text, start, end)

    def has_cue(self, kind: str, text: str) -> bool:
        pattern = self._cue_patterns.get(kind)
        return bool(pattern and pattern.search(normalise(text)))

    def is_claim(self, text: str) -> bool:
        """A claim cue that is not part of a 'nobody claimed it' phrase."""
        return self.has_cue("claim", text) and not self.has_cue("unclaimed", text)
