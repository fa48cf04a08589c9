"""News or background: whether an ATTACK mention reports the attack of the article or recalls another one.

The one place for guideline D20 (and D26): a background mention is annotated like any other, but it makes no
event, so neither its target nor its casualties reach the events of the article. A mention is background when:
- it is a state's strike on a site that is not a known installation (D3; on a gazetteer installation it is an
  attack, D25, unless the gazetteer says an armed group holds it, `held_by: non-state`): "frappes aériennes
  américaines", "raid de représailles";
- an "earlier" word stands by it: "une précédente attaque", "la dernière attaque";
- it is an aggregate of many attacks: "une trentaine d'attaques", "plusieurs attaques de drones", "plusieurs
  dizaines de tirs" (a campaign, not one attack);
- it sits in a clause that dates it before the news: "trois semaines après `l'attaque` contre la Tour 22",
  "la plus meurtrière depuis `l'assaut` contre la base de Bohoma" (in the news sentence too, when the clause comes
  after a comma: "Un drone a frappé la base …, moins d'un mois après `l'attaque` qui avait tué …", D30);
- it is what a retaliation answers: "en représailles à `la frappe` contre le consulat" (D30);
- its sentence dates it in the past: a month or season with a year ("en janvier 2016", "à l'automne 2019",
  "entre 2018 et 2022"), "l'an dernier", "ces derniers mois", "déjà"; or a pluperfect verb together with any
  time expression ("En mars, une frappe … avait tué", "Trois ans plus tôt, … avait tué").
Dates count where they concern the mention: in its clause or in the sentence's opening adverbial; a pluperfect
counts in the main clause, not in reported speech ("a assuré qu'aucun soldat n'avait été blessé") or a relative
clause. The sentence of the first attack mention (and the lede after a title) is never background by its dates (only by
a late clause of its own, above):
it reports the news, and a clause dated to the news ("mardi", "dans la nuit") is not background unless its
sentence's main verb is pluperfect.
"""
import re
from typing import List, Optional, Tuple

from spacy.tokens import Span

from .knowledge import normalise
from .sentences import sentence_index

_STRIKE_NOUNS = {"frappe", "frappes", "raid", "raids", "bombardement", "bombardements", "represailles", "riposte"}
_STATE_STRIKE = re.compile(r"^(aerien\w*|americain\w*|israelien\w*|russe\w*|turque?s?|francais\w*|britannique\w*|"
                           r"de (represailles|riposte)|de la coalition|des etats unis|de l'armee|du pentagone)")
_EARLIER = {"precedente", "precedentes", "precedent", "derniere", "ancienne", "anterieure", "anterieures"}
_AGGREGATE = re.compile(r"\b(plusieurs|nombreuses|nombreux|multiples|maintes|serie|vague|succession|"
                        r"(une )?(dizaine|vingtaine|trentaine|quarantaine|cinquantaine|centaine)s?|dizaines|centaines|"
                        r"nombre|ces|de telles|tant)( de| d')?( dizaines de| dizaines d')?$")
# Month and year patterns of normalised text, shared with the event builder (new dates, campaign totals).
MONTH_PATTERN = r"(janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)"
_SEASON = r"(printemps|ete|automne|hiver|debut|fin|mi)"
YEAR_PATTERN = r"(19|20)\d\d"
# Dates that put an attack before the news by themselves.
_DATED_PAST = re.compile(
    rf"\b(en|depuis|des|entre|avant) ({MONTH_PATTERN} )?{YEAR_PATTERN}\b|\b{_SEASON} {YEAR_PATTERN}\b|\b{MONTH_PATTERN} {YEAR_PATTERN}\b|"
    rf"\bentre {YEAR_PATTERN} et {YEAR_PATTERN}\b|\b(l'an|l'annee) (dernier|derniere|passee?)\b|\b{MONTH_PATTERN} dernier\b|"
    r"\b(le mois|la semaine) derni\w+\b|\bces derni\w+ (jours|semaines|mois|annees)\b|\bdeja\b|\bauparavant\b|"
    r"\bprecedemment\b|\bil y a (deux|trois|quatre|cinq|six|sept|huit|neuf|dix|plusieurs|quelques) (semaines|mois|ans)\b|"
    r"\b(\w+ )?(semaines|mois|ans|annees) plus (tot|tard)\b|\b(regulierement|frequemment|souvent|habituellement|quotidien\w*|pendant des (annees|mois))\b")
