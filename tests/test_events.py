import json

import spacy
from conftest import annotated_doc

from salve.pipeline.events import build_events

NLP = spacy.blank("fr")


def test_headline_event_with_all_slots(knowledge):
    text = ("Au moins 14 roquettes ont frappé la base aérienne d'Ain al-Asad, blessant deux personnes. "
            "Kataeb Hezbollah a revendiqué l'attaque.")
    doc = annotated_doc(NLP, text, [
        ("Au moins 14 roquettes", "WEAPON"), ("ont frappé", "ATTACK"), ("la base aérienne d'Ain al-Asad", "BASE"),
        ("deux personnes", "CASUALTY"), ("Kataeb Hezbollah", "ACTOR"), ("attaque", "ATTACK")],
        [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED"), (5, 4, "CLAIMED_BY")])
    (event,) = build_events(doc, knowledge)
    assert event["target"]["name"] == "base aérienne d'Aïn al-Asad" and event["target"]["country"] == "IQ"
    assert event["weapons"] == [{"text": "Au moins 14 roquettes", "type": "rocket", "count": 14,
                                 "qualifier": "at_least", "start": 0, "end": 21}]
    assert event["injured"] == {"text": "deux personnes", "count": 2, "qualifier": "exact"}
    assert event["killed"] is None
    assert [a["name"] for a in event["claimed_by"]] == [knowledge.link_actor("Kataeb Hezbollah")["name"]]
    assert event["triggers"] == ["ont frappé", "attaque"] and event["unclaimed"] is False
    json.dumps(event)  # JSON-serialisable


def test_unnamed_base_then_named_base_is_one_event_and_unclaimed(knowledge):
    text = ("Des roquettes ont visé une base irakienne. La base aérienne d'Aïn al-Assad a été attaquée par "
            "trois roquettes. Aucune revendication n'a été faite.")
    doc = annotated_doc(NLP, text, [
        ("Des roquettes", "WEAPON"), ("ont visé", "ATTACK"), ("une base irakienne", "BASE"),
        ("La base aérienne d'Aïn al-Assad", "BASE"), ("a été attaquée", "ATTACK"), ("trois roquettes", "WEAPON")],
        [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, "TARGETS"), (4, 5, "USES")])
    (event,) = build_events(doc, knowledge)
    assert event["target"]["text"] == "La base aérienne d'Aïn al-Assad"
    assert event["weapons"][0]["count"] == 3  # the mention with a count wins over "Des roquettes"
    assert event["unclaimed"] is True


def test_second_installation_is_a_second_event_and_background_is_ignored(knowledge):
    text = ("Deux drones ont visé l'aéroport d'Erbil. Un obus est tombé sur la garnison d'Al-Tanf. "
            "De telles attaques sont imputées aux milices soutenues par l'Iran.")
    doc = annotated_doc(NLP, text, [
        ("Deux drones", "WEAPON"), ("ont visé", "ATTACK"), ("l'aéroport d'Erbil", "BASE"), ("Un obus", "WEAPON"),
        ("est tombé", "ATTACK"), ("la garnison d'Al-Tanf", "BASE"), ("attaques", "ATTACK"),
        ("milices soutenues par l'Iran", "ACTOR")],
        [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, "USES"), (4, 5, "TARGETS"), (6, 7, "BLAMED_ON")])
    events = build_events(doc, knowledge)
    assert [e["target"]["country"] for e in events] == ["IQ", "SY"]
    assert [e["weapons"][0]["type"] for e in events] == ["drone", "artillery"]
    assert all(e["blamed_on"] == [] for e in events)


def test_indefinite_attack_with_victims_is_its_own_event_and_zero_casualties(knowledge):
    text = ("Des roquettes ont frappé la base de Balad sans faire de victimes. "
            "En février, une attaque à la roquette a tué un entrepreneur civil.")
    doc = annotated_doc(NLP, text, [
        ("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), ("la base de Balad", "BASE"),
        ("sans faire de victimes", "CASUALTY"), ("attaque à la roquette", "ATTACK"), ("un entrepreneur civil", "CASUALTY")],
        [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "KILLED"), (1, 3, "INJURED"), (4, 5, "KILLED")])
    first, second = build_events(doc, knowledge)
    assert first["killed"]["count"] == 0 and first["injured"]["count"] == 0
    assert second["target"] is None and second["killed"]["count"] == 1
    assert second["weapons"][0]["type"] == "rocket" and second["weapons"][0]["count"] is None


