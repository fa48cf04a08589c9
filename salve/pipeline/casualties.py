"""Casualty figures of one attack: the one place where CASUALTY mentions become `killed` / `injured` values.

Conventions (guidelines D17-D19), each a rule here:
- a negation on the verb counts: "l'attaque n'a pas fait `de victimes`", "`les soldats` n'ont pas été blessés"
  give 0 although the span alone has no number;
- the kind (killed or injured) follows the cue words around the span when they are unambiguous ("`trois
  soldats` ont été blessés" is injured whatever the relation said); "victimes", "pertes" cover both;
- conjuncts of one sentence are added ("`deux Américains` et `un Irakien` ont été blessés" -> 3, "`22 militaires`
  ont été tués, ainsi que `quatre supplétifs`" -> 26);
- among sentences, the first one with a figure stands (a later figure is a subset, another source's or another
  attack's, D27) unless a later one revises the toll ("selon un nouveau bilan", "le bilan s'est alourdi"); a
  positive figure stands against a zero for a group said to be unharmed ("`trois civils` tués … `aucun soldat de la coalition` n'a été tué" -> 3);
- a "nobody was hurt" statement that no CASUALTY mention carries ("ni mort ni blessé", "sans faire de
  victimes" missed by the entity recogniser) still gives 0 for the attack of its sentence, or of the sentence
  before it;
- a negated span whose verb names both kinds ("`Aucun militaire` n'a été tué ni blessé", "… tué ou blessé")
  gives 0 killed and 0 injured (D27);
- the attackers' own dead are not the attack's victims ("`cinq des assaillants` ont été tués", "`dix
  terroristes` neutralisés", D27): `is_attacker` reads them.
"""
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Span

from .knowledge import normalise, normalise_in_place
from .quantities import number_word, parse_quantity

KILLED, INJURED, BOTH = "killed", "injured", "both"

_KILLED_CUE = re.compile(r"\b(tue|tues|tuee|tuees|tuant|tuer|mort(e|s|es|el|els|elle|elles)?|deces|decede\w*|peri|peris|"
                         r"mortellement|succombe\w*|sans vie|tuent|abattu\w*)\b")
_INJURED_CUE = re.compile(r"\b(bless\w*|commotion\w*|traumatis\w*|hospitalis\w*|soigne\w*|touche|touches|touchee)\b")
_BOTH_CUE = re.compile(r"\b(victime\w*|pertes?|degats humains|bilan humain|dommages humains)\b")
# A verb negation in the clause around the span: "n'a pas fait", "n'ont pas été", "ne … aucun", "sans".
_NEGATION_BEFORE = re.compile(r"(\bn'|\bne )[^,;.]{0,40}\b(pas|jamais|point|aucun|aucune)\b[^,;.]{0,30}$|\bsans [^,;.]{0,25}$")
_NEGATION_AFTER = re.compile(r"^[^,;.]{0,6}\b(n'|ne )")
# Statements that nobody was killed / hurt, carried or not by a CASUALTY mention.
# "no victim" in its common forms, shared by the statements of both kinds and of killed only ("… mortelle")
_NO_VICTIM = (r"aucune victime|pas de victimes?|sans (faire |causer |provoquer )?(de |d')?victimes?|"
              r"n'(a|ont) (pas )?(fait|cause|provoque) (de |aucune )?victimes?")
