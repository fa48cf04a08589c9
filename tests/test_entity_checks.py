"""salve_entity_checks: a CASUALTY that names a munition and no person becomes a WEAPON (guidelines D23)."""
import spacy
from conftest import annotated_doc

from salve.pipeline.entity_checks import EntityChecks


def test_a_counted_munition_labelled_casualty_becomes_a_weapon(knowledge):
    nlp = spacy.blank("fr")
    checks = EntityChecks(nlp, "salve_entity_checks")
    checks.knowledge = knowledge
    text = "Au moins cinq projectiles ont frappé la base. Deux soldats ont été blessés par des roquettes."
    doc = annotated_doc(nlp, text, [("Au moins cinq projectiles", "CASUALTY"), ("Deux soldats", "CASUALTY")])
    doc = checks(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Au moins cinq projectiles", "WEAPON"), ("Deux soldats", "CASUALTY")]


def _checks(nlp, knowledge, attack_cues):
    checks = EntityChecks(nlp, "salve_entity_checks", attack_cues=attack_cues)
    checks.knowledge = knowledge
    checks.setup()
    return checks


def test_an_unlabelled_attack_cue_becomes_an_attack_only_beside_a_base_or_weapon(knowledge):
    nlp = spacy.blank("fr")
    text = ("Irak : des roquettes visent une base. Le camp de Dioura a été attaqué dimanche. "
            "Le ministre a visé les journalistes. Deux drones se sont abattus sur la base.")
    ents = [("des roquettes", "WEAPON"), ("une base", "BASE"), ("Le camp de Dioura", "BASE"),
            ("Deux drones", "WEAPON"), ("se sont abattus", "ATTACK"), ("la base", "BASE")]
    doc = _checks(nlp, knowledge, True)(annotated_doc(nlp, text, ents))
    attacks = [e.text for e in doc.ents if e.label_ == "ATTACK"]
    # the verb group keeps its auxiliaries; no ATTACK where the sentence has no installation or munition;
    # an existing span is left as it is
    assert attacks == ["visent", "a été attaqué", "se sont abattus"]
    assert len(doc.ents) == len(ents) + 2


def test_attack_cues_are_off_unless_asked(knowledge):
    nlp = spacy.blank("fr")
    text = "Irak : des roquettes visent une base."
    doc = _checks(nlp, knowledge, False)(annotated_doc(nlp, text, [("des roquettes", "WEAPON"), ("une base", "BASE")]))
    assert [e.label_ for e in doc.ents] == ["WEAPON", "BASE"]


def test_a_weapon_span_that_names_people_and_no_weapon_becomes_a_casualty(knowledge):
    nlp = spacy.blank("fr")
    checks = EntityChecks(nlp, "salve_entity_checks", person_weapons=True)
    checks.knowledge = knowledge
    text = "Deux drones ont fait une vingtaine de blessés. Trois roquettes tirées par des combattants."
    doc = checks(annotated_doc(nlp, text, [("Deux drones", "WEAPON"), ("une vingtaine de blessés", "WEAPON"),
                                           ("Trois roquettes", "WEAPON")]))
    assert [e.label_ for e in doc.ents] == ["WEAPON", "CASUALTY", "WEAPON"]


def test_actor_bases_relabel_a_base_that_names_only_an_actor(knowledge):
    """Off by default (measured, entity_checks.py); on, "Al-Shabaab" read as a BASE becomes an ACTOR."""
    nlp = spacy.blank("fr")
    text = "Al-Shabaab a revendiqué l'attaque contre la base aérienne de Baledogle."
    ents = [("Al-Shabaab", "BASE"), ("attaque", "ATTACK"), ("la base aérienne de Baledogle", "BASE")]
    for actor_bases, first in ((False, "BASE"), (True, "ACTOR")):
        checks = EntityChecks(nlp, "salve_entity_checks", actor_bases=actor_bases, installation_words=False)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [e.label_ for e in doc.ents] == [first, "ATTACK", "BASE"]


def test_armed_groups_become_actors_only_in_claim_or_blame_sentences(knowledge):
    """On by default (measured, entity_checks.py): an unlabelled armed group of the gazetteer is an ACTOR where its
    sentence claims or attributes the attack, not where it is merely mentioned, and never over an existing entity."""
    nlp = spacy.blank("fr")
    text = ("Un drone a visé la base de Baledogle. Les shebabs ont revendiqué l'attaque. "
            "Les shebabs contrôlent la région. Al-Shabaab est accusé par Mogadiscio.")
    claim = text.index("shebabs")
    ents = [("Un drone", "WEAPON"), ("a visé", "ATTACK"), ("la base de Baledogle", "BASE"), ("Al-Shabaab", "BASE")]
    for armed_groups, expected in ((False, []), (True, [("shebabs", claim)])):
        checks = EntityChecks(nlp, "salve_entity_checks", armed_groups=armed_groups, installation_words=False)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [(e.text, e.start_char) for e in doc.ents if e.label_ == "ACTOR"] == expected
        assert [e.text for e in doc.ents if e.label_ == "BASE"] == ["la base de Baledogle", "Al-Shabaab"]


def test_datelines_are_found_at_the_start_of_a_line_only():
    from salve.pipeline.datelines import datelines
    text = ("Titre\n\nTéhéran, 12 décembre (Pars Today) – La Résistance a visé la base.\n\n"
            "BAGDAD (Reuters) - Deux roquettes.\n\nNiamey, le 8 mars 2022 – Le camp. Il a dit : Bagdad, 3 mai (AFP) - non.")
    assert [text[a:b] for a, b in datelines(text)] == [
        "Téhéran, 12 décembre (Pars Today) – ", "BAGDAD (Reuters) - ", "Niamey, le 8 mars 2022 – "]
    assert datelines("Les Houthis ont tiré deux missiles.\n\nLe Hezbollah a revendiqué.") == []


def test_layout_drops_entities_in_a_dateline_and_cuts_entities_at_a_line_break(knowledge):
    """D31: a dateline's place is no actor; no entity runs across a line break."""
    nlp = spacy.blank("fr")
    text = ("Attaque contre le camp de la MINUSMA\n\nBAMAKO, 17 novembre (AFP) - Des obus ont visé le camp.\n\n"
            "Téhéran, 12 décembre (Pars Today) – L'Iran dément.")
    ents = [("le camp de la MINUSMA\n\nBAMAKO", "BASE"), ("Des obus", "WEAPON"), ("le camp", "BASE"),
            ("Téhéran", "ACTOR"), ("L'Iran", "ACTOR")]
    for layout, expected in ((True, [("le camp de la MINUSMA", "BASE"), ("Des obus", "WEAPON"), ("le camp", "BASE"),
                                     ("L'Iran", "ACTOR")]),
                             (False, [(t, label) for t, label in ents])):
        checks = EntityChecks(nlp, "salve_entity_checks", layout=layout)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [(e.text, e.label_) for e in doc.ents] == expected


def test_layout_cuts_a_span_before_a_comma_or_quote_but_keeps_weapons_whole(knowledge):
    """D38: "les forces armées jordaniennes, évoquant de « légers dégâts" is the actor and the next clause."""
    nlp = spacy.blank("fr")
    text = "Selon les forces armées jordaniennes, évoquant de « légers dégâts », deux drones, des Shahed, ont frappé « la base »."
    ents = [("les forces armées jordaniennes, évoquant de « légers dégâts", "ACTOR"), ("deux drones, des Shahed", "WEAPON"),
            ("« la base", "BASE")]
    for layout, expected in ((True, ["les forces armées jordaniennes", "deux drones, des Shahed", "la base"]),
                             (False, [t for t, _ in ents])):
        checks = EntityChecks(nlp, "salve_entity_checks", layout=layout)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [e.text for e in doc.ents] == expected


def test_an_actor_stops_before_an_attack_or_installation_word(knowledge):
    """D38: a headline actor that runs over its verb and target ("la Résistance islamique frappe la base …") is the
    actor alone; an actor that is nothing but a determiner before the word is dropped; other labels are kept."""
    nlp = spacy.blank("fr")
    text = "Irak : la Résistance islamique frappe la base de Harir. Les bombardements de la base aérienne ont repris."
    ents = [("la Résistance islamique frappe la base de Harir", "ACTOR"), ("Les bombardements", "ACTOR"),
            ("la base aérienne", "BASE")]
    for layout, expected in ((True, [("la Résistance islamique", "ACTOR"), ("la base aérienne", "BASE")]),
                             (False, [(t, label) for t, label in ents])):
        checks = EntityChecks(nlp, "salve_entity_checks", layout=layout)
        checks.knowledge = knowledge
        checks.setup()
        doc = checks(annotated_doc(nlp, text, ents))
        assert [(e.text, e.label_) for e in doc.ents] == expected


def test_generic_attackers_become_actors_as_agent_or_subject_of_an_attack(knowledge):
    """D22: "attaqué par des combattants jihadistes", "Des éléments de la secte Boko Haram ... ont attaqué"; not a
    bare "des hommes", not a phrase in a sentence without an attack, not over an existing entity."""
    nlp = spacy.blank("fr")
    text = ("Le poste a été attaqué jeudi par des combattants jihadistes lourdement armés. "
            "Des éléments de la secte Boko Haram, arrivés à bord d'embarcations, ont attaqué la base. "
            "La base a été visée par des hommes. Les assaillants sont repartis vers la frontière.")
    ents = [("a été attaqué", "ATTACK"), ("ont attaqué", "ATTACK"), ("la base", "BASE"), ("a été visée", "ATTACK")]
    for on, actors in ((True, ["combattants jihadistes", "éléments de la secte Boko Haram"]), (False, [])):
        checks = EntityChecks(nlp, "salve_entity_checks", attacker_phrases=on)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [e.text for e in doc.ents if e.label_ == "ACTOR"] == actors


def test_media_names_and_bare_auxiliaries_are_no_entities(knowledge):
    """D35: an outlet cited as a source is no installation ("le site" is one); an auxiliary alone is no trigger."""
    nlp = spacy.blank("fr")
    text = ("Le porte-parole a affirmé sur la chaîne Al-Massira que trois drones avaient « atteint » la base d'Aïn "
            "al-Asad. Selon l'agence officielle Tasnim, le site de Harir a aussi été visé. Le pilonnage quotidien de "
            "la base de Tall Baidar continue.")
    ents = [("Al-Massira", "BASE"), ("trois drones", "WEAPON"), ("avaient «", "ATTACK"), ("la base d'Aïn al-Asad", "BASE"),
            ("Tasnim", "BASE"), ("le site de Harir", "BASE"), ("a aussi été visé", "ATTACK"),
            ("la base de Tall Baidar", "BASE")]
    for on, expected in ((True, [("trois drones", "WEAPON"), ("la base d'Aïn al-Asad", "BASE"),
                                 ("le site de Harir", "BASE"), ("a aussi été visé", "ATTACK"),
                                 ("la base de Tall Baidar", "BASE")]),
                         (False, ents)):
        checks = EntityChecks(nlp, "salve_entity_checks", media_names=on, bare_auxiliaries=on, installation_words=False,
                                  layout=False)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [(e.text, e.label_) for e in doc.ents] == expected


def test_a_base_that_names_no_installation_is_dropped(knowledge):
    """D35: a town, a region or a person read as BASE is dropped; an installation word or the gazetteer keeps it."""
    nlp = spacy.blank("fr")
    text = ("Des roquettes ont visé Kiryat Shmona et la région du Centre-Nord. Des drones ont frappé Harir, "
            "des aérodromes militaires et la Tour 22.")
    ents = [("Kiryat Shmona", "BASE"), ("Centre-Nord", "BASE"), ("Harir", "BASE"), ("des aérodromes militaires", "BASE"),
            ("la Tour 22", "BASE")]
    for on, expected in ((True, ["Harir", "des aérodromes militaires", "la Tour 22"]), (False, [t for t, _ in ents])):
        checks = EntityChecks(nlp, "salve_entity_checks", installation_words=on)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [e.text for e in doc.ents] == expected


def test_partitive_pronouns_of_victims_become_casualties(knowledge):
    """D36: "trois d'entre eux ont été blessés", "l'un d'eux a succombé"; not drones "abattus", not without a verb,
    not attackers who killed ("ont tué un garde"), not a negated verb."""
    nlp = spacy.blank("fr")
    text = ("Quatre soldats ont été blessés ; l'un d'eux a succombé. Six drones ont été lancés, trois d'entre eux ont été "
            "abattus. Dix militaires étaient là et trois d'entre eux ont été légèrement blessés. Deux d'entre eux dorment. "
            "Deux d'entre eux ont tué un garde. L'un d'eux n'a pas été blessé.")
    ents = [("Quatre soldats", "CASUALTY"), ("Six drones", "WEAPON"), ("Dix militaires", "CASUALTY")]
    for on, added in ((True, ["l'un d'eux", "trois d'entre eux"]), (False, [])):
        checks = EntityChecks(nlp, "salve_entity_checks", partitive_victims=on)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [e.text for e in doc.ents if e.label_ == "CASUALTY"] == ["Quatre soldats", *added[:1], "Dix militaires",
                                                                         *added[1:]]
        if on:
            assert [e.start_char for e in doc.ents if e.text == "trois d'entre eux"] == [text.rindex("trois d'entre eux")]


def test_counted_victims_before_their_verb_become_casualties(knowledge):
    """D38: "Une quarantaine de militaires tchadiens ont été tués" after a dateline; not munitions, not "les deux
    militaires" (already counted), not a negation, not a span the recogniser labelled."""
    nlp = spacy.blank("fr")
    text = ("N'DJAMENA - Une quarantaine de militaires tchadiens ont été tués. Au moins 14 roquettes ont été tirées. "
            "Les deux militaires ont été blessés. Aucun soldat n'a été blessé. Un casque bleu a été légèrement blessé. "
            "Trois soldats sont morts.")
    ents = [("Trois soldats", "CASUALTY")]
    for on, added in ((True, ["Une quarantaine de militaires tchadiens", "Un casque bleu"]), (False, [])):
        checks = EntityChecks(nlp, "salve_entity_checks", counted_victims=on)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        assert [e.text for e in doc.ents if e.label_ == "CASUALTY"] == [*added, "Trois soldats"]


def test_the_others_of_a_second_toll_become_casualties(knowledge):
    """D39: "ont été tués et une soixantaine d'autres blessés": the elliptical others are victims; not "d'autres"
    with no number, not after a phrase that is no toll."""
    nlp = spacy.blank("fr")
    text = ("Neuf soldats ont été tués et une soixantaine d'autres blessés. Deux morts et trois autres blessés. "
            "Des obus sont tombés et d'autres blessés ont été évacués. Deux roquettes et trois autres tirées.")
    ents = [("Neuf soldats", "CASUALTY"), ("Deux morts", "CASUALTY")]
    for on, added in ((True, ["une soixantaine d'autres", "trois autres"]), (False, [])):
        checks = EntityChecks(nlp, "salve_entity_checks", counted_victims=on)
        checks.knowledge = knowledge
        doc = checks(annotated_doc(nlp, text, ents))
        found = [e.text for e in doc.ents if e.label_ == "CASUALTY"]
        assert found == ["Neuf soldats", *added[:1], "Deux morts", *added[1:]]
