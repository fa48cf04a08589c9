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