_NO_VICTIMS = [
    (re.compile(r"\b(ni morts?,? ni bless\w+|sans (faire |causer |provoquer )?(de |d')?(morts? )?ni (de )?bless\w+|"
                r"ni bless\w+,? ni morts?)\b"), BOTH),
    (re.compile(rf"\b({_NO_VICTIM}|aucune perte|"
                r"pas de pertes?|sans (faire |causer )?de (degats|dommages) humains|aucun degat humain|"
                r"personne n'a ete touche|aucun (mort|tue) (ni|ou) bless\w+)\b(?! mortel)"), BOTH),
    # "aucune victime mortelle": nobody killed, nothing said of the injured
    (re.compile(rf"\b({_NO_VICTIM}) mortel\w*"), KILLED),
    # "n'a été tué ni blessé", "n'ont été ni tués ni blessés", "tué ou blessé", "sont sortis indemnes"
    (re.compile(r"\b(n'(a|ont) (pas )?ete (ni )?(tue|blesse|touche)e?s? (ni|ou|et) (tue|blesse)e?s?|"
                r"n'(a|ont) (fait|cause|provoque) ni (morts?|tues?|victimes?)|indemnes?|sains? et saufs?|saines? et sauves?)\b"),
     BOTH),
    (re.compile(r"\b(aucun bless\w+|pas de bless\w+|sans (faire |causer )?de bless\w+|"
                r"n'(a|ont|avait|avaient) (pas )?ete bless\w+|n'(a|ont) (fait|cause|provoque) aucun bless\w+|"
                r"n'(a|ont) pas (fait|cause|provoque) de bless\w+|personne n'a ete blesse)\b"), INJURED),
    (re.compile(r"\b(aucun mort|pas de morts?|aucun tue|sans (faire |causer )?de morts?|n'(a|ont) (fait|cause|provoque) aucun mort|"
                r"n'(a|ont) pas (fait|cause|provoque) de morts?|personne n'a ete tue|"
                # "Aucun n'a été tué", "aucun militaire n'avait été tué": a negative subject, never a counted one
                r"(aucun|aucune)\b(?:(?! ne | si )[^,;.]){0,40}? n'(a|ont|avait|avaient) (pas )?ete (tue|mortellement)\w*)\b"),
     KILLED),
]


def cue_kind(text: str) -> Optional[str]:
    """KILLED, INJURED or BOTH when the (normalised) text has cues of one kind only, else None."""
    killed, injured, both = bool(_KILLED_CUE.search(text)), bool(_INJURED_CUE.search(text)), bool(_BOTH_CUE.search(text))
    if killed and injured:
        return BOTH
    if killed:
        return KILLED
    if injured:
        return INJURED
    return BOTH if both else None


# Words that name the attackers, not their victims: "cinq des assaillants", "dix terroristes", "les kamikazes"
_ATTACKERS = re.compile(r"\b(assaillants?|attaquants?|terroristes?|jihadistes?|djihadistes?|insurges?|kamikazes?|"
                        r"shebabs?|chebabs?|islamistes?|hommes armes|elements (armes|ennemis|terroristes)|ennemis?)\b")
_NEUTRALISED = re.compile(r"^[^,;.]{0,25}\b(neutralis\w*|abattus?|elimine\w*|captur\w*|arrete\w*|interpell\w*)\b")


def is_attacker(span: Span, sent: Tuple[int, int], text: Optional[str] = None) -> bool:
    """A casualty mention that names attackers ("cinq des assaillants", "des jihadistes") or is followed by a verb
    said of attackers ("dix hommes ont été neutralisés"): not a victim of the attack (D27)."""
    if _ATTACKERS.search(normalise(span.text)):
        return True
    _, after = _window(span, sent, span.doc.text if text is None else text, before=0, after=40)
    return bool(_NEUTRALISED.search(after))


def _window(span: Span, sent: Tuple[int, int], text: str, before: int = 45, after: int = 45) -> Tuple[str, str]:
    return (normalise(text[max(sent[0], span.start_char - before):span.start_char]),
            normalise(text[span.end_char:min(sent[1], span.end_char + after)]))


# "huit militaires blessés, avant de porter ce bilan à onze": the toll revised by a bare number later in the sentence
_BARE_REVISION = re.compile(r"\b(port\w*|alourdi\w*|pass\w*|grimp\w*|relev\w*) (ainsi |ensuite |plus tard )?(ce|le|leur|son) "
                            r"bilan a ([\w-]+)\b")


def span_count(span: Span, sent: Tuple[int, int], text: Optional[str] = None) -> Optional[int]:
    """The figure of a CASUALTY span, with the clause's negation: None when nothing is said. A bare number that
    revises it in the rest of its sentence ("huit militaires blessés, avant de porter ce bilan à onze") replaces it
    (D38)."""
    quantity = parse_quantity(span.text)
    if quantity.count:
        rest = normalise(((span.doc.text if text is None else text)[span.end_char:sent[1]]))
        revision = _BARE_REVISION.search(rest)
        revised = number_word(revision.group(4)) if revision else None
        if revised is not None and revised > quantity.count:
            return revised
    if quantity.count is not None:
        return quantity.count
    before, after = _window(span, sent, span.doc.text if text is None else text)
    if _NEGATION_BEFORE.search(before) or _NEGATION_AFTER.search(after):
        return 0
    return None


