"""News or background (guidelines D20, D26) and how mentions of one attack are grouped: each test is one
convention of `salve/pipeline/background.py` and `events.py`, on annotated text (no model)."""
import spacy
from conftest import annotated_doc

from salve.pipeline.events import build_events

NLP = spacy.blank("fr")
NEWS = "Des roquettes ont frappé mardi la base aérienne d'Aïn al-Asad."
NEWS_ENTS = [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), ("la base aérienne d'Aïn al-Asad", "BASE")]
NEWS_RELS = [(1, 0, "USES"), (1, 2, "TARGETS")]


def _events(knowledge, text, ents, rels):
    return build_events(annotated_doc(NLP, text, ents, rels), knowledge)


def _targets(events):
    return [e["target"]["text"] if e["target"] else None for e in events]


def _counts(event):
    return tuple(None if event[k] is None else event[k]["count"] for k in ("killed", "injured"))


def test_an_aggregate_of_attacks_makes_no_event(knowledge):
    text = NEWS + " Depuis l'automne, une trentaine d'attaques à la roquette ont visé des intérêts américains, dont l'ambassade des États-Unis à Bagdad."
    ents = NEWS_ENTS + [("attaques à la roquette", "ATTACK"), ("l'ambassade des États-Unis à Bagdad", "BASE")]
    assert _targets(_events(knowledge, text, ents, NEWS_RELS + [(3, 4, "TARGETS")])) == ["la base aérienne d'Aïn al-Asad"]


def test_a_dated_earlier_attack_makes_no_event_and_lends_no_victims(knowledge):
    text = (NEWS + " L'attaque n'a fait aucune victime. En janvier 2021, une attaque contre le camp d'Aguelhok avait tué "
            "quatre Casques bleus. En février, une quinzaine de roquettes s'étaient abattues sur le même site, tuant un sous-traitant.")
    ents = NEWS_ENTS + [("attaque", "ATTACK"), ("aucune victime", "CASUALTY"), ("attaque", "ATTACK"), ("le camp d'Aguelhok", "BASE"),
                        ("quatre Casques bleus", "CASUALTY"), ("une quinzaine de roquettes", "WEAPON"), ("s'étaient abattues", "ATTACK"),
                        ("un sous-traitant", "CASUALTY")]
    rels = NEWS_RELS + [(3, 4, "KILLED"), (3, 4, "INJURED"), (5, 6, "TARGETS"), (5, 7, "KILLED"), (9, 8, "USES"), (9, 10, "KILLED")]
    (event,) = _events(knowledge, text, ents, rels)
    assert event["target"]["text"] == "la base aérienne d'Aïn al-Asad" and _counts(event) == (0, 0)


def test_a_pluperfect_in_reported_speech_is_news(knowledge):
    text = NEWS + " Le Pentagone a indiqué mercredi que trois soldats avaient été blessés lors de l'attaque."
    ents = NEWS_ENTS + [("trois soldats", "CASUALTY"), ("attaque", "ATTACK")]
    (event,) = _events(knowledge, text, ents, NEWS_RELS + [(4, 3, "INJURED")])
    assert _counts(event) == (None, 3)


def test_an_attack_weeks_before_the_news_makes_no_event(knowledge):
    text = NEWS + " Cette attaque intervient trois semaines après une attaque de drone contre la Tour 22, en Jordanie."
    ents = NEWS_ENTS + [("attaque", "ATTACK"), ("attaque de drone", "ATTACK"), ("la Tour 22", "BASE")]
    assert _targets(_events(knowledge, text, ents, NEWS_RELS + [(4, 5, "TARGETS")])) == ["la base aérienne d'Aïn al-Asad"]


def test_the_first_attack_sentence_is_news_whatever_its_date(knowledge):
    text = "En janvier 2020, des missiles avaient frappé la base aérienne d'Aïn al-Asad, blessant 110 soldats."
    ents = [("des missiles", "WEAPON"), ("avaient frappé", "ATTACK"), ("la base aérienne d'Aïn al-Asad", "BASE"), ("110 soldats", "CASUALTY")]
    (event,) = _events(knowledge, text, ents, [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "INJURED")])
    assert _counts(event) == (None, 110)


def test_a_title_and_the_body_describe_one_attack(knowledge):
    text = ("Kiev affirme avoir touché un aérodrome en Russie\n\nDes drones ukrainiens ont visé dans la nuit un aérodrome "
            "militaire de la région de Koursk, a revendiqué Kiev.")
    ents = [("avoir touché", "ATTACK"), ("un aérodrome en Russie", "BASE"), ("Des drones ukrainiens", "WEAPON"), ("ont visé", "ATTACK"),
            ("un aérodrome militaire de la région de Koursk", "BASE"), ("Kiev", "ACTOR")]
    (event,) = _events(knowledge, text, ents, [(0, 1, "TARGETS"), (3, 2, "USES"), (3, 4, "TARGETS"), (3, 5, "CLAIMED_BY")])
    assert event["target"]["text"] == "un aérodrome militaire de la région de Koursk"
    assert event["triggers"] == ["avoir touché", "ont visé"]


