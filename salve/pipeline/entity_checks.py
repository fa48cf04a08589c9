"""The `salve_entity_checks` component: label checks between the entity recogniser and the relation model.

A statistical recogniser sometimes labels a counted munition CASUALTY ("Au moins cinq projectiles", "Au moins trois
drones armés"): both are a quantity and a plural noun at the start of a sentence. A CASUALTY span whose words name
a weapon of the gazetteer and no person is a WEAPON (guidelines D23), so the relation model sees it as the
munition it is and the event builder counts it. The converse, with `person_weapons` on: a WEAPON span that names no
weapon of the gazetteer but people ("une vingtaine de blessés", "au moins cinq soldats") is a CASUALTY. On by default:
on the same 3 models (random seeds 7-9) dev mentions 0.787 -> 0.809, dev killed 0.793 -> 0.892, dev slot mean
0.776 -> 0.830, held-out slot mean 0.727 -> 0.760, casualty-tune slot mean 0.776 -> 0.789, nothing lower.

With `attack_cues` on, a word of the knowledge's `attack` cues ("visent", "attaquée", "se sont abattues") that
the recogniser left unlabelled, in a sentence where it found a BASE or a WEAPON, becomes an ATTACK span (with the
auxiliaries before it, as the guidelines span verb groups), so the relation model links its arguments. The
recogniser misses such plain triggers mostly in titles and in sentences unlike its training text; without an
ATTACK the sentence's installation is no event's target. Off: on the same 3 models dev targets 0.852 -> 0.831,
held-out slot mean 0.727 -> 0.700, seeds relations 0.535 -> 0.514 (the added triggers also bring background and
non-attack uses into events). Kept as an ablation switch.

With `actor_bases` on, a BASE span that the knowledge links to an armed group or a state and to no installation
("Al-Shabaab" read as an installation) is an ACTOR. Off: on 3 models (random seeds 1-3) seeds entities 0.755 ->
0.735, seeds relations 0.560 -> 0.525, dev mentions 0.807 -> 0.791, casualty-check targets 0.830 -> 0.798, blamed
lower on three of four sets (held-out claimed 0.756 -> 0.782 the only gain). Kept as an ablation switch.
With `armed_groups` on, an armed group of the gazetteer (militia, jihadist, insurgent or separatist group, umbrella,
private military company; not states, their forces or peacekeepers) that the recogniser left unlabelled becomes an
ACTOR when its sentence claims or attributes an attack (a claim or blame cue): the recogniser misses names it never
saw in training ("Les shebabs", "JNIM"), and a claim sentence is where a named group is the claimant. On: on 3 models
(random seeds 1-3, `training/compare_s24`, `--reuse`) dev slot mean 0.781 -> 0.807 (claimed 0.694 -> 0.856, blamed
0.559 -> 0.577), dev mentions 0.805 -> 0.812 (ACTOR 0.614 -> 0.674), held-out slot mean 0.749 -> 0.760 (claimed
0.679 -> 0.756), casualty tune 0.777 -> 0.776, seeds entities 0.755 -> 0.753, relations 0.523 -> 0.517. Without the
cue condition (every unlabelled armed group) dev slot mean 0.815 but casualty tune 0.757 (blamed 0.714 -> 0.583),
seeds entities 0.729, dev mentions 0.799: groups merely mentioned became claimants and accused. Presetting the same
groups before `ner` (`salve_gazetteer.actors`) was rejected earlier and again on these models (seeds entities 0.725,
casualty tune 0.748). Nothing else is changed.

With `layout` on, an entity inside a wire dateline ("Téhéran, 12 décembre (Pars Today) – ", `datelines.py`) is
dropped: the dateline names where the dispatch was filed, and a capital there is no actor (guidelines D31). An
entity that runs across a line break is cut before it (D31: no gold entity of the 6,075 in the training and
development texts crosses one): the recogniser runs a title's last words into the next paragraph's dateline or
timestamp ("le camp de la MINUSMA\n\nBAMAKO", "une base en Irak\n\n8 h 00 - Bonjour"). Likewise a span other than a WEAPON is cut before its first
comma, semicolon, colon or quote mark (D38: no gold ACTOR, BASE, CASUALTY or ATTACK span holds one): "les forces
armées jordaniennes, évoquant de « légers dégâts" ran into the next clause.

With `attacker_phrases` on, D22's generic designation of the attackers that the recogniser left unlabelled becomes
an ACTOR in the attack's sentence: the agent after an attack mention ("attaqué jeudi par `des combattants
jihadistes`") or the subject before one ("`Des éléments de la secte Boko Haram`, arrivés à bord d'embarcations, ont
attaqué"); the relation model then relates it (or `salve_events.role_actors` drops it). On: on 3 models (random
seeds 1-3, trained without the seeds) dev mentions 0.818 -> 0.821, dev blamed 0.586 -> 0.658, dev slot mean 0.837 ->
0.847, casualty check blamed 0.524 -> 0.571; held-out and casualty tune unchanged.

With `media_names` on, a BASE span named right after a media noun ("sur la chaîne `Al-Massira`", "l'agence
officielle `Tasnim`") is dropped: an outlet cited as a source is no installation, and as a target it takes the
attack mentions and casualties of the news event into an event of its own (guidelines D35). "le site" is not a media
noun: it names installations. With `bare_auxiliaries` on, an ATTACK span of auxiliaries, negations and punctuation
only ("avaient «") is dropped (D35): no gold trigger of the training and development texts is one. With
`installation_words` on, a BASE span that has no installation word and names no installation of the gazetteer
("Kiryat Shmona", "Centre-Nord", "Ayman Safadi", `Knowledge.names_installation`) is dropped (D35): a town, a region
or a person is no installation, and 1 of the 1,235 gold BASE spans has neither.

With `partitive_victims` on, a partitive pronoun of people that the recogniser left unlabelled ("`trois d'entre
eux` ont été blessés", "`l'un d'eux` a succombé") becomes a CASUALTY when a casualty verb follows it in its clause
(guidelines D36); "abattus" and "touchés" do not count, they are said of drones and missiles as often. With
`counted_victims` on, a counted group of people right before its passive or intransitive casualty verb ("`Une
quarantaine de militaires tchadiens` ont été tués") becomes a CASUALTY when the recogniser left it unlabelled (D38:
it misses such phrases after a dateline; 122 of the 126 such phrases of the training, development and seed texts
are gold CASUALTY, the 4 others unannotated victims of background attacks).
"""
import re
from typing import List, Optional, Set

