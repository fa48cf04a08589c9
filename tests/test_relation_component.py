"""The trainable relation component: candidates, learning on gold entities, schema mask, save/load."""
import pytest
import spacy
from conftest import GOLD, annotated_doc
from spacy.training import Example
from thinc.api import fix_random_seed

import salve.pipeline.relation_component  # noqa: F401
from salve.corpus.docbin import record_to_doc
from salve.corpus.format import read_records
from salve.pipeline.doc_extensions import get_relations
from salve.pipeline.labels import is_allowed
from salve.pipeline.relation_model import candidate_pairs


@pytest.fixture(autouse=True)
def fixed_seed():
    """Every test here initialises or trains weights: the same numbers on every run (issue 15)."""
    fix_random_seed(0)


def _examples(nlp):
    gold = [record_to_doc(nlp, r) for _, r in read_records(GOLD)][:3]
    return gold, [Example(nlp.make_doc(d.text), d) for d in gold]


def test_candidate_pairs_respect_distance_and_sentences():
    nlp = spacy.blank("fr")
    text = "Deux roquettes ont frappé la base de Balad. Rien. Plus tard, un drone a été vu. " + "mot " * 80 + "Trois obus."
    doc = annotated_doc(nlp, text, [("Deux roquettes", "WEAPON"), ("ont frappé", "ATTACK"), ("la base de Balad", "BASE"),
                                    ("un drone", "WEAPON"), ("Trois obus", "WEAPON")])
    pairs = {(a.text, b.text) for a, b in candidate_pairs(doc, max_distance=60)}
    assert pairs == {("ont frappé", "Deux roquettes"), ("ont frappé", "la base de Balad")}


def test_arguments_pair_across_sentences_only_without_an_attack_of_their_own():
    """D9: an argument in the next sentence pairs with the attack before it only when its own sentence has none."""
    nlp = spacy.blank("fr")
    text = ("Des drones ont visé la base de Harir. Les autorités avaient attribué les précédentes attaques aux milices. "
            "Trois soldats ont été blessés.")
    doc = annotated_doc(nlp, text, [("Des drones", "WEAPON"), ("ont visé", "ATTACK"), ("la base de Harir", "BASE"),
                                    ("précédentes attaques", "ATTACK"), ("milices", "ACTOR"),
                                    ("Trois soldats", "CASUALTY")])
    pairs = {(a.text, b.text) for a, b in candidate_pairs(doc, max_distance=60)}
    assert ("ont visé", "milices") not in pairs and ("précédentes attaques", "milices") in pairs
    assert ("précédentes attaques", "Trois soldats") in pairs  # no attack in its own sentence
    assert ("précédentes attaques", "la base de Harir") not in pairs
    assert ("ont visé", "milices") in {(a.text, b.text) for a, b in candidate_pairs(doc, 60, own_sentence=False)}
    assert candidate_pairs(annotated_doc(nlp, "Une attaque.", [("attaque", "ATTACK")]), 60) == []


def test_remembered_pairs_follow_the_entities_and_free_the_doc():
    """The pairs are remembered per doc (asked three times per doc); new entities give new pairs, and the memory
    holds no span, so a doc that is no longer used is freed."""
    import gc
    import weakref

    from salve.pipeline import relation_model
    nlp = spacy.blank("fr")
    doc = annotated_doc(nlp, "Deux roquettes ont frappé la base de Balad.",
                        [("Deux roquettes", "WEAPON"), ("ont frappé", "ATTACK")])
    assert [(a.text, b.text) for a, b in candidate_pairs(doc, 60)] == [("ont frappé", "Deux roquettes")]
    assert candidate_pairs(doc, 60) == candidate_pairs(doc, 60)
    doc.ents = list(doc.ents) + [doc.char_span(26, 42, label="BASE")]
    assert [b.text for _, b in candidate_pairs(doc, 60)] == ["Deux roquettes", "la base de Balad"]
    assert candidate_pairs(doc, -1) == []  # the distance is part of what is remembered
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None and len(relation_model._PAIRS) == 0