def test_a_described_site_is_the_same_attack_unless_another_one_is_said(knowledge):
    text = (NEWS + " Une base de la coalition a donc été visée pour la troisième fois.\n\nLe 12 novembre, un missile a frappé un "
            "avant-poste militaire près de la frontière.")
    ents = NEWS_ENTS + [("Une base de la coalition", "BASE"), ("a donc été visée", "ATTACK"), ("un missile", "WEAPON"),
                        ("a frappé", "ATTACK"), ("un avant-poste militaire", "BASE")]
    rels = NEWS_RELS + [(4, 3, "TARGETS"), (6, 5, "USES"), (6, 7, "TARGETS")]
    assert _targets(_events(knowledge, text, ents, rels)) == ["la base aérienne d'Aïn al-Asad", "un avant-poste militaire"]


def test_plural_mentions_on_one_named_site_are_news_on_sites_in_general_background(knowledge):
    text = "Des tirs de roquettes ont visé la Zone verte de Bagdad. Deux attaques récentes avaient touché des bases en Syrie."
    ents = [("tirs de roquettes", "ATTACK"), ("la Zone verte de Bagdad", "BASE"), ("attaques", "ATTACK"), ("des bases en Syrie", "BASE")]
    assert _targets(_events(knowledge, text, ents, [(0, 1, "TARGETS"), (2, 3, "TARGETS")])) == ["la Zone verte de Bagdad"]


def test_casualty_conjuncts_across_a_verb_add_up_and_a_positive_figure_stands(knowledge):
    text = (NEWS + " Au moins 22 militaires ont été tués, ainsi que quatre supplétifs. "
            "Nous déplorons deux blessés. Aucun soldat de la coalition n'a été tué, selon l'Otan.")
    ents = NEWS_ENTS + [("Au moins 22 militaires", "CASUALTY"), ("quatre supplétifs", "CASUALTY"), ("deux blessés", "CASUALTY"),
                        ("Aucun soldat de la coalition", "CASUALTY")]
    rels = NEWS_RELS + [(1, 3, "KILLED"), (1, 4, "KILLED"), (1, 5, "INJURED"), (1, 6, "KILLED")]
    (event,) = _events(knowledge, text, ents, rels)
    assert _counts(event) == (26, 2) and event["killed"]["qualifier"] == "at_least"


def test_the_kind_of_a_conjunct_is_not_read_from_the_next_one(knowledge):
    text = NEWS + " Nous déplorons la perte de trois de nos hommes ainsi que deux blessés."
    ents = NEWS_ENTS + [("trois de nos hommes", "CASUALTY"), ("deux blessés", "CASUALTY")]
    (event,) = _events(knowledge, text, ents, NEWS_RELS + [(1, 3, "KILLED"), (1, 4, "INJURED")])
    assert _counts(event) == (3, 2)


def test_an_actor_no_relation_reaches_in_a_claim_sentence_is_the_claimant(knowledge):
    text = NEWS + " Le groupe Kataeb Hezbollah a revendiqué l'opération dans un communiqué."
    ents = NEWS_ENTS + [("Kataeb Hezbollah", "ACTOR")]
    (event,) = _events(knowledge, text, ents, NEWS_RELS)
    assert [a["text"] for a in event["claimed_by"]] == ["Kataeb Hezbollah"]
    doc = annotated_doc(NLP, text, ents, NEWS_RELS)
    assert build_events(doc, knowledge, orphan_arguments=False)[0]["claimed_by"] == []


def test_a_campaign_total_is_not_this_attack_s_toll(knowledge):
    text = NEWS + " Deux soldats ont été tués. Le conflit a fait plus de 4 000 morts depuis 2017."
    ents = NEWS_ENTS + [("Deux soldats", "CASUALTY"), ("plus de 4 000 morts", "CASUALTY")]
    (event,) = _events(knowledge, text, ents, NEWS_RELS + [(1, 3, "KILLED"), (1, 4, "KILLED")])
    assert _counts(event) == (2, None)


def test_cue_words_decide_a_span_given_both_relations(knowledge):
    text = NEWS + " Au total, 26 militaires ont été tués."
    ents = NEWS_ENTS + [("26 militaires", "CASUALTY")]
    (event,) = _events(knowledge, text.replace("Au total, ", ""), ents, NEWS_RELS + [(1, 3, "KILLED"), (1, 3, "INJURED")])
    assert _counts(event) == (26, None)