def test_no_entities_no_events(knowledge):
    assert build_events(NLP("Rien à signaler."), knowledge) == []


def _two_attacks_then(knowledge, closing, anaphor, plural_anaphors=True, relation="CLAIMED_BY", **switches):
    text = ("Deux drones ont visé l'aéroport d'Erbil. Un obus est tombé sur la garnison d'Al-Tanf. " + closing)
    doc = annotated_doc(NLP, text, [
        ("Deux drones", "WEAPON"), ("ont visé", "ATTACK"), ("l'aéroport d'Erbil", "BASE"), ("Un obus", "WEAPON"),
        ("est tombé", "ATTACK"), ("la garnison d'Al-Tanf", "BASE"), (anaphor, "ATTACK"), ("Kataeb Hezbollah", "ACTOR")],
        [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, "USES"), (4, 5, "TARGETS"), (6, 7, relation)])
    return build_events(doc, knowledge, plural_anaphors=plural_anaphors, **switches)


def test_definite_plural_mention_gives_its_claimant_to_the_attack_just_reported(knowledge):
    """D28: "Les tirs ont été revendiqués par X" refers back; it makes no event of its own."""
    first, second = _two_attacks_then(knowledge, "Les tirs ont été revendiqués par Kataeb Hezbollah.", "tirs")
    assert first["claimed_by"] == [] and [a["text"] for a in second["claimed_by"]] == ["Kataeb Hezbollah"]


def test_counted_plural_anaphor_gives_its_claimant_to_every_attack_before_it(knowledge):
    events = _two_attacks_then(knowledge, "Les deux attaques ont été revendiquées par Kataeb Hezbollah.", "attaques")
    assert [[a["text"] for a in e["claimed_by"]] for e in events] == [["Kataeb Hezbollah"]] * 2


def test_an_unrelated_claimant_of_a_plural_anaphor_claims_the_attack_just_reported(knowledge):
    """A claim sentence whose attack mention is a plural anaphor is no sentence "about another attack": an ACTOR
    there that no relation reaches is the claimant of the attack just reported (orphan actor, D28)."""
    text = ("Deux drones ont visé l'aéroport d'Erbil. Un obus est tombé sur la garnison d'Al-Tanf. "
            "Les tirs ont été revendiqués par Kataeb Hezbollah.")
    doc = annotated_doc(NLP, text, [
        ("Deux drones", "WEAPON"), ("ont visé", "ATTACK"), ("l'aéroport d'Erbil", "BASE"), ("Un obus", "WEAPON"),
        ("est tombé", "ATTACK"), ("la garnison d'Al-Tanf", "BASE"), ("tirs", "ATTACK"), ("Kataeb Hezbollah", "ACTOR")],
        [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, "USES"), (4, 5, "TARGETS")])
    first, second = build_events(doc, knowledge)
    assert first["claimed_by"] == [] and [a["text"] for a in second["claimed_by"]] == ["Kataeb Hezbollah"]


