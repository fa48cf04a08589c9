"""Attribution frames: the words that name who is accused of an attack (guidelines D37).

News names the accused in a few fixed constructions, and the object of the construction is the accused, not its
subject (the one who accuses):
- an attribution to someone: "Des sources locales `l'attribuent` toutefois `au` GSIM", "a imputé l'attaque `à` des
  « groupes soutenus par l'Iran »", "une opération attribuée par les habitants `à` la résistance populaire";
- an accusation with a direct object: "Le ministre `a accusé` l'Iran d'être derrière l'attaque", "Une source
  `soupçonne` les Kataeb Hezbollah", "Washington `accuse` des milices pro-iraniennes" (not the passive "sont accusés
  d'avoir tué des civils", said of other crimes);
- not "accuse Téhéran de soutenir ces attaques" (support or another wrong, not the deed), not a pluperfect
  "l'avait imputée à" (an earlier attack's attribution), not a negated one ("sans attribuer l'incident à") and not
  the agent of a passive ("accusé par Washington": the accuser);
- a signature: "porte la `signature de` l'État islamique au Sahel", "`l'œuvre de` groupes armés", "`pointé du doigt`
  les milices".

The entity checks read the frames to add the accused when the recogniser left it unlabelled (a named actor of the
gazetteer, a state included, or a generic designation: "des milices soutenues par l'Iran"); the event builder reads
them to make the accused BLAMED_ON and to drop the accuser from BLAMED_ON. The frames are found on tokens, in one
sentence; which attack a frame is about is the event builder's decision.
"""
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple

from spacy.tokens import Doc, Span

from .knowledge import Knowledge, normalise
from .labels import ACTOR
from .sentences import sentence_bounds

# Verbs whose object after "à" is the accused ("attribue", "attribuée", "imputent").
_TO_VERBS = ("attribu", "imput")
# Verbs whose direct object is the accused ("accuse", "soupçonnent", "incriminé"); nouns are not frames.
_OBJECT_VERBS = ("accus", "soupconn", "incrimin")
_NOUNS = {"accusation", "accusations", "accusateur", "accusateurs", "soupcon", "soupcons", "attribution",
          "attributions", "imputation", "imputations"}
# "porte la signature de", "l'œuvre de", "pointé du doigt": the accused follows.
_SIGNATURE_NOUNS = {"signature", "marque", "empreinte", "oeuvre"}
_PASSIVE = {"est", "sont", "ete", "etait", "etaient", "soit", "soient", "etre", "fut", "furent"}
_SKIP = {"des", "les", "le", "la", "l'", "de", "d'", "du", "un", "une", "directement", "ouvertement", "nommement",
         "implicitement", "formellement", "aussitot", "publiquement", "explicitement", "clairement", "toutefois",
         "pourtant", "cependant", "egalement", "aussi", "deja", "immediatement", "rapidement", "notamment"}
# What an accused is accused of, when a "de" + verb follows it: the deed ("d'être derrière l'attaque", "d'avoir mené
# l'assaut"), not support or another wrong ("de soutenir ces attaques", "d'alimenter l'instabilité", "de fournir des
# drones").
_DEED_VERBS = {"mener", "lancer", "tirer", "attaquer", "viser", "perpetrer", "orchestrer", "commettre", "frapper",
               "planifier", "cibler", "bombarder", "commanditer", "organiser", "pilonner"}
_DEED_PARTICIPLES = {"mene", "menee", "menees", "lance", "lancee", "lancees", "tire", "tirees", "attaque", "vise",
                     "perpetre", "perpetree", "orchestre", "orchestree", "commis", "frappe", "planifie", "cible",
                     "bombarde", "commandite", "organise", "pilonne"}
# "Washington l'avait imputée à …": a pluperfect attribution is an earlier attack's.
_PLUPERFECT = {"avait", "avaient", "s'etait", "s'etaient"}
_WINDOW = 10  # tokens from the verb to "à" ("attribuée par les habitants de la ville à …")
# Generic designations that can be accused ("des milices soutenues par l'Iran", "des groupes armés pro-iraniens").
_GENERIC_HEADS = {"milices", "milice", "factions", "faction", "groupes", "groupe", "combattants", "jihadistes",
                  "djihadistes", "rebelles", "insurges", "terroristes", "assaillants", "individus", "hommes", "elements",
                  "islamistes", "miliciens", "brigades", "mouvements", "reseaux", "cellules"}