def test_a_site_described_in_apposition_is_the_same_attack(knowledge):
    # D30: hosted ("X, qui abrite une base …") and indefinite appositions ("X, un aérodrome …") describe X again,
    # so the casualties of the next sentence are X's.
    for between, site in ((", qui abrite ", "une base de la coalition menée par les États-Unis"),
                          (", ", "un aérodrome de la coalition situé près de Rmeilan"), (" (", "une position avancée"),
                          # D38: a definite description that ranks the site ("la plus grande base", "le principal camp")
                          (", ", "la plus grande base de la coalition dans le Kurdistan"),
                          (", ", "l'une des bases de la coalition dans le Nord")):
        text = f"Des roquettes ont frappé mardi l'aéroport international d'Erbil{between}{site}. Trois soldats ont été blessés."
        ents = [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), ("l'aéroport international d'Erbil", "BASE"),
                (site, "BASE"), ("Trois soldats", "CASUALTY")]
        rels = [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "TARGETS")]
        events = _events(knowledge, text, ents, rels)
        assert _targets(events) == ["l'aéroport international d'Erbil"], between
        assert _counts(events[0]) == (None, 3)


def test_named_sites_in_an_enumeration_are_several_attacks(knowledge):
    text = "Des roquettes ont frappé mardi la base aérienne d'Aïn al-Asad, un camp de Taji et la base de Balad."
    ents = [("Des roquettes", "WEAPON"), ("ont frappé", "ATTACK"), ("la base aérienne d'Aïn al-Asad", "BASE"),
            ("un camp de Taji", "BASE"), ("la base de Balad", "BASE")]
    rels = [(1, 0, "USES"), (1, 2, "TARGETS"), (1, 3, "TARGETS"), (1, 4, "TARGETS")]
    assert len(_targets(_events(knowledge, text, ents, rels))) == 3


def test_an_earlier_attack_in_a_late_clause_of_the_news_sentence_makes_no_event(knowledge):
    # D30: the news sentence is news, but "moins d'un mois après l'attaque qui avait tué …" dates another attack
    text = ("Un drone a frappé dimanche la base aérienne Mouwaffaq Salti, en Jordanie, moins d'un mois après l'attaque qui "
            "avait tué trois militaires américains à la Tour 22. Huit militaires ont été blessés.")
    ents = [("Un drone", "WEAPON"), ("a frappé", "ATTACK"), ("la base aérienne Mouwaffaq Salti", "BASE"), ("attaque", "ATTACK"),
            ("trois militaires américains", "CASUALTY"), ("la Tour 22", "BASE"), ("Huit militaires", "CASUALTY")]
    rels = [(1, 0, "USES"), (1, 2, "TARGETS"), (3, 4, "KILLED"), (3, 5, "TARGETS")]
    (event,) = _events(knowledge, text, ents, rels)
    assert event["target"]["text"] == "la base aérienne Mouwaffaq Salti" and _counts(event) == (None, 8)


def test_a_follow_up_article_opening_on_the_attack_keeps_it(knowledge):
    text = "Trois jours après l'attaque contre la base aérienne d'Aïn al-Asad, le bilan s'est alourdi à deux morts."
    ents = [("attaque", "ATTACK"), ("la base aérienne d'Aïn al-Asad", "BASE"), ("deux morts", "CASUALTY")]
    (event,) = _events(knowledge, text, ents, [(0, 1, "TARGETS"), (0, 2, "KILLED")])
    assert _counts(event) == (2, None)


def test_the_attack_a_retaliation_answers_makes_no_event(knowledge):
    # D30: "en représailles à la frappe contre le consulat …" recalls the attack that the news answers
    text = (NEWS + " Les Gardiens de la révolution ont revendiqué une opération en représailles à la frappe contre le consulat "
            "iranien à Damas, qui avait tué plusieurs officiers.")
    ents = NEWS_ENTS + [("frappe", "ATTACK"), ("le consulat iranien à Damas", "BASE"), ("plusieurs officiers", "CASUALTY")]
    events = _events(knowledge, text, ents, NEWS_RELS + [(3, 4, "TARGETS"), (3, 5, "KILLED")])
    assert _targets(events) == ["la base aérienne d'Aïn al-Asad"] and _counts(events[0]) == (None, None)