def test_component_learns_and_keeps_the_schema():
    nlp = spacy.blank("fr")
    rel = nlp.add_pipe("salve_relations")
    gold, examples = _examples(nlp)
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    first = last = None
    for step in range(25):
        losses = nlp.update(examples, sgd=optimizer, losses={})
        first = losses["salve_relations"] if first is None else first
        last = losses["salve_relations"]
    assert last < first / 2
    docs = []
    for g in gold:
        doc = nlp.make_doc(g.text)
        doc.ents = [doc.char_span(e.start_char, e.end_char, label=e.label_) for e in g.ents]
        docs.append(rel(doc))
    labels = {(e.start_char, e.end_char): e.label_ for d in docs for e in d.ents}
    for doc in docs:
        for r in get_relations(doc):
            assert is_allowed(r["label"], labels[tuple(r["head"])], labels[tuple(r["child"])])
    scores = rel.score([Example(d, g) for d, g in zip(docs, gold)])
    assert scores["rel_micro_f"] > 0.8  # it can fit its own training documents


def test_threshold_is_saved_with_the_model(tmp_path):
    nlp = spacy.blank("fr")
    rel = nlp.add_pipe("salve_relations")
    _, examples = _examples(nlp)
    nlp.initialize(lambda: examples)
    rel.threshold = 0.37
    nlp.to_disk(tmp_path / "m")
    assert spacy.load(tmp_path / "m").get_pipe("salve_relations").threshold == 0.37


def test_no_candidates_gives_no_relations():
    nlp = spacy.blank("fr")
    rel = nlp.add_pipe("salve_relations")
    _, examples = _examples(nlp)
    nlp.initialize(lambda: examples)
    doc = rel(nlp("Aucune entité ici."))
    assert get_relations(doc) == []


def _train_relations(steps=10):
    """Losses and scores of a few updates of the relation component on three seeds (the seed fixed first)."""
    fix_random_seed(0)
    nlp = spacy.blank("fr")
    rel = nlp.add_pipe("salve_relations")
    gold, examples = _examples(nlp)
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    losses = [nlp.update(examples, sgd=optimizer, losses={})["salve_relations"] for _ in range(steps)]
    docs = []
    for g in gold:
        doc = nlp.make_doc(g.text)
        doc.ents = [doc.char_span(e.start_char, e.end_char, label=e.label_) for e in g.ents]
        docs.append(rel(doc))
    return losses, rel.score([Example(d, g) for d, g in zip(docs, gold)])


def test_training_with_the_same_seed_gives_the_same_losses_and_scores():
    losses, scores = _train_relations()
    assert _train_relations() == (losses, scores)
    assert len(set(losses)) == len(losses)  # the losses move: the equality above compares real training


def _with_entities(nlp, text, ents):
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(text.index(phrase), text.index(phrase) + len(phrase), label=label) for phrase, label in ents]
    return doc


BACKOFF_TEXT = ("Des roquettes ont visé la base de Tal Afar lundi. La base aérienne d'Aïn al-Asad a aussi été touchée. "
                "Deux soldats ont été blessés.")
BACKOFF_ENTS = [("ont visé", "ATTACK"), ("Des roquettes", "WEAPON"), ("la base de Tal Afar", "BASE"),
                ("La base aérienne d'Aïn al-Asad", "BASE"), ("a aussi été touchée", "ATTACK"),
                ("Deux soldats", "CASUALTY")]


def _relations_below_threshold(backoff):
    """The component's relations when the model gives every pair probability 0: only the back-off remains."""
    nlp = spacy.blank("fr")
    rel = nlp.add_pipe("salve_relations", config={"backoff": backoff})
    doc = _with_entities(nlp, BACKOFF_TEXT, BACKOFF_ENTS)
    scores = rel.model.ops.alloc2f(len(rel._pairs(doc)), len(rel.labels))
    rel.set_annotations([doc], scores)
    return {(doc.text[r["head"][0]:r["head"][1]], doc.text[r["child"][0]:r["child"][1]], r["label"])
            for r in get_relations(doc)}


def test_backoff_gives_orphan_bases_and_weapons_the_rules_attack():
    assert _relations_below_threshold([]) == set()
    assert _relations_below_threshold(["TARGETS", "USES"]) == {
        ("ont visé", "Des roquettes", "USES"), ("ont visé", "la base de Tal Afar", "TARGETS"),
        ("a aussi été touchée", "La base aérienne d'Aïn al-Asad", "TARGETS")}  # the nearest attack of the sentence
    assert _relations_below_threshold(["TARGETS"]) == {
        ("ont visé", "la base de Tal Afar", "TARGETS"), ("a aussi été touchée", "La base aérienne d'Aïn al-Asad", "TARGETS")}


