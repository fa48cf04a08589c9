"""Casualty conventions of the event builder (guidelines D17-D20, D27, D30): negations, kinds, sums, "nobody was hurt"
statements without a CASUALTY mention, and background mentions that make no event."""
import pytest
import spacy
from conftest import annotated_doc

from salve.pipeline.casualties import cue_kind, no_victim_statements
from salve.pipeline.events import build_events

NLP = spacy.blank("fr")
BASE = "la base aérienne d'Aïn al-Asad"


def _event(knowledge, text, ents, rels):
    events = build_events(annotated_doc(NLP, text, ents, rels), knowledge)
    assert len(events) == 1, events
    return events[0]


def _counts(event):
    return tuple(None if event[k] is None else event[k]["count"] for k in ("killed", "injured"))


@pytest.mark.parametrize("statement, expected", [
    ("Il n'y a eu ni mort ni blessé.", (0, 0)),
    ("L'attaque n'a pas fait de victimes.", (0, 0)),
    ("Aucun blessé n'est à déplorer.", (None, 0)),
    ("Aucun mort n'a été signalé.", (0, None)),
    ("L'attaque s'est produite sans faire de victimes, selon l'armée.", (0, 0)),
    ("Personne n'a été blessé, selon la coalition.", (None, 0)),
    ("Les dégâts sont matériels.", (None, None)),
    # Guideline D27 (conventions developed on corpus/casualties/tune.jsonl)
    ("Aucun militaire américain ou qatari n'a été tué ou blessé.", (0, 0)),
    ("« Aucun soldat n'a été tué ni blessé », a déclaré le porte-parole.", (0, 0)),
    ("Les soldats présents sont sortis indemnes.", (0, 0)),
    ("L'attaque n'a fait ni victime ni dégât.", (0, 0)),
    # D30
    ("L'attaque n'a fait aucune victime mortelle.", (0, None)),
    # the verb before its negated object: "n'a pas fait de blessés", "n'ont pas causé de morts"
    ("Le tir n'a pas fait de blessés.", (None, 0)),
    ("Les obus n'ont pas causé de morts, selon l'armée.", (0, None)),
    ("La salve n'a provoqué aucune victime.", (0, 0)),
    # D39: a negative subject before "n'a été tué" ("Aucun n'a été tué", "aucun militaire n'avait été tué")
    ("Aucun n'a été tué, selon l'armée.", (0, None)),
    ("Le Pentagone a indiqué qu'aucun militaire n'avait été tué.", (0, None)),
    ("Nul ne sait si le chef n'a pas été tué.", (None, None)),
    ("Aucun soldat n'avait été blessé.", (None, 0)),
])
def test_no_victim_statements_without_a_casualty_mention(knowledge, statement, expected):
    text = f"Trois roquettes ont frappé {BASE}. {statement}"
    event = _event(knowledge, text, [("Trois roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE")],
                   [(1, 0, "USES"), (1, 2, "TARGETS")])
    assert _counts(event) == expected


def test_verb_negation_gives_zero(knowledge):
    text = f"Des roquettes ont frappé {BASE}, mais les soldats n'ont pas été blessés."
    event = _event(knowledge, text, [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                     ("les soldats", "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED")])
    assert _counts(event) == (None, 0)