def test_a_sentence_without_attack_belongs_to_the_event_mentioned_last(knowledge):
    """Two events that share the title's mention both start in the title: a later sentence without an attack
    mention belongs to the one mentioned last before it, not to the one listed last."""
    text = ("Attaques contre deux bases\n\nDes roquettes ont visé la garnison d'Al-Tanf. "
            "Deux drones ont visé l'aéroport d'Erbil. Un obus est ensuite tombé sur la garnison d'Al-Tanf. "
            "Kataeb Hezbollah a revendiqué l'opération.")
    doc = annotated_doc(NLP, text, [
        ("Attaques", "ATTACK"), ("deux bases", "BASE"), ("Des roquettes", "WEAPON"), ("ont visé", "ATTACK"),
        ("la garnison d'Al-Tanf", "BASE"), ("Deux drones", "WEAPON"), ("ont visé", "ATTACK"),
        ("l'aéroport d'Erbil", "BASE"), ("Un obus", "WEAPON"), ("est ensuite tombé", "ATTACK"),
        ("la garnison d'Al-Tanf", "BASE"), ("Kataeb Hezbollah", "ACTOR")],
        [(0, 1, "TARGETS"), (3, 2, "USES"), (3, 4, "TARGETS"), (6, 5, "USES"), (6, 7, "TARGETS"), (9, 8, "USES"),
         (9, 10, "TARGETS")])
    events = build_events(doc, knowledge)
    claimed = {e["target"]["text"]: [a["text"] for a in e["claimed_by"]] for e in events if e["target"]}
    assert claimed["la garnison d'Al-Tanf"] == ["Kataeb Hezbollah"] and claimed["l'aéroport d'Erbil"] == []


def test_plural_anaphors_switch_and_generic_plurals_give_nobody(knowledge):
    closing = "Les deux attaques ont été revendiquées par Kataeb Hezbollah."
    assert all(e["claimed_by"] == [] for e in _two_attacks_then(knowledge, closing, "attaques", plural_anaphors=False))
    generic = "De telles attaques sont revendiquées par Kataeb Hezbollah."
    assert all(e["claimed_by"] == [] for e in _two_attacks_then(knowledge, generic, "attaques"))


def test_plural_anaphor_keeps_its_accused(knowledge):
    """D28 carries claims only: the relations' BLAMED_ON of "ces attaques" stays the anaphor's (measured); an
    attribution frame ("impute ces attaques à X", D37) names the accused of every attack it points back to."""
    events = _two_attacks_then(knowledge, "Washington impute ces attaques à Kataeb Hezbollah.", "attaques",
                               relation="BLAMED_ON", attributions=False)
    assert all(e["blamed_on"] == [] and e["claimed_by"] == [] for e in events)
    events = _two_attacks_then(knowledge, "Washington impute ces attaques à Kataeb Hezbollah.", "attaques",
                               relation="BLAMED_ON")
    assert all([a["text"] for a in e["blamed_on"]] == ["Kataeb Hezbollah"] and e["claimed_by"] == [] for e in events)


def _attack_with_actor(knowledge, closing, claim_sentences=True, relation="BLAMED_ON", **options):
    text = "Deux drones ont visé l'aéroport d'Erbil. " + closing
    doc = annotated_doc(NLP, text, [("Deux drones", "WEAPON"), ("ont visé", "ATTACK"), ("l'aéroport d'Erbil", "BASE"),
                                    ("Kataeb Hezbollah", "ACTOR"), ("attaque", "ATTACK")],
                        [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, relation)])
    (event,) = build_events(doc, knowledge, claim_sentences=claim_sentences, **options)
    return [a["text"] for a in event["claimed_by"]], [a["text"] for a in event["blamed_on"]]


def test_blame_in_a_claim_sentence_is_a_claim(knowledge):
    """D29: the relation model reads some claims as blame; the claim cue decides, unless the sentence accuses."""
    assert _attack_with_actor(knowledge, "Kataeb Hezbollah a revendiqué l'attaque.") == (["Kataeb Hezbollah"], [])
    assert _attack_with_actor(knowledge, "Kataeb Hezbollah a revendiqué l'attaque.", claim_sentences=False) == (
        [], ["Kataeb Hezbollah"])
    assert _attack_with_actor(knowledge, "Washington accuse Kataeb Hezbollah de l'attaque, revendiquée par un inconnu.") == (
        [], ["Kataeb Hezbollah"])


