"""The development set: valid annotations, event gold of the form the news scorer reads (D24), never trained on,
written by writers who wrote no training text; and the news scorer on known predictions."""
import pytest
import spacy
from conftest import ROOT

from salve.corpus.docbin import record_to_doc
from salve.corpus.markup import read_markup
from salve.evaluation.news_metrics import headline_slots, mention_counts, score_news, target_counts

DEV = sorted((ROOT / "corpus" / "dev").glob("*.markup"))
SYNTHETIC = sorted((ROOT / "corpus" / "synthetic").glob("*.markup"))
SLOTS = {"target", "weapon_type", "weapon_count", "weapon_qualifier", "killed", "injured", "claimed_by", "blamed_on",
         "unclaimed"}


@pytest.fixture(scope="module")
def dev_records():
    return [r for path in DEV for r in read_markup(path)]


def test_devset_is_large_valid_and_carries_event_gold(dev_records):
    assert len(dev_records) >= 40
    for record in dev_records:
        meta = record["meta"]
        assert meta["synthetic"] is True and meta["split"] == "dev", meta["doc_id"]
        gold = meta["gold_events"]
        assert isinstance(gold["targets"], list)
        assert all(t in record["text"] for t in gold["targets"]), meta["doc_id"]
        if gold["headline"] is not None:
            assert set(gold["headline"]) == SLOTS, meta["doc_id"]
            assert gold["headline"]["killed"] is None or isinstance(gold["headline"]["killed"], int)


def test_devset_is_never_trained_on_and_has_its_own_writers(dev_records):
    training = [r for path in SYNTHETIC for r in read_markup(path)]
    dev_ids = {r["meta"]["doc_id"] for r in dev_records}
    assert not dev_ids & {r["meta"]["doc_id"] for r in training}
    dev_writers = {r["meta"]["writer"] for r in dev_records}
    assert not dev_writers & {r["meta"].get("writer") for r in training}
    dev_texts = {r["text"] for r in dev_records}
    assert not dev_texts & {r["text"] for r in training}


def test_news_scorer_on_known_predictions(knowledge):
    nlp = spacy.blank("fr")
    record = read_markup(DEV[0])[0]
    gold = record_to_doc(nlp, record)
    perfect = score_news([gold], [gold], knowledge)
    assert perfect["mentions"]["all"]["f"] == 1.0
    empty = nlp.make_doc(gold.text)
    empty._.events = []
    nothing = score_news([gold], [empty], knowledge)
    assert nothing["mentions"]["all"]["r"] == 0.0 and nothing["targets"]["p"] == 0.0


def test_mention_targets_and_slot_matching_rules(knowledge):
    assert mention_counts([(0, 10, "BASE")], [(5, 12, "BASE"), (5, 12, "BASE")])["BASE"] == [1, 1, 0]
    assert mention_counts([(0, 10, "BASE")], [(5, 12, "WEAPON")])["BASE"] == [0, 0, 1]
    text = "Des roquettes ont visé la base d'Aïn al-Asad puis l'aéroport d'Erbil."
    events = [{"target": {"text": "base d'Aïn al-Asad", "start": 26, "end": 44}},
              {"target": {"text": "la base d'Aïn al-Asad", "start": 23, "end": 44}}]
    assert target_counts(text, ["la base d'Aïn al-Asad", "l'aéroport d'Erbil"], events, knowledge) == [1, 0, 1]
    gold = {"target": "la base d'Aïn al-Asad", "weapon_type": "rocket", "weapon_count": None, "killed": 0,
            "injured": None, "claimed_by": [], "blamed_on": ["Kataeb Hezbollah"], "unclaimed": True}
    pred = [{"target": events[1]["target"], "weapons": [{"type": "rocket", "count": None}],
             "killed": {"count": 0}, "injured": None, "claimed_by": [], "blamed_on": [{"text": "Kataëb Hezbollah"}],
             "unclaimed": False}]
    assert headline_slots(text, gold, pred, knowledge) == {
        "weapon_type": True, "weapon_count": True, "killed": True, "injured": True, "claimed": True, "blamed": True,
        "unclaimed": False}