def _both_negated(span: Span, sent: Tuple[int, int], text: Optional[str]) -> bool:
    """The clause after a negated span names both kinds: "`Aucun militaire` n'a été tué ni blessé"."""
    _, after = _window(span, sent, span.doc.text if text is None else text, before=0, after=40)
    clause = re.split(r"[,;]", after, maxsplit=1)[0]
    return bool(_KILLED_CUE.search(clause) and _INJURED_CUE.search(clause))


_CONJUNCTION_ONLY = re.compile(r"^\s*(et|ainsi que|ainsi qu'|de meme que)\s*(de |d'|des )?$")


def _kind_after_apposition(span: Span, sent: Tuple[int, int], text: str) -> Optional[str]:
    """The verb's kind after an apposition to the span: "`Au moins 75 personnes`, en majorité des soldats de l'ANL,
    ont été tuées", "`Trois militaires`, dont un officier, ont été blessés" (an apposition without cues of its own)."""
    _, after = _window(span, sent, text, before=0, after=160)
    parts = re.split(r"[,;]", after)
    if len(parts) < 3 or parts[0].strip() or len(parts[1]) > 90 or cue_kind(parts[1]) is not None:
        return None
    kind = cue_kind(re.split(r"\bet\b|\bainsi qu", parts[2], maxsplit=1)[0][:40])
    return kind if kind in (KILLED, INJURED) else None


def span_kind(span: Span, sent: Tuple[int, int], relation_kind: str, text: Optional[str] = None) -> str:
    """The kind of a casualty span: the span's own words ("deux blessés"), then the clause's first cue after or
    before it ("… ont été tués", "a tué …"); the relation's kind when the cues say nothing clear."""
    own = cue_kind(normalise(span.text))
    if own in (KILLED, INJURED):
        return own
    before, after = _window(span, sent, span.doc.text if text is None else text, before=30, after=45)
    after_kind = cue_kind(re.split(r"[,;]|\bet\b|\bainsi qu", after, maxsplit=1)[0]) if after else None
    if after_kind in (KILLED, INJURED):
        return after_kind
    if after_kind is None:
        verb_kind = _kind_after_apposition(span, sent, span.doc.text if text is None else text)
        if verb_kind is not None:
            return verb_kind
    segments = before.split(",")
    before_kind = cue_kind(segments[-1])
    if before_kind is None and len(segments) > 1 and _CONJUNCTION_ONLY.match(segments[-1]):
        before_kind = cue_kind(segments[-2])  # "22 militaires ont été tués, ainsi que [quatre supplétifs]"
    if before_kind in (KILLED, INJURED):
        return before_kind
    return relation_kind


def casualty_figures(mentions: Sequence[Tuple[Span, str]], sentence_of, bounds,
                     text: Optional[str] = None) -> Dict[str, Optional[Dict[str, Any]]]:
    """killed and injured values of one event from its (CASUALTY span, relation kind) pairs.

    `sentence_of(char)` gives the sentence index of a character, `bounds` the sentence (start, end) pairs and
    `text` the doc's text (read from the first span when not given)."""
    if text is None and mentions:
        text = mentions[0][0].doc.text
    by_kind: Dict[str, Dict[int, List[Tuple[Span, Optional[int]]]]] = {KILLED: {}, INJURED: {}}
    for span, relation_kind in sorted(mentions, key=lambda m: m[0].start):
        index = sentence_of(span.start_char)
        sent = bounds[index]
        # both relations ("sans faire de victimes"), unless the cue words say one kind ("26 militaires ont été tués")
        kind = span_kind(span, sent, relation_kind, text)
        count = span_count(span, sent, text)
        # a negated span of both kinds: "`Aucun militaire` n'a été tué ni blessé", "`sans faire ni victimes`" (D30),
        # whatever kind the relation said
        if count == 0 and kind != BOTH and (cue_kind(normalise(span.text)) == BOTH or _both_negated(span, sent, text)):
            kind = BOTH
        for k in ((KILLED, INJURED) if kind == BOTH else (kind,)):
            bucket = by_kind[k].setdefault(index, [])
            if all(s != span for s, _ in bucket):
                bucket.append((span, count))
    return {kind: _figure(sentences, text or "", bounds) for kind, sentences in by_kind.items()}


# A sentence that revises an earlier toll: "selon un nouveau bilan", "le bilan s'est alourdi à", "porté à".
_REVISION = re.compile(r"\b(nouveau bilan|dernier bilan|bilan (provisoire |officiel )?(s'est |a ete )?(alourdi|aggrave|revu|"
                       r"porte|passe|grimpe|eleve|monte)|s'est (encore )?alourdi|revu a la (hausse|baisse)|porte a|"
                       r"desormais|finalement|au final|passe a|grimpe a|port\w* (ainsi )?(le|ce) bilan a)\b")


