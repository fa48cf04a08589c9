from salve.pipeline.labels import ALLOWED_TRIPLES, ENTITY_LABELS, RELATION_SCHEMA, RELATION_TYPES, is_allowed, relations_for


def test_every_relation_goes_from_attack_to_an_entity_label():
    assert set(RELATION_SCHEMA) == set(RELATION_TYPES)
    for head, child in RELATION_SCHEMA.values():
        assert head == "ATTACK"
        assert child in ENTITY_LABELS


def test_allowed_and_forbidden_triples():
    assert is_allowed("USES", "ATTACK", "WEAPON")
    assert not is_allowed("USES", "ATTACK", "BASE")
    assert not is_allowed("TARGETS", "WEAPON", "BASE")
    assert len(ALLOWED_TRIPLES) == 6


def test_actor_and_casualty_have_two_relation_types_each():
    assert relations_for("ATTACK", "ACTOR") == ("CLAIMED_BY", "BLAMED_ON")
    assert relations_for("ATTACK", "CASUALTY") == ("KILLED", "INJURED")
    assert relations_for("ATTACK", "ATTACK") == ()
