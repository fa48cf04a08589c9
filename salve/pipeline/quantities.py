"""Quantity normalisation: a WEAPON or CASUALTY span -> count and qualifier.

    >>> parse_quantity("au moins 14 roquettes")
    Quantity(count=14, qualifier='at_least')

Qualifiers: ``exact``, ``at_least``, ``at_most``, ``approx``, ``unknown`` (count None).

- Number words are converted by text2num (``alpha2digit``); this module adds what text2num does not do:
  qualifier phrases, approximate nouns ("une dizaine" -> 10 approx), negations ("aucun blessé" -> 0),
  vague determiners ("plusieurs" -> unknown) and digit groups with spaces ("1 500").
- The count is read only in the quantity position, before the head noun: in "des roquettes de 107 mm" the
  107 is a calibre, so the count is unknown.
- Ranges keep their lower bound: "entre cinq et sept roquettes" and "cinq à sept roquettes" -> 5 at_least.
  The event record has a single count, and the lower bound is the figure the source is sure of.
"""
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Tuple

from text_to_num import alpha2digit

EXACT, AT_LEAST, AT_MOST, APPROX, UNKNOWN = "exact", "at_least", "at_most", "approx", "unknown"
QUALIFIERS = (EXACT, AT_LEAST, AT_MOST, APPROX, UNKNOWN)


@dataclass(frozen=True)
class Quantity:
    count: Optional[int]
    qualifier: str

    def to_dict(self) -> Dict[str, object]:
        return asdict(self)


# "une dizaine" and friends: a round figure given as an approximation.
_APPROX_NOUNS = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
    "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000,
}
# Qualifier phrases, longest first so that "plus d'une" wins over "plus de".
_QUALIFIER_PHRASES: List[Tuple[str, str]] = sorted([
    ("au moins", AT_LEAST), ("pas moins de", AT_LEAST), ("pas moins d'", AT_LEAST), ("plus de", AT_LEAST),
    ("plus d'", AT_LEAST), ("au minimum", AT_LEAST), ("un minimum de", AT_LEAST), ("au-dela de", AT_LEAST),
    ("jusqu'a", AT_MOST), ("au plus", AT_MOST), ("au maximum", AT_MOST), ("moins de", AT_MOST),
    ("moins d'", AT_MOST), ("pas plus de", AT_MOST), ("tout au plus", AT_MOST),
    ("environ", APPROX), ("pres de", APPROX), ("pres d'", APPROX), ("quelque", APPROX),
    ("approximativement", APPROX), ("autour de", APPROX), ("presque", APPROX), ("a peu pres", APPROX),
    ("grosso modo", APPROX), ("une estimation de", APPROX),
], key=lambda item: -len(item[0]))
# Phrases that make the whole span a zero count.
_ZERO = re.compile(r"^(aucun|aucune|aucuns|aucunes|pas de|pas d'|pas un seul|pas une seule|sans|zero|nul|nulle|"
                   r"ni |personne$|personne n')")
# Determiners and quantifiers that say "some, number not given".
_VAGUE = {"plusieurs", "quelques", "des", "de", "d'", "les", "ces", "certains", "certaines", "nombreux",
          "nombreuses", "multiples", "divers", "diverses", "leurs", "ses", "nos", "vos"}
_VAGUE_PHRASES = ("de nombreux", "de nombreuses", "une serie de", "une salve de", "une pluie de",
                  "une volee de", "un barrage de", "un grand nombre de", "un certain nombre de", "une poignee de")