_GENERIC_LINKS = {"soutenus", "soutenues", "soutenu", "soutenue", "proches", "proche", "lies", "liees", "affilies",
                  "affiliees", "finances", "financees", "armes", "armees", "pro", "par", "a", "au", "aux", "de", "d'",
                  "du", "l'", "la", "le"}
_STOP = {"qui", "que", "dont", "d'etre", "d'avoir", "selon", "lors", "pour", "et", "ou", "mais", "dans", "contre",
         "depuis", "avec", "sans", "apres", "avant", "pendant"}


@dataclass(frozen=True)
class Frame:
    """One attribution: the cue word, the accused phrase (an entity or a candidate) and the accuser, if named."""
    cue: Span
    accused: Span
    accuser: Optional[Span]


def _word(doc: Doc, i: int) -> str:
    return normalise(doc[i].text)


def _object_start(doc: Doc, i: int, end: int) -> int:
    """The first token of the object at `i`, skipping determiners, quotes and adverbs."""
    while i < end and (_word(doc, i) in _SKIP or doc[i].text in ("«", "\"", "“") or doc[i].is_space):
        i += 1
    return i


def _to_object(doc: Doc, i: int, end: int) -> Optional[int]:
    """The token after the "à"/"au"/"aux" that a `_TO_VERBS` verb at `i` governs, within its clause."""
    for j in range(i + 1, min(end, i + _WINDOW)):
        lower = doc[j].lower_
        if lower in ("à", "au", "aux"):
            return j + 1
        if doc[j].text in (".", ";", ":", "?", "!") or _word(doc, j) in ("qui", "que", "mais", "car"):
            return None
    return None


def _generic_phrase(doc: Doc, start: int, end: int) -> Optional[Span]:
    """ "milices soutenues par l'Iran", "groupes armés pro-iraniens": a generic head, its adjectives and the
    supporter it names, up to punctuation or a clause word."""
    if start >= end or _word(doc, start) not in _GENERIC_HEADS:
        return None
    j = start + 1
    while j < end and j < start + 8:
        tok = doc[j]
        if tok.is_punct and tok.text not in ("-", "'"):
            break
        if tok.is_space or _word(doc, j) in _STOP:
            break
        j += 1
    while j > start + 1 and _word(doc, j - 1) in _GENERIC_LINKS:
        j -= 1
    # "des « terroristes » du PKK", "les terroristes de Hayat Tahrir al-Cham": the name the designation is of
    k = j + 1 if j < end and doc[j].text in ("»", "\"", "”") else j
    if k + 1 < end and _word(doc, k) in ("de", "du", "d'") and doc[k + 1].text[:1].isupper():
        j = k + 2
        while j < end and (doc[j].text[:1].isupper() or (_word(doc, j) in ("al", "el", "ad", "de") and j + 1 < end
                                                          and doc[j + 1].text[:1].isupper())):
            j += 1
    return Span(doc, start, j, label=ACTOR)


def _cue_kind(doc: Doc, i: int) -> Optional[str]:
    word = _word(doc, i)
    if not word or word in _NOUNS:
        return None
    if word.startswith(_TO_VERBS):
        return "to"
    if word.startswith(_OBJECT_VERBS):
        before = _word(doc, i - 1) if i > 0 else ""
        after = _word(doc, i + 1) if i + 1 < len(doc) else ""
        if before in _PASSIVE or after in ("d'", "de", "d'avoir", "d'etre") or after.startswith("d'"):
            return None  # "sont accusées d'avoir tué des milliers de civils": the subject is accused, of other deeds
        return "object"
    if word in _SIGNATURE_NOUNS and i + 1 < len(doc) and _word(doc, i + 1) in ("de", "d'", "du", "des"):
        return "signature"
    if word == "doigt" and i > 1 and _word(doc, i - 1) == "du" and _word(doc, i - 2).startswith("point"):
        return "object"
    return None


