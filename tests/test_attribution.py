"""D37: the object of an attribution frame is the accused; its subject, the accuser, is not."""
import spacy
from conftest import annotated_doc

from salve.pipeline.attribution import attribution_frames
from salve.pipeline.entity_checks import EntityChecks
from salve.pipeline.events import build_events

NLP = spacy.blank("fr")


def _frames(knowledge, text, ents=()):
    doc = annotated_doc(NLP, text, list(ents), [])
    return [(f.cue.text, f.accused.text, f.accuser.text if f.accuser else None)
            for f in attribution_frames(doc, knowledge)]


def test_frames_name_the_accused_entity_after_the_cue(knowledge):
    assert _frames(knowledge, "Des sources locales l'attribuent toutefois au Groupe de soutien à l'islam et aux musulmans.",
                   [("Groupe de soutien à l'islam et aux musulmans", "ACTOR")]) == [
        ("attribuent", "Groupe de soutien à l'islam et aux musulmans", None)]
    assert _frames(knowledge, "L'ANL a accusé la Troisième force d'avoir mené l'assaut.",
                   [("L'ANL", "ACTOR"), ("Troisième force", "ACTOR")]) == [("accusé", "Troisième force", "L'ANL")]


def test_frames_find_unlabelled_states_and_generic_designations(knowledge):
    assert _frames(knowledge, "Le ministre a accusé l'Iran d'être derrière l'attaque.") == [("accusé", "l'Iran", None)]
    assert _frames(knowledge, "Le Pentagone l'a aussitôt attribuée à « des groupes soutenus par l'Iran ».") == [
        ("attribuée", "groupes soutenus par l'Iran", None)]
    assert _frames(knowledge, "Le mode opératoire porte la signature de l'État islamique au Sahel.")[0][1].endswith(
        "État islamique au Sahel")


def test_no_frame_for_passives_support_or_earlier_attributions(knowledge):
    for text in ("Les ADF sont accusées d'avoir tué des milliers de civils.",
                 "Washington accuse Téhéran de soutenir ces attaques.",
                 "Washington l'avait imputée à des groupes armés soutenus par Téhéran.",
                 "Les accusations visent des milices.",
                 "L'état-major accuse les « groupes terroristes » de vouloir empêcher l'armée de passer.",
                 "Kataeb Hezbollah, accusé par Washington d'avoir mené ces attaques, dément.",
                 "Le message ne dit rien, sans attribuer l'incident à un groupe précis."):
        assert _frames(knowledge, text) == [], text


def _events(knowledge, text, ents, relations, **switches):
    doc = annotated_doc(NLP, text, ents, relations)
    return [([a["text"] for a in e["claimed_by"]], [a["text"] for a in e["blamed_on"]])
            for e in build_events(doc, knowledge, **switches)]


def test_the_accused_is_blamed_and_the_accuser_is_not(knowledge):
    text = "Des roquettes ont visé la base aérienne de Balad. L'ANL a accusé la Troisième force d'avoir mené l'attaque."
    ents = [("Des roquettes", "WEAPON"), ("ont visé", "ATTACK"), ("la base aérienne de Balad", "BASE"),
            ("L'ANL", "ACTOR"), ("Troisième force", "ACTOR"), ("attaque", "ATTACK")]
    relations = [(1, 0, "USES"), (1, 2, "TARGETS"), (5, 3, "BLAMED_ON")]
    assert _events(knowledge, text, ents, relations) == [([], ["Troisième force"])]
    assert _events(knowledge, text, ents, relations, attributions=False) == [([], ["L'ANL"])]


def test_a_plural_anaphor_gives_the_accused_to_every_attack_and_background_gives_none(knowledge):
    text = ("Deux drones ont visé la base de Conoco. Des roquettes ont visé la base d'Al-Omar. "
            "Washington impute ces attaques à des milices soutenues par l'Iran.")
    ents = [("Deux drones", "WEAPON"), ("ont visé", "ATTACK"), ("la base de Conoco", "BASE"), ("Des roquettes", "WEAPON"),
            ("ont visé", "ATTACK"), ("la base d'Al-Omar", "BASE"), ("attaques", "ATTACK"),
            ("milices soutenues par l'Iran", "ACTOR")]
    relations = [(1, 0, "USES"), (1, 2, "TARGETS"), (4, 3, "USES"), (4, 5, "TARGETS")]
    assert _events(knowledge, text, ents, relations) == [([], ["milices soutenues par l'Iran"])] * 2
    background = ("Deux drones ont visé la base de Conoco. Une précédente attaque contre la base, attribuée à des "
                  "milices soutenues par l'Iran, avait fait deux blessés.")
    ents = [("Deux drones", "WEAPON"), ("ont visé", "ATTACK"), ("la base de Conoco", "BASE"), ("attaque", "ATTACK"),
            ("milices soutenues par l'Iran", "ACTOR")]
    assert _events(knowledge, background, ents, [(1, 0, "USES"), (1, 2, "TARGETS")]) == [([], [])]


def test_the_entity_checks_add_the_unlabelled_accused(knowledge):
    checks = EntityChecks(NLP, "salve_entity_checks")
    checks.knowledge = knowledge
    checks.setup()
    text = "Un drone a visé la base. Le ministre a accusé l'Iran d'être derrière l'attaque."
    doc = checks(annotated_doc(NLP, text, [("Un drone", "WEAPON"), ("a visé", "ATTACK"), ("la base", "BASE")], []))
    assert ("l'Iran", "ACTOR") in [(e.text, e.label_) for e in doc.ents]
    off = EntityChecks(NLP, "salve_entity_checks", accused_actors=False)
    off.knowledge = knowledge
    off.setup()
    doc = off(annotated_doc(NLP, text, [("Un drone", "WEAPON"), ("a visé", "ATTACK"), ("la base", "BASE")], []))
    assert "ACTOR" not in [e.label_ for e in doc.ents]