def revises(sentence: str) -> bool:
    """The sentence revises an earlier toll ("selon un nouveau bilan", "le bilan s'est alourdi à")."""
    return bool(_REVISION.search(normalise(sentence)))


def _figure(sentences: Dict[int, List[Tuple[Span, Optional[int]]]], text: str,
            bounds: Optional[Sequence[Tuple[int, int]]] = None) -> Optional[Dict[str, Any]]:
    if not sentences:
        return None
    counted = [(i, spans) for i, spans in sorted(sentences.items()) if any(c is not None for _, c in spans)]
    if not counted:
        first = sorted(sentences.items())[0][1][0][0]
        return {"text": first.text, "count": None, "qualifier": "unknown"}
    # A positive figure stands against a group said to be unharmed ("trois civils tués … aucun soldat de la
    # coalition n'a été tué" is 3). Among sentences with figures, the first stands (a later figure is a subset, another
    # source's or a recalled one: D27), unless a later sentence revises the toll ("selon un nouveau bilan", D26).
    positive = [(i, spans) for i, spans in counted if any(c for _, c in spans)]
    candidates = positive or counted
    _, spans = candidates[0]
    for i, later in candidates[1:]:
        if bounds is None or revises(text[bounds[i][0]:bounds[i][1]]):
            spans = later
    known = _last_conjunct_chain([(s, c) for s, c in spans if c is not None], text)
    total = sum(c for _, c in known)
    qualifiers = {parse_quantity(s.text).qualifier for s, c in known if c}
    qualifier = "exact" if not qualifiers or qualifiers == {"exact"} else sorted(qualifiers - {"exact"})[0]
    return {"text": " + ".join(s.text for s, _ in known), "count": total, "qualifier": qualifier}


# What may stand between two conjuncts: "et", ",", "ainsi que", "et de", and a short verb group before them
# ("22 militaires ont été tués, ainsi que quatre supplétifs"), but no second source ("selon …") or "mais".
# A complement of the first conjunct may stand before the verb group ("un employé étranger d'une société de
# maintenance ont été blessés, ainsi qu'un soldat": D18).
_CONJUNCTION = re.compile(r"^\s*((d'|de |du |des |a |au |aux |dans |en |sur |pres |avec |pour |charges? |affectes? )[^,;.:()]{0,70}? )?"
                          r"((ont|a|sont|est)( ete)? \w+\s*)?(,|et|ainsi que|ainsi qu'|,\s*et|,\s*ainsi que|,\s*ainsi qu'|de meme que)"
                          r"\s*(de |d'|des )?$")


def conjoined(between: str) -> bool:
    """Two casualty mentions with `between` between them are conjuncts of one enumeration ("deux Américains et un
    Irakien", "trois soldats, un interprète et un policier")."""
    return bool(_CONJUNCTION.match(normalise(between) if between.strip() else ","))


def _last_conjunct_chain(known: List[Tuple[Span, int]], text: str) -> List[Tuple[Span, int]]:
    """The last run of mentions joined by "et" / "," / "ainsi que" ("deux Américains et un Irakien"): conjuncts
    add up; mentions apart from each other in the sentence are separate figures, and the later one stands."""
    known = sorted(known, key=lambda k: k[0].start)
    chain = known[-1:]
    for previous in reversed(known[:-1]):
        if not conjoined(text[previous[0].end_char:chain[0][0].start_char]):
            break
        chain.insert(0, previous)
    return chain


def last_counted(spans: Sequence[Span]) -> Optional[Dict[str, Any]]:
    """Version 0.1.0's rule, kept for the ablation: the last mention with a figure, else the first mention."""
    if not spans:
        return None
    spans = sorted(spans, key=lambda s: s.start)
    counted = [s for s in spans if parse_quantity(s.text).count is not None]
    span = counted[-1] if counted else spans[0]
    return {"text": span.text, **parse_quantity(span.text).to_dict()}


def no_victim_statements(text: str) -> List[Tuple[int, str]]:
    """(character offset, kind) of each "nobody was killed / hurt" statement of a text."""
    plain = normalise_in_place(text)
    found: List[Tuple[int, str]] = []
    for pattern, kind in _NO_VICTIMS:
        found += [(m.start(), kind) for m in pattern.finditer(plain)]
    return sorted(found)