def test_a_claim_needs_a_claim_cue(knowledge):
    """D33: CLAIMED_BY in a sentence that says no claim is the accused; said claims of every form stay claims."""
    claim = dict(relation="CLAIMED_BY")
    assert _attack_with_actor(knowledge, "Kataeb Hezbollah a mené l'attaque, selon Washington.", **claim) == (
        [], ["Kataeb Hezbollah"])
    assert _attack_with_actor(knowledge, "Kataeb Hezbollah a mené l'attaque, selon Washington.",
                              claims_need_cue=False, **claim) == (["Kataeb Hezbollah"], [])
    for said in ("Kataeb Hezbollah a revendiqué l'attaque.", "Kataeb Hezbollah affirme avoir visé l'aéroport (attaque).",
                 "« Nous avons frappé l'aéroport », dit Kataeb Hezbollah après l'attaque.",
                 "Kataeb Hezbollah a affirmé avoir pris pour cible l'aéroport (attaque).",
                 "Kataeb Hezbollah a affirmé dimanche sur Telegram avoir visé l'aéroport (attaque)."):
        assert _attack_with_actor(knowledge, said, **claim) == (["Kataeb Hezbollah"], []), said
    # reported speech keeps a claim the relations made, but does not turn blame into a claim (D29 needs a claim cue)
    assert _attack_with_actor(knowledge, "Washington a affirmé dimanche avoir frappé Kataeb Hezbollah après l'attaque.") == (
        [], ["Kataeb Hezbollah"])


def _claimed_and_blamed(knowledge, second, one_role=True):
    """The same actor reached by CLAIMED_BY from its first mention and by BLAMED_ON from its second."""
    text = "Deux drones ont visé l'aéroport d'Erbil. " + second + " Kataeb Hezbollah est soupçonné par Washington."
    doc = annotated_doc(NLP, text, [("Deux drones", "WEAPON"), ("ont visé", "ATTACK"), ("l'aéroport d'Erbil", "BASE"),
                                    ("Kataeb Hezbollah", "ACTOR"), ("Kataeb Hezbollah", "ACTOR")],
                        [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "CLAIMED_BY"), (1, 4, "BLAMED_ON")])
    (event,) = build_events(doc, knowledge, one_role=one_role, claims_need_cue=False)  # one_role alone
    return [a["text"] for a in event["claimed_by"]], [a["text"] for a in event["blamed_on"]]


def test_an_actor_is_claimant_or_accused_not_both(knowledge):
    """The one_role switch (off by default): the claim wins when the claimant mention stands in a claim sentence, the accusation otherwise."""
    assert _claimed_and_blamed(knowledge, "Kataeb Hezbollah a revendiqué l'attaque.") == (["Kataeb Hezbollah"], [])
    assert _claimed_and_blamed(knowledge, "Kataeb Hezbollah est actif dans la région.") == ([], ["Kataeb Hezbollah"])
    assert _claimed_and_blamed(knowledge, "Kataeb Hezbollah est actif dans la région.", one_role=False) == (
        ["Kataeb Hezbollah"], ["Kataeb Hezbollah"])


def test_a_claim_before_the_attacks_own_sentence_claims_the_attack_reported_next(knowledge):
    """A live blog's "X revendique l'attaque." comes before the sentence that reports the attack: its unrelated
    claimant goes to the attack reported next (the mention made no event only because none was reported yet)."""
    text = "09h31 - Le Hezbollah revendique l'attaque. Le mouvement affirme avoir visé la base de Meron avec 62 roquettes."
    doc = annotated_doc(NLP, text, [("Le Hezbollah", "ACTOR"), ("attaque", "ATTACK"), ("avoir visé", "ATTACK"),
                                    ("la base de Meron", "BASE"), ("62 roquettes", "WEAPON")],
                        [(2, 3, "TARGETS"), (2, 4, "USES")])
    (event,) = build_events(doc, knowledge)
    assert [a["text"] for a in event["claimed_by"]] == ["Le Hezbollah"]
    background = ("Le Hezbollah avait revendiqué les attaques de l'an dernier. "
                  "Des roquettes ont visé la base de Meron mardi.")
    doc = annotated_doc(NLP, background, [("Le Hezbollah", "ACTOR"), ("attaques", "ATTACK"), ("Des roquettes", "WEAPON"),
                                          ("ont visé", "ATTACK"), ("la base de Meron", "BASE")],
                        [(3, 2, "USES"), (3, 4, "TARGETS")])
    (event,) = build_events(doc, knowledge)
    assert event["claimed_by"] == []  # a claim of other attacks stays theirs