def test_a_description_with_a_named_commander_names_no_site(knowledge):
    # "dirigée par Washington" is a modifier: the description is the site the title names, not a second attack
    text = ("Attaque de drones contre la garnison d'al-Tanf\n\nUne base de la coalition dirigée par Washington a été la cible "
            "lundi d'une attaque de drones, sans faire de blessés. Deux drones ont visé la garnison d'al-Tanf.")
    ents = [("Attaque de drones", "ATTACK"), ("la garnison d'al-Tanf", "BASE"), ("Une base de la coalition dirigée par Washington", "BASE"),
            ("a été la cible", "ATTACK"), ("sans faire de blessés", "CASUALTY"), ("Deux drones", "WEAPON"), ("ont visé", "ATTACK"),
            ("la garnison d'al-Tanf", "BASE")]
    rels = [(0, 1, "TARGETS"), (3, 2, "TARGETS"), (3, 4, "INJURED"), (6, 5, "USES"), (6, 7, "TARGETS")]
    events = _events(knowledge, text, ents, rels)
    assert _targets(events) == ["la garnison d'al-Tanf"] and _counts(events[0]) == (None, 0)


def test_a_site_named_twice_outside_the_gazetteer_is_one_attack(knowledge):
    # D30: "sa base de Mubambiro" then "la base de la MONUSCO à Mubambiro" (names included in each other): one site
    text = ("Des tirs ont visé mardi sa base de Mubambiro, blessant quatre Casques bleus. Trois obus sont tombés à "
            "l'intérieur de la base de la MONUSCO à Mubambiro. L'attaque n'a fait aucune victime mortelle.")
    ents = [("ont visé", "ATTACK"), ("sa base de Mubambiro", "BASE"), ("quatre Casques bleus", "CASUALTY"), ("Trois obus", "WEAPON"),
            ("sont tombés", "ATTACK"), ("la base de la MONUSCO à Mubambiro", "BASE"), ("attaque", "ATTACK"), ("aucune victime", "CASUALTY")]
    rels = [(0, 1, "TARGETS"), (0, 2, "INJURED"), (4, 3, "USES"), (4, 5, "TARGETS"), (6, 7, "KILLED")]
    (event,) = _events(knowledge, text, ents, rels)
    assert event["target"]["text"] == "la base de la MONUSCO à Mubambiro" and _counts(event) == (0, 4)


def test_a_description_beside_a_named_target_of_the_same_mention_is_that_site(knowledge):
    # D38: "la base de la coalition située dans l'enceinte de l'aéroport d'Erbil" is one site, not the earlier
    # attack's base described again; coordinated sites stay two
    first = "Trois drones ont frappé la base aérienne d'Aïn al-Asad. "
    for between, expected in ((" située dans l'enceinte de ", ["la base aérienne d'Aïn al-Asad", "l'aéroport d'Erbil"]),
                              (" et ", ["la base aérienne d'Aïn al-Asad", "l'aéroport d'Erbil"])):
        text = first + f"Deux roquettes ont visé la base de la coalition{between}l'aéroport d'Erbil."
        ents = [("Trois drones", "WEAPON"), ("ont frappé", "ATTACK"), ("la base aérienne d'Aïn al-Asad", "BASE"),
                ("Deux roquettes", "WEAPON"), ("ont visé", "ATTACK"), ("la base de la coalition", "BASE"),
                ("l'aéroport d'Erbil", "BASE")]
        rels = [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, "USES"), (4, 5, "TARGETS"), (4, 6, "TARGETS")]
        events = _events(knowledge, text, ents, rels)
        assert _targets(events) == expected, between
        if between != " et ":  # the rockets are the airport's, not also Aïn al-Asad's
            assert [[w["text"] for w in e["weapons"]] for e in events] == [["Trois drones"], ["Deux roquettes"]]


def test_an_indefinite_mention_with_only_actors_after_the_news_says_who_did_it(knowledge):
    # D38: "Boko Haram a lancé une attaque d'envergure" in the next sentence is the attack just reported; in the news
    # sentence itself ("dans un contexte de craintes d'une attaque de l'Iran") it is another one
    news = "Des assaillants ont attaqué le camp militaire de Tchoukoutalia, tuant vingt soldats."
    for later, blamed in ((" « Boko Haram a lancé une attaque d'envergure contre nos positions », a dit le ministre.", ["Boko Haram"]),
                           ("", [])):
        text = (news[:-1] + ", dans un contexte de craintes d'une attaque de l'Iran." if not later else news + later)
        ents = [("ont attaqué", "ATTACK"), ("le camp militaire de Tchoukoutalia", "BASE"), ("vingt soldats", "CASUALTY")]
        if later:
            ents += [("Boko Haram", "ACTOR"), ("attaque", "ATTACK")]
        else:
            ents += [("attaque", "ATTACK"), ("l'Iran", "ACTOR")]
        rels = [(0, 1, "TARGETS"), (0, 2, "KILLED"), (4, 3, "BLAMED_ON") if later else (3, 4, "BLAMED_ON")]
        events = _events(knowledge, text, ents, rels)
        assert [a["text"] for a in events[0]["blamed_on"]] == blamed, later
