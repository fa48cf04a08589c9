"""Text normalisation for matching: `normalise` (case, accents, punctuation) and the spelling folds for proper
names, so that one alias links every transliteration of a name.

Arabic, Russian, Ukrainian and Hebrew names reach French news in several spellings: "Aïn al-Assad",
"Ain el-Asad", "Ayn al Asad"; "Chaddadi", "ash-Shaddadi"; "Kirkouk", "Kirkuk"; "Kata'ib", "Kataeb". Instead of
listing every variant in the gazetteer, the alias and the text are folded alike (`fold_name`):
- accents, case, hyphens and apostrophe styles as in `normalise`;
- French and English transliterations: "tch"/"sh" -> "ch", "gh" -> "g", "ou" -> "u", "dj" -> "j", "y" -> "i",
  "q" -> "k"; the Persian connector ("Tehreek-e-", "-i-") goes; a final "h" after a vowel goes; "H3" = "H-3";
- the Arabic article is dropped: "al ", "el ", "ul " and the assimilated forms before their consonant
  ("ash Shaddadi", "ar Raqqa", "ad Dour", "ez Zor");
- doubled letters are single ("Assad" = "Asad", "Qayyarah" = "Qayarah");
- an apostrophe inside a word after two letters goes ("Kata'ib" = "Kataib"); "d'Asad" keeps its elision.

`fold_in_place` does the same to a whole text and keeps a map back to the original offsets, so matches found in
the folded text are spans of the original one.
"""
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import Callable, List, Tuple, Union


@lru_cache(maxsize=200_000)
def normalise(text: str) -> str:
    """Lower case, no accents, straight apostrophes, hyphens and quotes as spaces, single spaces.

    Cached: the event builder and the rules normalise the same mention and sentence texts many times."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.lower().replace("\u2019", "'").replace("\u02bc", "'").replace("\u2018", "'").replace("\u02bf", "'").replace("\u02be", "'").replace("`", "'")
    text = re.sub(r"[-\u2010\u2011\u2013«»\"“”()]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _in_place(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn").lower()
    if len(base) != 1:
        base = ch
    if base in "\u2019\u02bc`\u2018\u02bf\u02be":
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


Replacement = Union[str, Callable[["re.Match[str]"], str]]

_TRANSLITERATIONS = {"tch": "ch", "sh": "ch", "gh": "g", "ou": "u", "dj": "j", "y": "i", "q": "k"}
# Passes applied in order; each is (pattern, replacement).
_PASSES: List[Tuple["re.Pattern[str]", Replacement]] = [
    (re.compile("tch|sh|gh|ou|dj|y|q"), lambda m: _TRANSLITERATIONS[m.group(0)]),
    # "al Asad", "el Assad", "ul Haq"; "ach Chaddadi", "ar Raqqa", "ad Dur", "ez Zor", "an Nasiriya"
    (re.compile(r"(?<!\w)(?:[aeu]l |a(?P<c>ch|th|dh|d|r|s|t|z|n) (?=(?P=c))|e(?P<e>d|z|r) (?=(?P=e)))(?=\w)"), ""),
    # the Persian/Urdu connector: "Tehreek-e-Taliban" = "Tehreek-i-Taliban", "Mazar-e-Charif" = "Mazar-i-Charif"
    (re.compile(r"(?<=\w) [ei](?= \w)"), ""),
    (re.compile(r"(?<=\w)([a-z])\1+"), lambda m: m.group(1)),  # not at a word's start: acronyms keep theirs ("AAH")
    # a final h after a vowel: "Nassiriyah" = "Nassiriya", "Kiswah" = "Kiswa"
    (re.compile(r"(?<=\w\w[aeiou])h(?!\w)"), ""),
    # a letter then a digit: "H3" = "H-3", "M23" = "M-23"
    (re.compile(r"(?<=[a-z])(?=\d)"), " "),
    (re.compile(r"(?<=\w\w)'(?=\w)"), ""),
]
# What the article pass drops right before a match: kept inside the span ("base d'Al-Asad", not "base d'Al-[Asad]").
_ARTICLE_BEFORE = re.compile(r"(?<!\w)(?:[aeu]l|a(?P<c>sh|ch|th|dh|d|r|s|t|z|n)|e(?P<e>[dzr]))[\s]+$")


class _Edits:
    """Where one pass replaced text: parallel lists of new and old (start, end) offsets, in order."""

    def __init__(self) -> None:
        self.new_starts: List[int] = []
        self.new_ends: List[int] = []
        self.old_starts: List[int] = []
        self.old_ends: List[int] = []

    def to_old(self, i: int, end: bool = False) -> int:
        """Old offset of new offset `i` (a start, or an exclusive end when `end`)."""
        k = bisect_right(self.new_starts, i - 1 if end else i) - 1
        if k < 0:
            return i
        if i >= self.new_ends[k]:
            return i + self.old_ends[k] - self.new_ends[k]
        return self.old_starts[k] + (i - self.new_starts[k])


def _apply(text: str, pattern: "re.Pattern[str]", repl: Replacement) -> Tuple[str, _Edits]:
    edits, pieces, last, new_len = _Edits(), [], 0, 0
    for m in pattern.finditer(text):
        out = repl(m) if callable(repl) else repl  # no templates: a literal or a function (m.expand parses each time)
        if out == m.group(0):
            continue
        pieces.append(text[last:m.start()])
        new_len += m.start() - last
        edits.new_starts.append(new_len)
        edits.old_starts.append(m.start())
        pieces.append(out)
        new_len += len(out)
        edits.new_ends.append(new_len)
        edits.old_ends.append(m.end())
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces), edits


class FoldedText:
    """A text folded for name matching, with its offsets mapped back to the original text."""

    def __init__(self, text: str):
        self.original = text
        self._flat = normalise_in_place(text)
        folded, self._passes = self._flat, []
        for pattern, repl in _PASSES:
            folded, edits = _apply(folded, pattern, repl)
            self._passes.append(edits)
        self.text = folded

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """Original (start, end) of the folded text's [start, end), widened to a dropped article before it."""
        for edits in reversed(self._passes):
            start, end = edits.to_old(start), edits.to_old(end, end=True)
        # a match ends on a word boundary of the folded text: letters the folds dropped there ("Nassiriya[h]") belong to it
        while end < len(self._flat) and self._flat[end].isalnum() and end > 0 and self._flat[end - 1].isalnum():
            end += 1
        article = _ARTICLE_BEFORE.search(self._flat, max(0, start - 6), start)
        if article and (article.start() == 0 or not self._flat[article.start() - 1].isalnum()):
            sun = article.group("c") or article.group("e")  # "ash Shaddadi", "ez Zor": only before its own consonant
            if not sun or self._flat.startswith(sun.replace("sh", "s")[:1], start):
                start = article.start()
        return start, end


@lru_cache(maxsize=8)
def fold_in_place(text: str) -> FoldedText:
    """Cached: the rules search the same doc text for installations and actors, sentence by sentence."""
    return FoldedText(text)


@lru_cache(maxsize=200_000)
def fold_name(text: str) -> str:
    """The folded form of a name or phrase, single-spaced (the key that aliases and mentions are compared on)."""
    folded = normalise(text)
    for pattern, repl in _PASSES:
        folded = pattern.sub(repl, folded)  # the same passes as FoldedText, without the offset map
    return folded
