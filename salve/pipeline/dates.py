"""The date of an event, from the article's publication date and the time expressions around the event.

`event_date(text, offset, article_date)` looks for a time expression in the event's sentence, then in the sentences
before it in its paragraph, then in the title and lede, and resolves the first one found:
- an absolute date ("le 3 janvier", "samedi 13 juillet", "3 janvier 2023") through `dateparser` (French, day first;
  without a year, the latest such date not after the article): precision `day`;
- a weekday ("mercredi", "lundi dernier", "dimanche soir"): the latest such day on or before the article date (a
  Wednesday article's "mercredi" is that day; "dernier" excludes it), precision `day`; "dans la nuit de mardi à
  mercredi" is the Wednesday; "jeudi et vendredi" the Thursday;
- "hier", "avant-hier", "la veille", "aujourd'hui", "ce matin", "cette nuit", "il y a trois jours": from the article
  date, precision `day`;
- "la semaine dernière", "ces derniers jours": precision `week`; "en juin", "début mars", "fin 2023": `month`
  (the first day of that month, or of the year's last month for "fin 2023").
A wire dateline opening a sentence ("BEYROUTH, 8 juin (AFP) - ") is not read: it dates the dispatch.
With no expression the event takes the article date with precision `week` (it happened at most days before the
report); with no article date it has no date. An article dated to the month only ("2024-07", as the seeds) gives
day-level expressions that need it (weekdays, "hier") the month precision.

Dates are ISO strings (YYYY-MM-DD). Weekday arithmetic is plain `datetime`; parsing dates is `dateparser`'s.
"""
import datetime as dt
import re
from typing import Optional, Tuple

from .datelines import dateline_at
from .normalisation import normalise

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre",
          "decembre")
_DAY = r"(?:1er|[0-3]?\d)"
_MONTH = "|".join(MONTHS)
_WEEKDAY = "|".join(WEEKDAYS)
# One alternation, tried left to right in the normalised text (lower case, no accents, hyphens as spaces).
_EXPRESSION = re.compile(
    rf"(?<!\w)(?:(?P<night>dans la nuit (?:de|du) (?P<n1>{_WEEKDAY}) (?:a|au) (?P<n2>{_WEEKDAY}))"
    rf"|(?P<absolute>(?:(?:{_WEEKDAY}) )?{_DAY} (?:{_MONTH})(?: (?:19|20)\d\d)?)"
    rf"|(?P<weekday>(?P<wd>{_WEEKDAY})(?: (?P<last>dernier))?)(?! \d)"
    rf"|(?P<relative>avant hier|hier|la veille|aujourd'hui|ce matin|ce soir|cette nuit|la nuit derniere|"
    rf"il y a (?P<ago>\d+|deux|trois|quatre|cinq|six) jours)"
    rf"|(?P<week>la semaine derniere|ces derniers jours|cette semaine)"
    rf"|(?P<month>(?:en|debut|fin|mi|courant|a la fin de|au debut de) (?P<mname>{_MONTH})(?: (?P<myear>(?:19|20)\d\d))?"
    rf"|(?:fin|debut) (?P<yonly>(?:19|20)\d\d)))(?!\w)")
_NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}
_SENTENCE_END = re.compile(r"[.!?]\s+|\n+")


def parse_article_date(value: Optional[str]) -> Tuple[Optional[dt.date], Optional[str]]:
    """'2024-07-17' -> (date, 'day'); '2024-07' -> (first of the month, 'month'); anything else -> (None, None)."""
    if not value:
        return None, None
    m = re.fullmatch(r"\s*((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?(?:[T ].*)?\s*", str(value))
    if not m:
        return None, None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)), ("day" if m.group(3) else "month")
    except ValueError:
        return None, None


def _latest_weekday(reference: dt.date, weekday: int, strictly_before: bool = False) -> dt.date:
    back = (reference.weekday() - weekday) % 7
    if strictly_before and back == 0:
        back = 7
    return reference - dt.timedelta(days=back)


def _absolute(expression: str, reference: dt.date) -> Optional[dt.date]:
    import dateparser  # imported on first use: a pipeline that never dates events does not pay for it

    # dateparser resolves a yearless date to the reference year; a date after the article is from the year before
    parsed = dateparser.parse(expression.replace("1er", "1"), languages=["fr"],
                              settings={"DATE_ORDER": "DMY", "RELATIVE_BASE": dt.datetime(reference.year, reference.month, reference.day),
                                        "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]})
    if parsed is None:
        return None
    day = parsed.date()
    if not re.search(r"(19|20)\d\d", expression) and day > reference:
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return None
    return day


def _resolve(m: "re.Match[str]", reference: dt.date, precision: str) -> Optional[Tuple[dt.date, str]]:
    if m.group("absolute"):
        latest = reference
        if precision == "month":  # an article of July 2024 may report "le 20 juillet"
            latest = (reference.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        day = _absolute(re.sub(rf"^(?:{_WEEKDAY}) ", "", m.group("absolute")), latest)
        return (day, "day") if day else None
    if m.group("month") is not None:
        if m.group("yonly"):
            year = int(m.group("yonly"))
            return dt.date(year, 12 if m.group(0).startswith("fin") else 1, 1), "month"
        month = MONTHS.index(m.group("mname")) + 1
        year = int(m.group("myear")) if m.group("myear") else (reference.year if month <= reference.month else reference.year - 1)
        return dt.date(year, month, 1), "month"
    if precision == "month":  # "mardi" in an article dated to the month: that month
        return reference, "month"
    if m.group("night"):
        return _latest_weekday(reference, WEEKDAYS.index(m.group("n2"))), "day"
    if m.group("weekday"):
        return _latest_weekday(reference, WEEKDAYS.index(m.group("wd")), strictly_before=bool(m.group("last"))), "day"
    if m.group("relative"):
        word = m.group("relative")
        if m.group("ago"):
            back = int(m.group("ago")) if m.group("ago").isdigit() else _NUMBERS[m.group("ago")]
        else:
            back = {"avant hier": 2, "hier": 1, "la veille": 1, "la nuit derniere": 0}.get(word, 0)
        return reference - dt.timedelta(days=back), "day"
    if m.group("week"):
        back = 7 if m.group("week") == "la semaine derniere" else 0
        return reference - dt.timedelta(days=back), "week"
    return None


def _windows(text: str, offset: int):
    """The event's sentence, the sentences before it in its paragraph (nearest first), then the title and lede."""
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    ends = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    index = max(i for i, s in enumerate(starts) if s <= max(0, offset))
    paragraph = text.rfind("\n", 0, starts[index]) + 1
    yield starts[index], ends[index]
    for i in range(index - 1, -1, -1):
        if starts[i] < paragraph:
            break
        yield starts[i], ends[i]
    for i in range(min(2, len(starts))):
        if i < index:
            yield starts[i], ends[i]


def event_date(text: str, offset: int, article_date: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """(ISO date, precision) of the event whose first mention is at `offset` of `text` (see the module docstring)."""
    reference, precision = parse_article_date(article_date)
    if reference is None:
        return None, None
    for start, end in _windows(text, offset):
        dateline = dateline_at(text, start, end)
        if dateline:
            start = dateline.end()
        m = _EXPRESSION.search(normalise(text[start:end]))
        if m:
            resolved = _resolve(m, reference, precision)
            if resolved:
                return resolved[0].isoformat(), resolved[1]
    return reference.isoformat(), "week" if precision == "day" else "month"
