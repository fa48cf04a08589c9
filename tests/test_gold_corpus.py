"""The gold corpus: every seed, verbatim text, complete schema coverage."""
from collections import Counter

from conftest import GOLD, SEEDS

from salve.corpus.docbin import records_to_docbin
from salve.corpus.format import read_records
from salve.corpus.seeds import read_seed, split_header
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES


def test_every_seed_is_annotated_with_its_exact_text_and_date():
    records = {r["meta"]["doc_id"]: r for _, r in read_records(GOLD)}
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 5 and set(records) == {p.stem for p in seeds}
    for path in seeds:
        text, meta = read_seed(path)
        assert records[path.stem]["text"] == text
        assert records[path.stem]["meta"].get("date") == meta.get("date")
        assert records[path.stem]["meta"]["synthetic"] is False


def test_header_is_metadata_not_text():
    assert split_header(" date 2021-07 AU MOINS trois") == ("AU MOINS trois", {"date": "2021-07"})
    assert split_header("Plusieurs Américains") == ("Plusieurs Américains", {})


def test_all_labels_and_relation_types_occur_and_align(blank_fr):
    records = read_records(GOLD)
    labels = Counter(e["label"] for _, r in records for e in r["entities"])
    rels = Counter(x["type"] for _, r in records for x in r["relations"])
    assert all(labels[l] > 0 for l in ENTITY_LABELS), labels
    assert all(rels[t] > 0 for t in RELATION_TYPES), rels
    assert len(records_to_docbin(blank_fr, records, str(GOLD))) == 5