_VAGUE_PLURAL_NOUNS = ("dizaines", "centaines", "milliers", "douzaines", "vingtaines")
_SINGULAR_DETERMINERS = {"un", "une", "le", "la", "l'", "cet", "cette", "ce", "seul", "seule", "chaque"}
_DIGIT_GROUPS = re.compile(r"\b(\d{1,3})((?:[ \u00a0\u202f.]\d{3})+)\b")
# A count has at most 12 digits: a longer digit string is an identifier or junk, not a number of weapons or victims
# (and int() refuses more than 4,300 digits).
MAX_COUNT_DIGITS = 12
_NUMBER = re.compile(rf"^\d{{1,{MAX_COUNT_DIGITS}}}$")
_ORDINAL = re.compile(r"^(\d+(e|er|ere|eme|nd|nde)|\w+ieme|premier|premiere|dernier|derniere)$")


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("`", "'")
    text = re.sub(r"[«»\"“”]", " ", text)
    text = _DIGIT_GROUPS.sub(lambda m: m.group(1) + re.sub(r"\D", "", m.group(2)), text)
    text = text.lower()
    return re.sub(r"\s+", " ", text).strip()


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def _split_tokens(text: str) -> List[str]:
    # Keep elided determiners as their own token: "d'une" -> "d'", "une".
    return [tok for tok in re.split(r"\s+|(?<=')", text) if tok]


def _take_qualifier(text: str) -> Tuple[str, str]:
    """Strip leading qualifier phrases; return (qualifier or '', rest)."""
    qualifier = ""
    changed = True
    while changed:
        changed = False
        for phrase, qual in _QUALIFIER_PHRASES:
            if text == phrase or text.startswith(phrase + " ") or (phrase.endswith("'") and text.startswith(phrase)):
                qualifier = qualifier or qual
                text = text[len(phrase):].strip()
                changed = True
                break
    return qualifier, text


def parse_quantity(span_text: str) -> Quantity:
    """Count and qualifier of a weapon or casualty mention; never raises on odd input."""
    text = _normalise(span_text)
    plain = _strip_accents(text)
    if not plain:
        return Quantity(None, UNKNOWN)
    if _ZERO.match(plain):
        return Quantity(0, EXACT)
    qualifier, rest = _take_qualifier(plain)
    rest_tokens = _split_tokens(rest)
    # "une dizaine de roquettes", "plus d'une douzaine"
    if len(rest_tokens) >= 2 and rest_tokens[0] in ("une", "un") and rest_tokens[1] in _APPROX_NOUNS:
        return Quantity(_APPROX_NOUNS[rest_tokens[1]], qualifier or APPROX)
    if any(rest.startswith(p) for p in _VAGUE_PHRASES):
        return Quantity(None, UNKNOWN)
    # "entre cinq et sept": keep the lower bound
    range_match = re.match(r"^(?:entre|de) (\S+) (?:et|a) (\S+)\b", rest)
    if range_match:
        low = number_word(range_match.group(1))
        if low is not None and number_word(range_match.group(2)) is not None:
            return Quantity(low, AT_LEAST)
    tokens = _split_tokens(alpha2digit(rest, "fr", threshold=0)) if rest else []
    for i, token in enumerate(tokens):
        if _NUMBER.match(token):
            # "5 à 7 roquettes"
            if i + 2 < len(tokens) and tokens[i + 1] in ("a", "ou") and _NUMBER.match(tokens[i + 2]):
                return Quantity(int(token), AT_LEAST)
            if i + 1 < len(tokens) and tokens[i + 1] in _VAGUE_PLURAL_NOUNS:
                return Quantity(None, UNKNOWN)
            return Quantity(int(token), qualifier or EXACT)
        if _ORDINAL.match(token):
            return Quantity(None, UNKNOWN)
        if token in _VAGUE or token in _VAGUE_PLURAL_NOUNS:
            continue
        if token in _SINGULAR_DETERMINERS and i + 1 < len(tokens):
            following = tokens[i + 1]
            if _ORDINAL.match(following) or _is_plural(following):
                return Quantity(None, UNKNOWN)
            return Quantity(1, qualifier or EXACT)
        break  # reached the head noun without a number
    return Quantity(None, UNKNOWN)


_INVARIABLE = {"obus", "corps", "fois", "mois"}


def _is_plural(word: str) -> bool:
    return word.endswith(("s", "x")) and word not in _INVARIABLE


def number_word(word: str) -> Optional[int]:
    """The number a single word or numeral stands for ("deux" -> 2, "12" -> 12), else None."""
    converted = alpha2digit(word, "fr", threshold=0).strip()
    return int(converted) if _NUMBER.match(converted) else None