def attribution_frames(doc: Doc, knowledge: Knowledge, ents: Optional[List[Span]] = None,
                       candidates: bool = True) -> List[Frame]:
    """The frames of a doc. The accused is the ACTOR of `ents` (default `doc.ents`) that starts the object; else,
    with `candidates`, a gazetteer actor (states included) or a generic designation there, as a new ACTOR span."""
    ents = list(doc.ents) if ents is None else ents
    actors = sorted((e for e in ents if e.label_ == ACTOR), key=lambda e: e.start)
    frames: List[Frame] = []
    for s_char, e_char in sentence_bounds(doc):
        sent = doc.char_span(s_char, e_char, alignment_mode="expand")
        if sent is None:
            continue
        for i in range(sent.start, sent.end):
            kind = _cue_kind(doc, i)
            if kind is None:
                continue
            obj = _to_object(doc, i, sent.end) if kind == "to" else i + (2 if kind == "signature" else 1)
            if obj is None:
                continue
            obj = _object_start(doc, obj, sent.end)
            accused = _accused(doc, knowledge, actors, obj, sent.end, candidates)
            if (accused is None or _of_support(doc, accused) or _pluperfect(doc, i) or _negated(doc, i)
                    or (kind == "object" and _agentive(doc, i))):
                continue
            accuser = next((a for a in reversed(actors) if sent.start <= a.start and a.end <= i
                            and not any(doc[k].text in (",", ";", ":") for k in range(a.end, i))), None)
            frames.append(Frame(doc[i:i + 1], accused, accuser))
    return frames


def _of_support(doc: Doc, accused: Span) -> bool:
    """ "accuse Téhéran de soutenir ces attaques": the accused is accused of something other than the deed."""
    words = [w for w in (_word(doc, k) for k in range(accused.end, min(len(doc), accused.end + 5))) if w]
    if not words or words[0] not in ("de", "d'", "d'etre", "d'avoir"):
        return False
    rest = words[1:] if words[0] in ("de", "d'") else [words[0][2:]] + words[1:]
    if not rest:
        return False
    if rest[0] == "etre":
        return False
    if rest[0] == "avoir":
        return not (len(rest) > 1 and rest[1] in _DEED_PARTICIPLES)
    return rest[0] not in _DEED_VERBS and not rest[0].startswith(("l'", "la", "le", "ces", "cette", "cet"))


def _negated(doc: Doc, i: int) -> bool:
    """ "sans attribuer l'incident à", "n'a pas accusé"."""
    return bool({_word(doc, j) for j in range(max(0, i - 3), i)} & {"sans", "pas", "ni", "jamais"})


def _agentive(doc: Doc, i: int) -> bool:
    """ "accusé par Washington": the agent of the passive is the accuser."""
    return i + 1 < len(doc) and _word(doc, i + 1) == "par"


def _pluperfect(doc: Doc, i: int) -> bool:
    j = i - 1
    while j >= 0 and _word(doc, j) in ("ete", "deja", "aussitot", "alors", "l'", "les", "la", "le", "lui"):
        j -= 1
    return j >= 0 and _word(doc, j) in _PLUPERFECT


def _accused(doc: Doc, knowledge: Knowledge, actors: List[Span], obj: int, end: int,
             candidates: bool) -> Optional[Span]:
    if obj >= end:
        return None
    for actor in actors:
        if actor.start <= obj < actor.end or obj <= actor.start <= obj + 1:
            return actor
    if not candidates:
        return None
    sent_start = doc[obj].idx
    for s_char, e_char, entry in knowledge.actor_spans(doc.text, sent_start, min(len(doc.text), sent_start + 120)):
        span = doc.char_span(s_char, e_char, alignment_mode="expand")
        if entry and span is not None and obj - 1 <= span.start <= obj + 1 and span.end <= end:
            # D1: a state keeps the article of its name ("l'Iran"); a group loses it, as the armed-group check does
            keep = ("l'", "la", "le") if entry.get("kind") == "state" else ()
            while span.start < span.end - 1 and _word(doc, span.start) in _SKIP and _word(doc, span.start) not in keep:
                span = doc[span.start + 1:span.end]
            if keep and span.start > 0 and _word(doc, span.start - 1) in keep:
                span = doc[span.start - 1:span.end]
            return Span(doc, span.start, span.end, label=ACTOR)
    return _generic_phrase(doc, obj, end)


def accused_candidates(doc: Doc, knowledge: Knowledge, ents: List[Span]) -> Iterator[Tuple[Span, Frame]]:
    """New ACTOR spans for the accused of frames that overlap no entity of `ents`."""
    taken = {i for e in ents for i in range(e.start, e.end)}
    for frame in attribution_frames(doc, knowledge, ents):
        span = frame.accused
        if not taken.intersection(range(span.start, span.end)):
            taken.update(range(span.start, span.end))
            yield span, frame