from spacy.language import Language
from spacy.tokens import Doc, Span

from .attribution import accused_candidates
from .datelines import datelines as find_datelines
from .knowledge import normalise
from .knowledge_component import KnowledgeComponent
from .labels import ACTOR, ATTACK, BASE, CASUALTY, WEAPON
from .normalisation import normalise_in_place
from .rule_entities import named_armed_groups
from .sentences import sentence_bounds, sentence_index

_PERSON = re.compile(r"\b(soldat|militaire|personne|civil|enfant|homme|femme|garde|policier|agent|employe|membre|"
                     r"combattant|volontaire|casque|marine|officier|contractuel|sous traitant|blesse|mort|tue|victime)")


# Auxiliaries kept in a verb-group trigger ("ont visé", "s'est écrasé", "a été touchée"), matched on the lower-cased
# text (accent-free "a" would also be the preposition "à").
_AUXILIARIES = {"a", "ont", "avait", "avaient", "aurait", "auraient", "été", "est", "sont", "était", "étaient",
                "se", "s'", "s’"}


# A media noun, with up to two words of qualification ("la chaîne de télévision qatarie", "l'agence officielle"),
# right before a BASE span (accent-free, lower-cased text). Not "site": "le site" names an installation.
_MEDIA_BEFORE = re.compile(r"\b(chaine|chaines|television|televisions|agence|agences|journal|quotidien|radio|media|"
                           r"medias|hebdomadaire|magazine|site d'information|site internet)"
                           r"(?: (?:de television|d'information|de presse|d'etat|de l'etat))?"
                           r"(?: (?!(?:a|au|aux|de|des|du|la|le|les|l'|d'|et|en|sur|ont|est|sont|qui|que)\b)[\w'-]+)?\s*$")