def test_actors_without_a_role_leave_the_entities(knowledge):
    """salve_events.role_actors (D22): an ACTOR that no relation reaches and no event takes is no actor; a related
    one and an unrelated claimant that the event takes (orphan claim) stay."""
    from salve.pipeline.event_component import EventBuilder
    text = ("Deux drones ont visé l'aéroport d'Erbil. La Résistance islamique en Irak a revendiqué l'attaque. "
            "Elle regroupe des groupes soutenus par l'Iran. Washington parle de Téhéran.")
    ents = [("Deux drones", "WEAPON"), ("ont visé", "ATTACK"), ("l'aéroport d'Erbil", "BASE"),
            ("La Résistance islamique en Irak", "ACTOR"), ("attaque", "ATTACK"), ("groupes soutenus par l'Iran", "ACTOR"),
            ("Washington", "ACTOR"), ("Téhéran", "ACTOR")]
    rels = [(1, 0, "USES"), (1, 2, "TARGETS")]
    for role_actors, actors in ((True, ["La Résistance islamique en Irak"]),
                                (False, ["La Résistance islamique en Irak", "groupes soutenus par l'Iran", "Washington",
                                         "Téhéran"])):
        builder = EventBuilder(NLP, "salve_events", role_actors=role_actors)
        builder.knowledge = knowledge
        doc = builder(annotated_doc(NLP, text, ents, rels))
        assert [e.text for e in doc.ents if e.label_ == "ACTOR"] == actors
        assert [a["text"] for a in doc._.events[0]["claimed_by"]] == ["La Résistance islamique en Irak"]


def test_nobody_claimed_these_attacks_speaks_of_every_attack_before_it(knowledge):
    """D39: "Aucun groupe n'a revendiqué ces attaques" after two attacks leaves both unclaimed; "l'attaque" only the
    last one."""
    def events(last_sentence: str, anaphor: str):
        text = ("Deux drones ont frappé l'aéroport d'Erbil. Plus tard, des roquettes ont visé la garnison d'Al-Tanf. "
                + last_sentence)
        doc = annotated_doc(NLP, text, [
            ("Deux drones", "WEAPON"), ("ont frappé", "ATTACK"), ("l'aéroport d'Erbil", "BASE"),
            ("des roquettes", "WEAPON"), ("ont visé", "ATTACK"), ("la garnison d'Al-Tanf", "BASE"), (anaphor, "ATTACK")],
            [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, "USES"), (4, 5, "TARGETS")])
        return build_events(doc, knowledge)

    assert [e["unclaimed"] for e in events("Aucun groupe n'a revendiqué ces attaques.", "attaques")] == [True, True]
    assert [e["unclaimed"] for e in events("Aucune partie n'a revendiqué l'attaque.", "attaque")] == [False, True]


def test_a_title_that_names_the_news_weapon_makes_a_dated_recall_background(knowledge):
    """D39: the title names the news ("des roquettes tirées sur la base", no attack word of its own), so the first
    attack mention, a recall dated in the past ("Il y a quatre ans, … s'étaient abattus"), is background."""
    text = ("Irak : des roquettes tirées sur la base d'Aïn al-Assad\n\nPublié le 21 janvier 2024.\n\n"
            "Il y a quatre ans, des missiles iraniens s'étaient abattus sur cette même base. "
            "Samedi soir, au moins quatre roquettes ont été tirées sur la base aérienne d'Aïn al-Assad.")
    ents = [("des roquettes tirées", "WEAPON"), ("la base d'Aïn al-Assad", "BASE"), ("des missiles iraniens", "WEAPON"),
            ("s'étaient abattus", "ATTACK"), ("cette même base", "BASE"), ("au moins quatre roquettes", "WEAPON"),
            ("ont été tirées", "ATTACK"), ("la base aérienne d'Aïn al-Assad", "BASE")]
    doc = annotated_doc(NLP, text, ents, [(3, 2, "USES"), (3, 4, "TARGETS"), (6, 5, "USES"), (6, 7, "TARGETS")])
    (event,) = build_events(doc, knowledge)
    assert [w["text"] for w in event["weapons"]] == ["au moins quatre roquettes"]