# A clause that places what follows it before the news: "trois semaines après …", "depuis l'assaut …".
_BEFORE_CLAUSE = re.compile(r"\b(un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quelques|plusieurs|\d+) "
                            r"(jours?|semaines?|mois|ans?|annees?) (apres|avant)\b[^,;:]*$|\bdepuis (l'|le |la |les |celle |celui )?$")
# What a retaliation answers is an earlier attack: "en représailles à `la frappe` contre le consulat", "en riposte à
# `l'attaque` de mardi" (the news is the retaliation).
_RETALIATED = re.compile(r"\b(represailles|riposte|reponse|vengeance|venger)\W+(a|aux|au|apres|contre)"
                         r"(\W+(la|le|l|les|cette|ces|ce|cet))?(\W+\w+)?\W*$")
_PLUPERFECT = re.compile(r"\b(avai(t|ent)|s'etai(t|ent)) |\betai(t|ent) (deja |a son tour |alors )?"
                         r"(attaque|vise|cible|frappe|touche|pris|bombarde|pilonne)")
_ANY_TIME = re.compile(rf"\b({MONTH_PATTERN}|{YEAR_PATTERN}|plus tot|auparavant|deja|avant|apres|lorsque|lors|derni\w+|"
                       r"precedent\w*|semaines?|mois|ans|annees?)\b")
_FINITE = re.compile(r"\b(a|ont|est|sont|était|étaient|fait|font)\s")
_SEPARATORS = (",", ";", ":", "(", ")", "\u2013", "\u2014")
_SUBORDINATE = re.compile(r"\b(qu'|(que|qui|dont|lequel|laquelle|lesquels|lesquelles)\b)")
_NEWS_TIME = re.compile(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd'hui|ce matin|ce soir|"
                        r"cette nuit|dans la nuit|vendredi soir|la veille)\b")


def is_plural(span: Span) -> bool:
    """A mention whose first word is plural ("attaques", "frappes"), not a verb ("sont", "s'est")."""
    first = normalise(span[0].text) if len(span) else ""
    return first.endswith(("s", "x")) and first not in {"se", "sont", "s'est"}


def is_aggregate(mention: Span, text: Optional[str] = None) -> bool:
    """ "une trentaine d'attaques", "plusieurs attaques", "plusieurs dizaines de tirs": many attacks, not one.
    `text` is the doc's text when the caller has it (spaCy rebuilds `doc.text` on every access)."""
    text = mention.doc.text if text is None else text
    before = normalise(text[max(0, mention.start_char - 40):mention.start_char])
    return is_plural(mention) and bool(_AGGREGATE.search(before))


def _clause_scope(text: str, sentence: Tuple[int, int], mention: Span) -> Tuple[str, str]:
    """The mention's clause (between commas, colons, semicolons, dashes or brackets) and the sentence's opening
    adverbial ("En janvier 2016, …"): where dates that concern the mention stand; as written (lower case: the
    verb "a" is not the preposition "à") and normalised."""
    start, end = sentence
    left = max([text.rfind(sep, start, mention.start_char) for sep in _SEPARATORS] + [start - 1]) + 1
    rights = [i for i in (text.find(sep, mention.end_char, end) for sep in _SEPARATORS) if i != -1]
    comma = text.find(",", start, mention.start_char)
    opening = text[start:comma] if comma != -1 and comma < left else ""
    scope = opening + " , " + text[left:min(rights) if rights else end]
    return scope.lower(), normalise(scope)


def _main_pluperfect(sentence: str, scope: str, written_scope: str) -> bool:
    """A pluperfect verb that dates the mention: in its clause, or in the main clause when the mention's clause has
    no verb of its own ("En mars, une frappe de drone contre un site …, avait tué"); never in a completive or
    relative clause ("qu'aucun soldat n'avait été blessé" is reported speech, "la base, qui avait été visée" a
    description)."""
    if _pluperfect_in(scope):
        return True
    return not _FINITE.search(written_scope) and _pluperfect_in(sentence)


