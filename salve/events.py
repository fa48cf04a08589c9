"""Event records from entities and relations: the one place where attack mentions become events.

Every pipeline (rules, trained model) ends with the same event component, so their events are comparable,
and the gold events of the evaluation are built by this same code from the gold annotations.

How mentions are grouped (each rule is a sentence of the annotation guidelines or the issue):
- mentions whose TARGETS link to the same installation are one event ("same installation");
- an event whose target is not in the gazetteer ("une base irakienne") takes the first later linked target,
  which is how articles introduce an attack and then name the base;
- an indefinite mention with its own arguments ("une attaque à la roquette … a tué un entrepreneur")
  starts a new event; definite and verbal mentions without a target ("l'attaque", "ont atterri") refer back
  to the most recent event;
- plural mentions without a target ("de telles attaques") are background: they make no event;
- a mention with no argument at all never starts an event.
Events are ordered by their first mention, so the headline (first-reported) attack comes first.
"""
from typing import Any, Dict, List, Optional, Tuple

from spacy.tokens import Doc, Span

from .doc_extensions import relation_spans
from .knowledge import Knowledge, normalise
from .labels import ATTACK, BLAMED_ON, CLAIMED_BY, INJURED, KILLED, TARGETS, USES
from .quantities import parse_quantity

EventDict = Dict[str, Any]
_INDEFINITE = {"un", "une", "d'une", "d'un"}


def sentence_bounds(doc: Doc, use_annotation: bool = True) -> List[Tuple[int, int]]:
    """Sentence (start_char, end_char) pairs, also cut at line breaks (titles, captions and paragraphs often
    end without a full stop); from punctuation when no component set sentences or `use_annotation` is off."""
    has_sents = use_annotation and doc.has_annotation("SENT_START")
    bounds, start = [], 0
    for token in doc:
        if token.i > 0 and has_sents and token.is_sent_start and token.idx > start:
            bounds.append((start, token.idx))
            start = token.idx
        if "\n" in token.text_with_ws or (not has_sents and token.text in {".", "!", "?"}):
            end = token.idx + len(token.text_with_ws)
            if end > start:
                bounds.append((start, end))
            start = end
    if start < len(doc.text):
        bounds.append((start, len(doc.text)))
    return bounds


def sentence_index(bounds: List[Tuple[int, int]], char: int) -> int:
    """Index of the sentence (from `sentence_bounds`) that holds character `char`."""
    for i, (s, e) in enumerate(bounds):
        if s <= char < e:
            return i
    return len(bounds) - 1


def _is_plural_noun(mention: Span) -> bool:
    first = normalise(mention[0].text)
    return len(mention) >= 1 and first.endswith(("s", "x")) and first not in {"se", "sont", "s'est"}


def _is_indefinite(mention: Span) -> bool:
    prev = mention.doc[mention.start - 1] if mention.start > 0 else None
    return prev is not None and normalise(prev.text) in _INDEFINITE


class _Event:
    def __init__(self, first: int):
        self.first = first
        self.mentions: List[Span] = []
        self.args: Dict[str, List[Span]] = {}
        self.target: Optional[Span] = None
        self.target_entry: Optional[Dict[str, Any]] = None
        self.indefinite = False  # opened by "une attaque …": a distinct attack, never renamed

    def add(self, mention: Span, args: Dict[str, List[Span]], skip_targets: bool = False) -> None:
        if mention not in self.mentions:
            self.mentions.append(mention)
        for rel, spans in args.items():
            if skip_targets and rel == TARGETS:
                continue
            bucket = self.args.setdefault(rel, [])
            bucket.extend(s for s in spans if s not in bucket)


def _arguments(doc: Doc) -> Dict[Tuple[int, int], Dict[str, List[Span]]]:
    out: Dict[Tuple[int, int], Dict[str, List[Span]]] = {}
    for head, child, label in relation_spans(doc):
        out.setdefault((head.start, head.end), {}).setdefault(label, []).append(child)
    return out


def group_mentions(doc: Doc, knowledge: Knowledge) -> List[_Event]:
    """Group the ATTACK mentions of a doc into events (see the module docstring)."""
    arguments = _arguments(doc)
    events: List[_Event] = []
    by_key: Dict[str, _Event] = {}
    last: Optional[_Event] = None
    for mention in sorted((e for e in doc.ents if e.label_ == ATTACK), key=lambda s: s.start):
        args = arguments.get((mention.start, mention.end), {})
        targets = sorted(args.get(TARGETS, []), key=lambda s: s.start)
        if targets:
            entries = [knowledge.link_installation(t.text) for t in targets]
            if _is_plural_noun(mention) and not any(entries):
                continue  # background: "Deux attaques récentes ont touché des bases"
            for i, (target, entry) in enumerate(zip(targets, entries)):
                key = entry["id"] if entry else "text:" + normalise(target.text)
                event = by_key.get(key)
                if event is None and entry and last is not None and last.target_entry is None and not last.indefinite:
                    event = last  # "une base irakienne" ... then "la base d'Ain al-Asad": same attack, now named
                    event.target, event.target_entry = target, entry
                    by_key[key] = event
                if event is None:
                    event = _Event(mention.start)
                    event.target, event.target_entry = target, entry
                    by_key[key] = event
                    events.append(event)
                event.add(mention, args, skip_targets=True)
                if i == 0:
                    last = event
            continue
        has_args = any(args.values())
        if _is_plural_noun(mention):
            continue  # background: "de telles attaques", "les attaques à la roquette"
        if (_is_indefinite(mention) and has_args) or last is None:
            if not has_args:
                continue
            last = _Event(mention.start)
            last.indefinite = _is_indefinite(mention)
            events.append(last)
        last.add(mention, args)
    return sorted(events, key=lambda e: e.first)