_BARE_TRIGGER = _AUXILIARIES | {"n'", "n’", "ne", "pas", "y"}


# D36: a partitive pronoun ("trois d'entre eux", "l'un d'eux") followed in its clause by a casualty verb.
_PARTITIVE = re.compile(r"(?<![\w'’])((?:l['’]une?|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|"
                        r"quinze|vingt|plusieurs|certains|certaines|\d+)\s+d['’](?:entre\s+)?(?:eux|elles))(?!\w)",
                        re.IGNORECASE)
# The victim's verb: passive ("ont été blessés", not "ont tué trois soldats": attackers), intransitive or a wound
# noun; never negated ("n'a pas été blessé").
_CASUALTY_VERB_AFTER = re.compile(r"^(?![^,;.:!?]{0,40}?\b(?:n'|ne )[^,;.:!?]{0,20}?(?:ete|bless|succomb|mort|decede|peri))"
                                  r"[^,;.:!?]{0,40}?\b(ete (?:\w+ )?(?:bless\w*|tue|tues|tuee|tuees|hospitalise\w*)|"
                                  r"blessure\w*|mort|morts|morte|mortes|succombe\w*|decede\w*|peri|peris)\b")


def partitive_victims(doc: Doc, ents: List[Span]) -> List[Span]:
    """CASUALTY spans for unlabelled partitive pronouns of victims ("trois d'entre eux ont été blessés", D36)."""
    taken = {i for e in ents for i in range(e.start, e.end)}
    out = []
    for match in _PARTITIVE.finditer(doc.text):
        if not _CASUALTY_VERB_AFTER.search(normalise(doc.text[match.end():match.end() + 80]).lower()):
            continue
        span = doc.char_span(match.start(1), match.end(1), label=CASUALTY, alignment_mode="expand")
        if span is not None and not taken.intersection(range(span.start, span.end)):
            out.append(span)
            taken.update(range(span.start, span.end))
    return out


# D38: a counted group of people right before its passive casualty verb ("Une quarantaine de militaires tchadiens
# ont été tués", "Deux soldats américains ont été légèrement blessés"), matched on the accent-free, lower-cased text
# with offsets kept. The number comes first; up to three qualifying words follow the noun, with no punctuation; not
# after "les"/"ces" ("les deux militaires ont été blessés" speaks of victims already counted).
_NUMBER = (r"(?:au moins |plus de |pres de |environ |quelque |une |un )?(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|"
           r"huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante|cent|plusieurs|"
           r"(?:dizaine|douzaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|soixantaine|centaine)s?)")
_VICTIM_NOUN = (r"(?:soldats?|militaires?|personnes?|civils?|policiers?|gendarmes?|combattants?|membres?|employes?|"
                r"agents?|casques? bleus?|marines?|sous-traitants?|miliciens?|gardes?|officiers?|conscrits?|americains?|"
                r"francais)")
_COUNTED_VICTIMS = re.compile(rf"(?<![\w'])({_NUMBER}(?: (?:de|d'))? {_VICTIM_NOUN}(?: (?!(?:ont|a|sont|est|qui|et|ou)\b)"
                              r"[\w'-]+){0,3}) (?:ont|a|sont) (?:tous |toutes |aussi |egalement )?(?:ete )?"
                              r"(?:\w+ment )?(?:tues?|tuees?|bless\w+|morts?|peri|peris|succombe)\b")