def _pluperfect_in(text: str) -> bool:
    for match in _PLUPERFECT.finditer(text):
        clause = re.split(r"[,;:]", text[:match.start()])[-1]
        if not _SUBORDINATE.search(clause):
            return True
    return False


def protected_sentences(doc_text: str, bounds: List[Tuple[int, int]], first_sentence: int) -> Tuple[int, ...]:
    """The sentences that report the news whatever their dates: the first with an attack mention and, when that one
    is a title line, the next one too (the lede)."""
    start, end = bounds[first_sentence]
    line = doc_text[start:end]
    title = "\n" in line and line.strip()[-1:] not in (".", "!", "?")
    return (first_sentence, first_sentence + 1) if title else (first_sentence,)


# What a strike verb hits, right after it: "ont frappé un quartier résidentiel", "a touché un immeuble d'habitation"
_STRIKE_VERB = re.compile(r"\b(frappe\w*|touche\w*|vise\w*|cible\w*|bombarde\w*|pilonne\w*)$")
_CIVILIAN_PLACE = re.compile(r"^(un |une |des |le |la |les |l'|plusieurs )?(\w+ )?"
                             r"(quartiers?|immeubles?|batiments? (residentiels?|d'habitation)|zones? residentielles?|"
                             r"habitations?|maisons?|marches?|hopita(l|ux)|ecoles?|mosquees?|eglises?|autobus|"
                             r"centres? commerci\w+|gares?)\b")


def hits_civilians(mention: Span, text: Optional[str] = None) -> bool:
    """An ATTACK verb with no installation whose object is a civilian place ("des missiles russes ont frappé `un
    quartier résidentiel`"): out of scope (section 1), so it makes no event and its casualties reach no event of the
    article (D27). A munition that falls on a house during an attack on a base ("la troisième est tombée sur une
    maison") is not such a strike."""
    text = mention.doc.text if text is None else text
    if not _STRIKE_VERB.search(normalise(mention.text)):
        return False
    return bool(_CIVILIAN_PLACE.match(normalise(text[mention.end_char:mention.end_char + 60])))


def is_background(mention: Span, bounds: List[Tuple[int, int]], protected: Tuple[int, ...] = (0,),
                  linked_target: bool = False, text: Optional[str] = None) -> bool:
    """A mention that must not make an event (see the module docstring). `bounds` are the doc's sentences and
    `protected` those that report the news (`protected_sentences`)."""
    doc = mention.doc
    text = doc.text if text is None else text
    words = [normalise(t.text) for t in mention]
    after = normalise(doc[mention.end:min(len(doc), mention.end + 4)].text)
    if words and words[0] in _STRIKE_NOUNS and _STATE_STRIKE.match(after) and not linked_target:
        return True
    before_words = [normalise(t.text) for t in doc[max(0, mention.start - 3):mention.start]]
    if any(w in _EARLIER for w in before_words + words) or is_aggregate(mention, text):
        return True
    if _RETALIATED.search(normalise(text[max(0, mention.start_char - 40):mention.start_char])):
        return True
    index = sentence_index(bounds, mention.start_char)
    start, end = bounds[index]
    before_clause = _BEFORE_CLAUSE.search(normalise(text[start:mention.start_char]))
    if index in protected:
        # the news sentence reports the news, but a clause after its main one can still date another attack:
        # "Un drone a frappé dimanche la base …, moins d'un mois après `l'attaque` qui avait tué …"
        return bool(before_clause) and "," in text[start:start + before_clause.start()]
    if before_clause:
        return True
    written_scope, scope = _clause_scope(text, bounds[index], mention)
    sentence = normalise(text[start:end])
    pluperfect = _main_pluperfect(sentence, scope, written_scope)
    if _NEWS_TIME.search(scope) and not pluperfect:
        return False
    return bool(_DATED_PAST.search(scope)) or (pluperfect and bool(_ANY_TIME.search(sentence)))