def _quantity_dict(span: Span) -> Dict[str, Any]:
    return {"text": span.text, **parse_quantity(span.text).to_dict()}


def _pick_casualty(spans: List[Span]) -> Optional[Dict[str, Any]]:
    """The last mention with a known count (a revised toll supersedes), else the first mention."""
    if not spans:
        return None
    spans = sorted(spans, key=lambda s: s.start)
    counted = [s for s in spans if parse_quantity(s.text).count is not None]
    return _quantity_dict(counted[-1] if counted else spans[0])


def _weapons(event: _Event, knowledge: Knowledge) -> List[Dict[str, Any]]:
    """One weapon per type, the first mention with a known count, else the first mention."""
    chosen: Dict[str, Span] = {}
    order: List[str] = []
    for span in sorted(event.args.get(USES, []), key=lambda s: s.start):
        wtype = knowledge.weapon_type(span.text) or "other"
        if wtype not in chosen:
            chosen[wtype] = span
            order.append(wtype)
        elif parse_quantity(chosen[wtype].text).count is None and parse_quantity(span.text).count is not None:
            chosen[wtype] = span
    weapons = [{"text": chosen[t].text, "type": t, **parse_quantity(chosen[t].text).to_dict(),
                "start": chosen[t].start_char, "end": chosen[t].end_char} for t in order]
    if not weapons:  # "attaque à la roquette": the type is in the trigger
        for mention in event.mentions:
            wtype = knowledge.weapon_type(mention.text)
            if wtype and wtype not in order:
                order.append(wtype)
                weapons.append({"text": mention.text, "type": wtype, "count": None, "qualifier": "unknown",
                                "start": mention.start_char, "end": mention.end_char})
    return weapons


def _actors(spans: List[Span], knowledge: Knowledge) -> List[Dict[str, Any]]:
    out, seen = [], set()
    for span in sorted(spans, key=lambda s: s.start):
        entry = knowledge.link_actor(span.text)
        key = entry["id"] if entry else normalise(span.text)
        if key not in seen:
            seen.add(key)
            out.append({"text": span.text, "name": entry["name"] if entry else None})
    return out


def _target(event: _Event) -> Optional[Dict[str, Any]]:
    if event.target is None:
        return None
    entry = event.target_entry or {}
    return {"text": event.target.text, "name": entry.get("name"), "start": event.target.start_char,
            "end": event.target.end_char, "country": entry.get("country"), "lat": entry.get("lat"),
            "lon": entry.get("lon")}


def build_events(doc: Doc, knowledge: Knowledge) -> List[EventDict]:
    """JSON-serialisable event records of a doc with entities and `doc._.relations`."""
    events = group_mentions(doc, knowledge)
    bounds = sentence_bounds(doc)
    unclaimed_sentences = [i for i, (s, e) in enumerate(bounds) if knowledge.has_cue("unclaimed", doc.text[s:e])]
    unclaimed = set()
    for sent in unclaimed_sentences:
        hits = [n for n, ev in enumerate(events) if any(sentence_index(bounds, m.start_char) == sent for m in ev.mentions)]
        if not hits:  # "Les deux attaques n'ont pas été revendiquées": the most recent event before it
            before = [n for n, ev in enumerate(events) if min(m.start_char for m in ev.mentions) < bounds[sent][1]]
            hits = before[-1:]
        unclaimed.update(hits)
    records = []
    for n, event in enumerate(events):
        claimed = _actors(event.args.get(CLAIMED_BY, []), knowledge)
        records.append({
            "target": _target(event),
            "triggers": [m.text for m in sorted(event.mentions, key=lambda s: s.start)],
            "weapons": _weapons(event, knowledge),
            "killed": _pick_casualty(event.args.get(KILLED, [])),
            "injured": _pick_casualty(event.args.get(INJURED, [])),
            "claimed_by": claimed,
            "blamed_on": _actors(event.args.get(BLAMED_ON, []), knowledge),
            "unclaimed": n in unclaimed and not claimed,
        })
    return records