# D39: the elliptical others after a first toll ("ont été tués et `une soixantaine d'autres` blessés", "deux morts et
# `trois autres` blessés"); 17 of the 17 such phrases of the training, development and seed texts are gold CASUALTY.
_OTHER_VICTIMS = re.compile(rf"\b(?:tues?|tuees?|bless\w+|morts?)(?: [\w'-]+){{0,3}}? et ({_NUMBER} (?:d')?autres) "
                            r"(?:ont ete |sont )?(?:\w+ment )?(?:bless\w+|tues?|tuees?)\b")


def counted_victims(doc: Doc, ents: List[Span]) -> List[Span]:
    """CASUALTY spans for unlabelled counted victims before their casualty verb (D38) and for the others of a second
    toll (D39): the recogniser misses them after a dateline ("N'DJAMENA - Une quarantaine de militaires tchadiens ont
    été tués") and in ellipses ("et une soixantaine d'autres blessés")."""
    taken = {i for e in ents for i in range(e.start, e.end)}
    out = []
    plain = normalise_in_place(doc.text).lower()
    matches = sorted([*_COUNTED_VICTIMS.finditer(plain), *_OTHER_VICTIMS.finditer(plain)], key=lambda m: m.start(1))
    for match in matches:
        if re.search(r"\b(les|ces|des|leurs|ses) $", plain[max(0, match.start(1) - 6):match.start(1)]):
            continue  # "les deux militaires": victims already counted
        span = doc.char_span(match.start(1), match.end(1), label=CASUALTY, alignment_mode="expand")
        if span is not None and not taken.intersection(range(span.start, span.end)):
            out.append(span)
            taken.update(range(span.start, span.end))
    return out


def names_a_medium(doc: Doc, span: Span) -> bool:
    """A span named right after a media noun in its own sentence ("la chaîne `Al-Massira`", D35)."""
    before = doc.text[max(0, span.start_char - 60):span.start_char]
    before = re.split(r"[.!?\n]", before)[-1]
    return bool(_MEDIA_BEFORE.search(normalise(before).lower()))


def is_bare_trigger(span: Span) -> bool:
    """An ATTACK span with no word but auxiliaries, negations and punctuation ("avaient «", D35)."""
    return all(t.is_punct or t.lower_ in _BARE_TRIGGER for t in span)


# D22's generic designations of attackers, as the head of an agent ("attaqué par des combattants jihadistes") or of
# a sentence's subject ("Des éléments de la secte Boko Haram ... ont attaqué").
_ATTACKER_HEADS = {"assaillants", "attaquants", "terroristes", "jihadistes", "djihadistes", "insurges", "combattants",
                   "elements", "hommes", "rebelles", "miliciens", "islamistes", "kamikazes", "groupes", "individus"}
_DETERMINERS = {"des", "les", "de", "d'", "du", "la", "le", "l'", "un", "une"}
_PHRASE_STOP = {"qui", "que", "selon", "dans", "a", "ont", "avait", "avaient", "sont", "est", "se", "s'", "en", "sur",
                "contre", "vers", "au", "aux", "lors", "depuis", "avec", "pendant", "apres", "avant", "et", "ou",
                "venus", "arrives", "lourdement", "non", "pres", "pour", "y"}


def _phrase(doc: Doc, start: int, end: int) -> Optional[Span]:
    """The attacker phrase starting at token `start` (determiners skipped), before `end`: a head of
    `_ATTACKER_HEADS`, its adjectives, and "de"/"de la" + proper names ("éléments de la secte Boko Haram")."""
    i = start
    while i < end and normalise(doc[i].text) in _DETERMINERS:
        i += 1
    if i >= end or normalise(doc[i].text) not in _ATTACKER_HEADS:
        return None
    first, j = i, i + 1
    while j < end:
        word = normalise(doc[j].text)
        if doc[j].is_punct or doc[j].is_space or not word:
            break
        if word in ("de", "d'", "du", "de la") and j + 1 < end:
            k = j + 1
            while k < end and normalise(doc[k].text) in ("la", "l'"):
                k += 1
            if k < end and (doc[k].is_title or normalise(doc[k].text) in ("secte", "groupe", "mouvement")):
                j = k
                continue
            break
        if word in _PHRASE_STOP or word in _DETERMINERS:
            break
        j += 1
    if normalise(doc[j - 1].text) in _ATTACKER_HEADS - {"assaillants", "terroristes", "jihadistes", "djihadistes",
                                                        "insurges", "rebelles", "islamistes", "kamikazes"} and j - first == 1:
        return None  # a bare "des hommes", "des groupes", "des éléments" says nothing of who they are
    return Span(doc, first, j, label=ACTOR)


