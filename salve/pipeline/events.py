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
- a mention with no argument at all never starts an event;
- background and out-of-scope mentions make no event (guidelines D20): a strike by a state's forces ("frappes
  aériennes américaines", "raid de représailles") and an earlier attack recalled as context ("une précédente
  attaque", "la base avait déjà été visée en janvier").
Casualty figures (negations, kinds, sums, "nobody was hurt" statements) are decided in `casualties.py`.
Events are ordered by their first mention, so the headline (first-reported) attack comes first.
"""
import re
from typing import Any, Dict, List, Optional, Tuple

from spacy.tokens import Doc, Span

from .casualties import BOTH, casualty_figures, cue_kind, last_counted, no_victim_statements, span_kind
from .casualties import INJURED as INJURED_KIND
from .casualties import KILLED as KILLED_KIND
from .doc_extensions import relation_spans
from .knowledge import Knowledge, normalise
from .labels import ATTACK, BLAMED_ON, CLAIMED_BY, INJURED, KILLED, TARGETS, USES
from .quantities import parse_quantity

EventDict = Dict[str, Any]
_INDEFINITE = {"un", "une", "d'une", "d'un"}
_STRIKE_NOUNS = {"frappe", "frappes", "raid", "raids", "bombardement", "bombardements", "represailles", "riposte"}
_STATE_STRIKE = re.compile(r"^(aerien\w*|americain\w*|israelien\w*|russe\w*|turque?s?|francais\w*|britannique\w*|"
                           r"de (represailles|riposte)|de la coalition|des etats unis|de l'armee|du pentagone)")
_EARLIER = {"precedente", "precedentes", "precedent", "derniere", "ancienne", "anterieure", "anterieures"}
_RECALL = re.compile(r"\b(deja|auparavant|precedemment|en (19|20)\d\d|l'an dernier|l'annee derniere|le mois dernier|"
                     r"en (janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre) dernier|"
                     r"il y a (deux|trois|quatre|cinq|six|plusieurs|quelques) (semaines|mois|ans))\b")


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


def is_background(mention: Span, linked_target: bool = False) -> bool:
    """A mention that must not make an event: a state's strike on a site that is not a known installation (D3; a
    strike on a gazetteer installation is an attack, D25), or an earlier attack recalled as context (D20)."""
    doc = mention.doc
    words = [normalise(t.text) for t in mention]
    after = normalise(doc[mention.end:min(len(doc), mention.end + 4)].text)
    if words and words[0] in _STRIKE_NOUNS and _STATE_STRIKE.match(after) and not linked_target:
        return True
    before = [normalise(t.text) for t in doc[max(0, mention.start - 3):mention.start]]
    if any(w in _EARLIER for w in before + words):
        return True
    sent = mention.sent if doc.has_annotation("SENT_START") else doc[max(0, mention.start - 15):mention.end + 15]
    pluperfect = bool(words) and words[0] in ("avait", "avaient")
    return (pluperfect or sent.start > 0 and mention.start > 60) and bool(_RECALL.search(normalise(sent.text)))


def _is_named(target: Optional[Span]) -> bool:
    """A target with a proper name in it ("le camp de Boulkessi"), not a description ("une base militaire")."""
    return target is not None and any(t.text[:1].isupper() for t in target[1:])


def _unlinked_key(target: Span) -> str:
    """Grouping key of a target outside the gazetteer: its proper-name words ("le camp de Boulkessi" and "le camp
    militaire de Boulkessi" are one installation), else its whole text."""
    names = [normalise(t.text) for t in target[1:] if t.text[:1].isupper()
             and normalise(t.nbor(-1).text) not in ("en", "a", "au", "aux", "dans", "pres", "vers", "sur")]
    return "name:" + " ".join(names) if names else "text:" + normalise(target.text)


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


def group_mentions(doc: Doc, knowledge: Knowledge, background_filter: bool = True) -> List[_Event]:
    """Group the ATTACK mentions of a doc into events (see the module docstring)."""
    arguments = _arguments(doc)
    events: List[_Event] = []
    by_key: Dict[str, _Event] = {}
    last: Optional[_Event] = None
    for mention in sorted((e for e in doc.ents if e.label_ == ATTACK), key=lambda s: s.start):
        args = arguments.get((mention.start, mention.end), {})
        targets = sorted(args.get(TARGETS, []), key=lambda s: s.start)
        entries = [knowledge.link_installation(t.text) for t in targets]
        if background_filter and is_background(mention, linked_target=any(entries)):
            continue
        if targets:
            if _is_plural_noun(mention) and not any(entries):
                continue  # background: "Deux attaques récentes ont touché des bases"
            for i, (target, entry) in enumerate(zip(targets, entries)):
                key = entry["id"] if entry else _unlinked_key(target)
                event = by_key.get(key)
                if (event is None and last is not None and last.target_entry is None and not last.indefinite
                        and (entry or (_is_named(target) and not _is_named(last.target)))):
                    # "une base irakienne" ... then "la base d'Ain al-Asad" (or another named base outside the
                    # gazetteer): the same attack, now named
                    event = last
                    event.target, event.target_entry = target, entry
                    by_key[key] = event
                if event is None:
                    event = _Event(mention.start)
                    event.target, event.target_entry = target, entry
                    by_key[key] = event
                    events.append(event)
                elif entry is None and event.target is not None and len(target) > len(event.target):
                    event.target = target  # the fullest mention names the installation best
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


def _casualties(event: _Event, bounds: List[Tuple[int, int]], conventions: bool) -> Dict[str, Optional[Dict[str, Any]]]:
    killed, injured = event.args.get(KILLED, []), event.args.get(INJURED, [])
    if not conventions:  # version 0.1.0: the relation decides the kind, the last mention with a figure wins
        return {KILLED_KIND: last_counted(killed), INJURED_KIND: last_counted(injured)}
    mentions = [(s, BOTH if s in injured else KILLED_KIND) for s in killed]
    mentions += [(s, INJURED_KIND) for s in injured if s not in killed]
    return casualty_figures(mentions, lambda char: sentence_index(bounds, char), bounds)


def _attach_orphan_casualties(doc: Doc, events: List[_Event], bounds: List[Tuple[int, int]]) -> None:
    """A CASUALTY that no relation reaches ("Deux soldats ont été blessés." after the attack's sentence) joins the
    event of its sentence, or the most recent one before it, when its cue words say killed or injured."""
    linked = {(child.start, child.end) for _, child, _ in relation_spans(doc)}
    for span in doc.ents:
        if span.label_ != "CASUALTY" or (span.start, span.end) in linked:
            continue
        sent = sentence_index(bounds, span.start_char)
        n = _event_of_sentence(events, bounds, sent)
        if n is None:
            continue
        kind = span_kind(span, bounds[sent], "") or (BOTH if cue_kind(normalise(span.text)) == BOTH else "")
        relations = {KILLED_KIND: [KILLED], INJURED_KIND: [INJURED], BOTH: [KILLED, INJURED]}.get(kind, [])
        for relation in relations:
            bucket = events[n].args.setdefault(relation, [])
            if span not in bucket:
                bucket.append(span)


def _event_of_sentence(events: List[_Event], bounds: List[Tuple[int, int]], sent: int) -> Optional[int]:
    """The event with a mention in sentence `sent`, else the most recent one mentioned before it."""
    hits = [n for n, ev in enumerate(events) if any(sentence_index(bounds, m.start_char) == sent for m in ev.mentions)]
    if hits:
        return hits[0]
    before = [n for n, ev in enumerate(events) if min(m.start_char for m in ev.mentions) < bounds[sent][0]]
    return before[-1] if before else None


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


def build_events(doc: Doc, knowledge: Knowledge, casualty_conventions: bool = True,
                 background_filter: bool = True) -> List[EventDict]:
    """JSON-serialisable event records of a doc with entities and `doc._.relations`.

    The two switches exist for the ablations that decided them (README); both are on in every pipeline."""
    events = group_mentions(doc, knowledge, background_filter)
    bounds = sentence_bounds(doc)
    # "Les deux attaques n'ont pas été revendiquées": the event of that sentence, else the most recent one before it
    unclaimed = {_event_of_sentence(events, bounds, i) for i, (s, e) in enumerate(bounds)
                 if knowledge.has_cue("unclaimed", doc.text[s:e])}
    if casualty_conventions:
        _attach_orphan_casualties(doc, events, bounds)
    figures = [_casualties(event, bounds, casualty_conventions) for event in events]
    for char, kind in no_victim_statements(doc.text) if casualty_conventions else []:
        n = _event_of_sentence(events, bounds, sentence_index(bounds, char))
        if n is None:
            continue
        for slot in ((KILLED_KIND, INJURED_KIND) if kind == BOTH else (kind,)):
            if figures[n][slot] is None:
                figures[n][slot] = {"text": doc.text[char:char + 40].split(".")[0], "count": 0, "qualifier": "exact"}
    records = []
    for n, event in enumerate(events):
        claimed = _actors(event.args.get(CLAIMED_BY, []), knowledge)
        records.append({
            "target": _target(event),
            "triggers": [m.text for m in sorted(event.mentions, key=lambda s: s.start)],
            "weapons": _weapons(event, knowledge),
            "killed": figures[n][KILLED_KIND],
            "injured": figures[n][INJURED_KIND],
            "claimed_by": claimed,
            "blamed_on": _actors(event.args.get(BLAMED_ON, []), knowledge),
            "unclaimed": n in unclaimed and not claimed,
        })
    return records
