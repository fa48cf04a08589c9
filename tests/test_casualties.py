"""Casualty conventions of the event builder (guidelines D17-D20): negations, kinds, sums, "nobody was hurt"
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