def find_attacker_phrases(doc: Doc, ents: List[Span]) -> List[Span]:
    """ACTOR spans for D22's generic designations of attackers that overlap no entity: the agent after an attack
    mention ("attaqué jeudi par des combattants jihadistes") and a subject before one ("Les assaillants ... ont
    tiré"), in the attack's sentence."""
    taken = {i for e in ents for i in range(e.start, e.end)}
    bounds = sentence_bounds(doc)
    attacks = [e for e in ents if e.label_ == ATTACK]
    out: List[Span] = []
    for sent in sorted({sentence_index(bounds, a.start_char) for a in attacks}):
        s_char, e_char = bounds[sent]
        sent_span = doc.char_span(s_char, e_char, alignment_mode="expand")
        if sent_span is None:
            continue
        first_attack = min(a.start for a in attacks if sentence_index(bounds, a.start_char) == sent)
        starts = [i + 1 for i in range(first_attack, sent_span.end - 1) if normalise(doc[i].text) == "par"]
        if normalise(doc[sent_span.start].text) in ("des", "les", "d'", "de"):
            starts.append(sent_span.start)
        for start in starts:
            span = _phrase(doc, start, sent_span.end)
            if span is None or span.start < sent_span.start or taken.intersection(range(span.start, span.end)):
                continue
            if start == sent_span.start and span.end > first_attack:
                continue
            out.append(span)
            taken.update(range(span.start, span.end))
    return out


# No gold ACTOR, BASE, CASUALTY or ATTACK span of the training, development and seed texts holds one of these (one
# WEAPON does): a span that runs over them has swallowed the next clause ("les forces armées jordaniennes, évoquant
# de « légers dégâts").
_CLAUSE_PUNCT = {",", ";", ":", "«", "»", "“", "”"}


def _before_clause_punct(ent: Span) -> Optional[Span]:
    """`ent` itself, or its part before its first comma, semicolon, colon or quote mark (leading ones skipped; None
    if nothing is left); a WEAPON is kept whole."""
    if ent.label_ == WEAPON:
        return ent
    doc, start = ent.doc, ent.start
    while start < ent.end and doc[start].text in _CLAUSE_PUNCT:
        start += 1
    end = next((i for i in range(start, ent.end) if doc[i].text in _CLAUSE_PUNCT), ent.end)
    if start == ent.start and end == ent.end:
        return ent
    return Span(doc, start, end, label=ent.label) if end > start else None


def _before_line_break(ent: Span) -> Optional[Span]:
    """`ent` itself, or its part before its first line break (None if nothing is left; leading breaks are skipped)."""
    doc = ent.doc
    start = ent.start
    while start < ent.end and doc[start].is_space:
        start += 1
    if start > ent.start:
        ent = Span(doc, start, ent.end, label=ent.label) if start < ent.end else None
        return _before_line_break(ent) if ent is not None else None
    for i in range(ent.start, ent.end):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            end = i + 1 if "\n" in doc[i].whitespace_ and "\n" not in doc[i].text else i
            while end > ent.start and doc[end - 1].is_space:
                end -= 1
            return Span(doc, ent.start, end, label=ent.label) if end > ent.start else None
    return ent