def test_backoff_keeps_what_the_model_relates():
    """A BASE the model already relates (to any attack) is left as the model has it, not given the rules' attack."""
    nlp = spacy.blank("fr")
    rel = nlp.add_pipe("salve_relations", config={"backoff": ["TARGETS"]})
    text = "Des roquettes ont visé la base de Tal Afar, puis la base aérienne d'Aïn al-Asad a aussi été touchée."
    doc = _with_entities(nlp, text, [("ont visé", "ATTACK"), ("Des roquettes", "WEAPON"),
                                     ("la base de Tal Afar", "BASE"), ("la base aérienne d'Aïn al-Asad", "BASE"),
                                     ("a aussi été touchée", "ATTACK")])
    pairs = rel._pairs(doc)
    scores = rel.model.ops.alloc2f(len(pairs), len(rel.labels))
    row = next(i for i, (h, c) in enumerate(pairs) if h.text == "ont visé" and c.text.startswith("la base aérienne"))
    scores[row, rel.labels.index("TARGETS")] = 0.9
    rel.set_annotations([doc], scores)
    targets = {(doc.text[r["head"][0]:r["head"][1]], doc.text[r["child"][0]:r["child"][1]])
               for r in get_relations(doc) if r["label"] == "TARGETS"}
    assert targets == {("ont visé", "la base aérienne d'Aïn al-Asad"), ("ont visé", "la base de Tal Afar")}


def test_backoff_refuses_relation_types_the_rules_cannot_attach():
    nlp = spacy.blank("fr")
    with pytest.raises(ValueError, match="BLAMED_ON"):
        nlp.add_pipe("salve_relations", config={"backoff": ["BLAMED_ON"]})


def _orphan_casualties(text, ents, backoff):
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    rel = nlp.add_pipe("salve_relations", config={"backoff": backoff})
    doc = _with_entities(nlp, text, ents)
    doc = nlp.get_pipe("sentencizer")(doc)
    rel.set_annotations([doc], rel.model.ops.alloc2f(len(rel._pairs(doc)), len(rel.labels)))
    return sorted((doc.text[r["head"][0]:r["head"][1]], doc.text[r["child"][0]:r["child"][1]], r["label"])
                  for r in get_relations(doc))


def test_backoff_gives_orphan_casualties_the_rules_attack_and_the_kind_of_their_cues():
    """A CASUALTY no relation reaches takes the rules' attack (that of the sentence before when its own has none;
    none two sentences on), with the type its cue words say: "blessés" INJURED, "victimes" both, nothing when
    the cues say nothing."""
    text = ("Quatre roquettes ont frappé la base de Kharab al-Jir. Cinq soldats ont été blessés. Aucun soldat n'a été "
            "tué. L'attaque a fait des victimes. Trois soldats étaient en poste.")
    ents = [("ont frappé", "ATTACK"), ("Cinq soldats", "CASUALTY"), ("Aucun soldat", "CASUALTY"),
            ("L'attaque", "ATTACK"), ("des victimes", "CASUALTY"), ("Trois soldats", "CASUALTY")]
    assert _orphan_casualties(text, ents, ["TARGETS", "USES"]) == []
    assert _orphan_casualties(text, ents, ["KILLED", "INJURED"]) == [
        ("L'attaque", "des victimes", "INJURED"), ("L'attaque", "des victimes", "KILLED"),
        ("ont frappé", "Cinq soldats", "INJURED")]
    assert _orphan_casualties(text, ents, ["KILLED"]) == [("L'attaque", "des victimes", "KILLED")]


def test_rule_attack_without_a_parse_is_the_nearest_attack_and_reads_no_tree():
    """A doc of the trained pipeline has no parse: the rules' attachment is the nearest attack of the sentence, and
    the heads are not walked (walking them crashed spaCy on some such docs)."""
    from salve.pipeline.rule_relations import attacks_by_sentence, rule_attack
    from salve.pipeline.sentences import sentence_bounds

    nlp = spacy.blank("fr")
    text = "Des roquettes ont visé la base de Tal Afar, puis un drone a frappé le camp de Taji."
    doc = _with_entities(nlp, text, [("ont visé", "ATTACK"), ("la base de Tal Afar", "BASE"), ("a frappé", "ATTACK"),
                                     ("le camp de Taji", "BASE")])
    assert not doc.has_annotation("DEP")
    by_sent = attacks_by_sentence(doc, sentence_bounds(doc))
    bases = [e for e in doc.ents if e.label_ == "BASE"]
    assert [rule_attack(b, by_sent, 0).text for b in bases] == ["ont visé", "a frappé"]
