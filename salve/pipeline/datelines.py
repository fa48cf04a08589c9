"""Wire datelines: "BAGDAD, 9 décembre (Reuters) - ", "Téhéran, 12 décembre (Pars Today) – ", "KIEV (Reuters) — ",
"Niamey, 8 mars 2022 (Notre correspondant) – ". A dateline opens a paragraph and says where and when a dispatch
was filed: its place is neither an attacked site nor an actor (no gold corpus annotates an entity in one: 0 of
the 437 datelines of the training and development texts), and its date is not the attack's."""
import re
from typing import List, Match, Optional, Tuple

_DATE = r"(?:le\s+)?(?:1er|\d{1,2})\s+\w+(?:\s+\d{4})?"
_SOURCE = r"\([^()\n]{1,40}\)"
_DASH = r"\s*[-–—:]\s+"
DATELINE = re.compile(
    # a place in capitals, then optionally its date and source ("KIEV (Reuters) — ", "BEYROUTH - ")
    rf"\s*(?:[A-ZÀ-Ý][A-ZÀ-Ý'’. -]+(?:,\s*{_DATE})?\s*(?:{_SOURCE})?{_DASH}"
    # or a place of one to four words, then a date or a source ("Téhéran, 12 décembre (Pars Today) – ")
    rf"|[A-ZÀ-Ý][\w'’-]*(?:[ -][\w'’-]+){{0,3}}(?:,\s*{_DATE}\s*(?:{_SOURCE})?|\s*{_SOURCE}){_DASH})")


def dateline_at(text: str, start: int, end: Optional[int] = None) -> Optional[Match]:
    """The dateline that opens `text[start:end]`, if any."""
    return DATELINE.match(text, start, len(text) if end is None else end)


def datelines(text: str) -> List[Tuple[int, int]]:
    """(start, end) of each dateline opening a line of `text`."""
    out: List[Tuple[int, int]] = []
    for start in [0] + [m.end() for m in re.finditer(r"\n", text)]:
        m = dateline_at(text, start)
        if m and not (out and out[-1][1] == m.end()):
            body = m.group(0)
            out.append((m.start() + len(body) - len(body.lstrip()), m.end()))
    return out