# No gold ACTOR span of the training, development and seed texts (744) holds an attack word of the knowledge's cues or
# one of these installation words: an ACTOR that runs over them has swallowed its own clause, as in a headline
# ("la Résistance islamique frappe la base d'occupation américaine de Harir"), D38.
_ACTOR_STOP = {"base", "bases", "camp", "camps", "aeroport", "aerodrome", "caserne", "ambassade", "garnison"}


def actor_before_deed(ent: Span, attack_words: Set[str]) -> Optional[Span]:
    """`ent` itself, or the part of an ACTOR before its first attack or installation word (None if no word is
    left but determiners)."""
    if ent.label_ != ACTOR:
        return ent
    end = next((i for i in range(ent.start, ent.end)
                if normalise(ent.doc[i].text).lower() in attack_words | _ACTOR_STOP), ent.end)
    if end == ent.end:
        return ent
    if all(normalise(t.text).lower() in _DETERMINERS for t in ent.doc[ent.start:end]):
        return None
    return Span(ent.doc, ent.start, end, label=ent.label)


@Language.factory("salve_entity_checks", assigns=["doc.ents"], requires=["doc.ents"],
                  default_config={"attack_cues": False, "person_weapons": True, "actor_bases": False,
                                  "armed_groups": True, "layout": True,
                                  "attacker_phrases": True, "media_names": True, "bare_auxiliaries": True,
                                  "installation_words": True, "partitive_victims": True, "accused_actors": True,
                                  "counted_victims": True})
def make_entity_checks(nlp: Language, name: str, attack_cues: bool, person_weapons: bool,
                       actor_bases: bool, armed_groups: bool, layout: bool, attacker_phrases: bool,
                       media_names: bool, bare_auxiliaries: bool, installation_words: bool,
                       partitive_victims: bool, accused_actors: bool, counted_victims: bool) -> "EntityChecks":
    return EntityChecks(nlp, name, attack_cues, person_weapons, actor_bases, armed_groups, layout, attacker_phrases,
                        media_names, bare_auxiliaries, installation_words, partitive_victims, accused_actors,
                        counted_victims)