def test_kind_follows_the_cue_words_not_a_wrong_relation(knowledge):
    text = f"Des roquettes ont frappé {BASE} : trois soldats ont été blessés."
    event = _event(knowledge, text, [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                     ("trois soldats", "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "KILLED")])
    assert _counts(event) == (None, 3)


def test_conjuncts_of_one_sentence_are_added_and_a_later_toll_supersedes(knowledge):
    text = (f"Des roquettes ont frappé {BASE}, où deux Américains et un Irakien ont été blessés. "
            "Selon un nouveau bilan, l'attaque a blessé cinq personnes.")
    event = _event(knowledge, text, [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                     ("deux Américains", "CASUALTY"), ("un Irakien", "CASUALTY"),
                                     ("attaque", "ATTACK"), ("cinq personnes", "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED"), (1, 4, "INJURED"), (5, 6, "INJURED")])
    assert _counts(event) == (None, 5)
    first = build_events(annotated_doc(NLP, text.split(" Selon")[0], [
        ("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"), ("deux Américains", "CASUALTY"),
        ("un Irakien", "CASUALTY")], [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED"), (1, 4, "INJURED")]),
        knowledge)[0]
    assert _counts(first) == (None, 3)


def test_state_strikes_and_recalled_attacks_make_no_event(knowledge):
    text = (f"Des roquettes ont frappé {BASE} mardi. Une précédente attaque avait visé l'aéroport d'Erbil. "
            "Des frappes aériennes américaines ont ensuite visé le camp Ashraf.")
    doc = annotated_doc(NLP, text, [
        ("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"), ("attaque", "ATTACK"),
        ("l'aéroport d'Erbil", "BASE"), ("frappes", "ATTACK"), ("le camp Ashraf", "BASE")],
        [(1, 0, "USES"), (1, 2, "TARGETS"), (3, 4, "TARGETS"), (5, 6, "TARGETS")])
    events = build_events(doc, knowledge)
    assert [e["target"]["text"] for e in events] == [BASE]


def test_cue_kinds():
    assert cue_kind("ont ete tues") == "killed" and cue_kind("legerement blesses") == "injured"
    assert cue_kind("sans faire de victimes") == "both" and cue_kind("des degats materiels") is None
    assert [k for _, k in no_victim_statements("Il n’y a eu aucune victime, ni aucun blessé.")] == ["both", "injured"]


def test_a_casualty_no_relation_reaches_joins_the_attack_of_the_previous_sentence(knowledge):
    text = f"Trois roquettes ont frappé {BASE} lundi. Deux soldats ont été blessés. Un civil a été tué."
    event = _event(knowledge, text, [("Trois roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                     ("Deux soldats", "CASUALTY"), ("Un civil", "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS")])
    assert _counts(event) == (1, 2)


def test_only_conjuncts_add_up(knowledge):
    text = (f"Des roquettes ont frappé {BASE} : deux soldats ont été blessés, selon l'armée, "
            "trois militaires selon une source locale.")
    event = _event(knowledge, text, [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                     ("deux soldats", "CASUALTY"), ("trois militaires", "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED"), (1, 4, "INJURED")])
    assert _counts(event) == (None, 3)  # two figures from two sources, not 5


# Guideline D27 (conventions developed on corpus/casualties/tune.jsonl)
def test_a_negated_span_with_both_verbs_gives_zero_killed_and_injured(knowledge):
    text = f"Des roquettes ont frappé {BASE}. Aucun militaire n'a été tué ni blessé, selon l'armée."
    event = _event(knowledge, text, [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                     ("Aucun militaire", "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "KILLED")])
    assert _counts(event) == (0, 0)


def test_the_attackers_dead_are_not_victims(knowledge):
    text = f"Des assaillants ont attaqué {BASE}, tuant un soldat ; cinq des assaillants ont été abattus."
    event = _event(knowledge, text, [("ont attaqué", "ATTACK"), (BASE, "BASE"), ("un soldat", "CASUALTY"),
                                     ("cinq des assaillants", "CASUALTY")],
                   [(0, 1, "TARGETS"), (0, 2, "KILLED"), (0, 3, "KILLED")])
    assert _counts(event) == (1, None)


def test_a_conjunct_no_relation_reaches_joins_its_enumeration(knowledge):
    text = (f"Trois roquettes ont frappé {BASE}. Un technicien irakien et un employé étranger d'une société de "
            "maintenance ont été blessés, ainsi qu'un soldat irakien.")
    event = _event(knowledge, text, [("Trois roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                     ("Un technicien irakien", "CASUALTY"), ("un employé étranger", "CASUALTY"),
                                     ("un soldat irakien", "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 5, "INJURED")])
    assert _counts(event) == (None, 3)


def test_an_enumeration_does_not_take_a_conjunct_of_the_other_kind(knowledge):
    text = f"Des roquettes ont frappé {BASE}, faisant un mort et deux blessés."
    event = _event(knowledge, text, [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                     ("un mort", "CASUALTY"), ("deux blessés", "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "KILLED")])
    assert _counts(event) == (1, 2)


def test_the_first_figure_stands_unless_a_later_one_revises_it(knowledge):
    def killed(later):
        text = f"Des roquettes ont frappé {BASE}, tuant trois soldats, selon l'armée. {later}"
        event = _event(knowledge, text, [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"),
                                         ("trois soldats", "CASUALTY"), ("six morts", "CASUALTY")],
                       [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "KILLED")])
        return _counts(event)[0]
    assert killed("Des sources médicales font état de six morts.") == 3      # another source
    assert killed("Le bilan s'est alourdi à six morts dans la soirée.") == 6  # a revision
    assert killed("Trois blessés ont succombé, ce qui porte le bilan à six morts.") == 6


def test_a_strike_on_a_civilian_place_gives_its_victims_to_no_event(knowledge):
    text = (f"Des drones ont visé {BASE} dans la nuit ; personne n'a été blessé. "
            "À Kharkiv, des missiles ont frappé un quartier résidentiel, faisant cinq morts et 17 blessés.")
    doc = annotated_doc(NLP, text, [("Des drones", "WEAPON"), ("ont visé", "ATTACK"), (BASE, "BASE"),
                                    ("des missiles", "WEAPON"), ("ont frappé", "ATTACK"), ("cinq morts", "CASUALTY"),
                                    ("17 blessés", "CASUALTY")],
                        [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, "USES"), (4, 5, "KILLED"), (4, 6, "INJURED")])
    events = build_events(doc, knowledge)
    assert len(events) == 1 and _counts(events[0]) == (None, 0)


@pytest.mark.parametrize("victims, apposition, verb, expected", [
    ("Au moins 75 personnes", "en majorité des soldats de l'Armée nationale libyenne", "ont été tuées", (75, None)),
    ("Trois militaires", "dont un officier", "ont été blessés", (None, 3)),
])
def test_the_verb_after_an_apposition_gives_the_kind(knowledge, victims, apposition, verb, expected):
    # D30: the orphan victims take the kind of the verb that follows their apposition
    text = f"{victims}, {apposition}, {verb} jeudi lors d'une attaque contre {BASE}."
    event = _event(knowledge, text, [(victims, "CASUALTY"), ("attaque", "ATTACK"), (BASE, "BASE")], [(1, 2, "TARGETS")])
    assert _counts(event) == expected


def test_a_casualty_span_with_victims_and_damage_is_a_victim_statement(knowledge):
    # D30: "sans faire ni victimes ni dégâts" names victims (material damage alone would not)
    text = f"Trois drones ont visé {BASE}, sans faire ni victimes ni dégâts."
    span = "sans faire ni victimes ni dégâts"
    event = _event(knowledge, text, [("Trois drones", "WEAPON"), ("ont visé", "ATTACK"), (BASE, "BASE"), (span, "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS")])
    assert _counts(event) == (0, 0)


def test_a_negated_victims_span_is_both_kinds_whatever_the_relation(knowledge):
    # D30 / D32: the relation said INJURED only; "victimes" negated still gives killed 0 and injured 0
    text = f"Trois drones ont visé {BASE}, sans faire ni victimes ni dégâts."
    span = "sans faire ni victimes ni dégâts"
    event = _event(knowledge, text, [("Trois drones", "WEAPON"), ("ont visé", "ATTACK"), (BASE, "BASE"), (span, "CASUALTY")],
                   [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED")])
    assert _counts(event) == (0, 0)


@pytest.mark.parametrize("relation, expected", [("KILLED", (0, 5)), ("INJURED", (0, 5)), (None, (0, 5))])
def test_an_orphan_fills_the_kind_the_related_mentions_do_not_say(knowledge, relation, expected):
    # D32: the title's "Cinq soldats" is injured by its cue words, whatever the relation, so the orphan
    # "Aucun soldat n'a été tué." two sentences later gives killed 0
    text = (f"Cinq soldats blessés dans une attaque contre {BASE}.\n\nDes roquettes ont frappé la base vendredi. "
            "Les blessés ont été évacués. Aucun soldat n'a été tué.")
    ents = [("Cinq soldats", "CASUALTY"), ("attaque", "ATTACK"), (BASE, "BASE"), ("Des roquettes", "WEAPON"),
            ("ont frappé", "ATTACK"), ("Aucun soldat", "CASUALTY")]
    rels = [(1, 2, "TARGETS"), (4, 3, "USES")] + ([(1, 0, relation)] if relation else [])
    assert _counts(_event(knowledge, text, ents, rels)) == expected


def test_victims_after_a_group_said_unharmed_give_the_figure(knowledge):
    # D38: the orphan's positive figure fills a relation only said of a group left unharmed
    text = (f"Des roquettes ont frappé {BASE} : aucun militaire de la coalition n'a été blessé. "
            "Deux employés irakiens ont en revanche été légèrement blessés par des éclats.")
    ents = [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), (BASE, "BASE"), ("aucun militaire de la coalition", "CASUALTY"),
            ("Deux employés irakiens", "CASUALTY")]
    assert _counts(_event(knowledge, text, ents, [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED")])) == (None, 2)
    # a related positive figure is not replaced by an orphan
    text = text.replace("aucun militaire de la coalition n'a été blessé", "trois militaires de la coalition ont été blessés")
    ents[3] = ("trois militaires de la coalition", "CASUALTY")
    assert _counts(_event(knowledge, text, ents, [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED")])) == (None, 3)


def test_a_later_figure_after_nobody_at_all_was_hurt_is_another_sources(knowledge):
    # D27 and D38: "sans faire ni victimes ni dégâts" is said of everyone; a later positive figure does not replace it
    text = (f"Trois drones ont visé {BASE} « sans faire ni victimes ni dégâts », selon l'armée. "
            "Une ONG a toutefois fait état de deux militaires blessés par des éclats.")
    ents = [("Trois drones", "WEAPON"), ("ont visé", "ATTACK"), (BASE, "BASE"), ("ni victimes ni dégâts", "CASUALTY"),
            ("deux militaires", "CASUALTY")]
    assert _counts(_event(knowledge, text, ents, [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED")])) == (0, 0)


def test_a_bare_number_that_revises_the_toll_in_the_same_sentence_is_the_figure(knowledge):
    # D38: "huit militaires blessés … avant de porter ce bilan à onze"
    text = (f"Un drone a frappé {BASE}. Le Pentagone a d'abord fait état de huit militaires blessés, avant de porter ce "
            "bilan à onze en fin de journée.")
    ents = [("Un drone", "WEAPON"), ("a frappé", "ATTACK"), (BASE, "BASE"), ("huit militaires", "CASUALTY")]
    assert _counts(_event(knowledge, text, ents, [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED")])) == (None, 11)
    text = text.replace("avant de porter ce bilan à onze", "dont deux grièvement")
    assert _counts(_event(knowledge, text, ents, [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED")])) == (None, 8)