class EntityChecks(KnowledgeComponent):
    def __init__(self, nlp: Language, name: str, attack_cues: bool = False, person_weapons: bool = True,
                 actor_bases: bool = False, armed_groups: bool = True, layout: bool = True,
                 attacker_phrases: bool = True, media_names: bool = True, bare_auxiliaries: bool = True,
                 installation_words: bool = True, partitive_victims: bool = True, accused_actors: bool = True,
                 counted_victims: bool = True):
        super().__init__(nlp, name)
        self.counted_victims = counted_victims
        self.accused_actors = accused_actors
        self.partitive_victims = partitive_victims
        self.installation_words = installation_words
        self.media_names = media_names
        self.bare_auxiliaries = bare_auxiliaries
        self.attacker_phrases = attacker_phrases
        self.layout = layout
        self.attack_cues = attack_cues
        self.person_weapons = person_weapons
        self.actor_bases = actor_bases
        self.armed_groups = armed_groups
        self.setup()

    def setup(self) -> None:
        self._attack_words: Set[str] = {normalise(c.rstrip("$")) for c in self.knowledge.cues.get("attack", [])}

    def __call__(self, doc: Doc) -> Doc:
        ents: List[Span] = []
        changed = False
        filed = find_datelines(doc.text) if self.layout else []
        for ent in doc.ents:
            if self.layout:
                cut = _before_line_break(ent)
                cut = _before_clause_punct(cut) if cut is not None else None
                cut = actor_before_deed(cut, self._attack_words) if cut is not None else None
                if cut is not ent:
                    changed = True
                    if cut is None:
                        continue
                    ent = cut
            if any(start <= ent.start_char and ent.end_char <= end for start, end in filed):
                changed = True
                continue
            if ent.label_ == CASUALTY and self.is_weapon(ent):
                ent = Span(doc, ent.start, ent.end, label=WEAPON)
                changed = True
            elif ent.label_ == WEAPON and self.person_weapons and self.is_people(ent):
                ent = Span(doc, ent.start, ent.end, label=CASUALTY)
                changed = True
            elif ent.label_ == BASE and self.actor_bases and self.is_actor(ent):
                ent = Span(doc, ent.start, ent.end, label=ACTOR)
                changed = True
            if self.is_no_entity(doc, ent):
                changed = True
                continue
            ents.append(ent)
        adders = ((self.attack_cues and bool(self._attack_words), self.cued_attacks),
                  (self.armed_groups, self.attributed_groups),
                  (self.partitive_victims, partitive_victims),
                  (self.counted_victims, counted_victims),
                  (self.attacker_phrases, find_attacker_phrases),
                  (self.accused_actors, self.accused))
        for enabled, add in adders:
            added = add(doc, ents) if enabled else []
            if added:
                ents = sorted(ents + added, key=lambda e: e.start)
                changed = True
        if changed:
            doc.ents = ents
        return doc

    def is_no_entity(self, doc: Doc, ent: Span) -> bool:
        """D35: an outlet named as a source, a BASE that names no installation, an ATTACK of auxiliaries alone."""
        if ent.label_ == BASE:
            return ((self.media_names and names_a_medium(doc, ent))
                    or (self.installation_words and not self.knowledge.names_installation(ent.text)))
        return ent.label_ == ATTACK and self.bare_auxiliaries and is_bare_trigger(ent)

    def attributed_groups(self, doc: Doc, ents: List[Span]) -> List[Span]:
        """ACTOR spans for the gazetteer's armed groups that overlap no entity, in sentences with a claim or blame cue."""
        groups = named_armed_groups(doc, self.knowledge)
        if not groups:
            return []
        taken = {i for e in ents for i in range(e.start, e.end)}
        bounds, text = sentence_bounds(doc), doc.text
        out = []
        for span in groups:
            start, end = bounds[sentence_index(bounds, span.start_char)]
            sentence = text[start:end]
            if (not taken.intersection(range(span.start, span.end))
                    and (self.knowledge.is_claim(sentence) or self.knowledge.has_cue("blame", sentence))):
                out.append(span)
                taken.update(range(span.start, span.end))
        return out

    def accused(self, doc: Doc, ents: List[Span]) -> List[Span]:
        """ACTOR spans for the unlabelled accused of attribution frames ("attribuée à des « groupes soutenus par
        l'Iran »", "a accusé l'Iran d'être derrière", D37, `attribution.py`)."""
        return [span for span, _ in accused_candidates(doc, self.knowledge, ents)]

    def cued_attacks(self, doc: Doc, ents: List[Span]) -> List[Span]:
        """ATTACK spans for unlabelled attack cue words in sentences with a BASE or WEAPON."""
        bounds = sentence_bounds(doc)
        with_argument = {sentence_index(bounds, e.start_char) for e in ents if e.label_ in (BASE, WEAPON)}
        if not with_argument:
            return []
        taken = {i for e in ents for i in range(e.start, e.end)}
        added: List[Span] = []
        for token in doc:
            if token.i in taken or normalise(token.text) not in self._attack_words:
                continue
            sent = sentence_index(bounds, token.idx)
            if sent not in with_argument:
                continue
            start = token.i
            while (start > 0 and start - 1 not in taken and doc[start - 1].lower_ in _AUXILIARIES
                   and doc[start - 1].idx >= bounds[sent][0]):
                start -= 1
            added.append(Span(doc, start, token.i + 1, label=ATTACK))
            taken.update(range(start, token.i + 1))
        return added

    def is_actor(self, span: Span) -> bool:
        return self.knowledge.link_installation(span.text) is None and self.knowledge.link_actor(span.text) is not None

    def is_people(self, span: Span) -> bool:
        return self.knowledge.weapon_type(span.text) is None and bool(_PERSON.search(normalise(span.text)))

    def is_weapon(self, span: Span) -> bool:
        return self.knowledge.weapon_type(span.text) is not None and not _PERSON.search(normalise(span.text))
