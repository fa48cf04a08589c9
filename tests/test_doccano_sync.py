"""Offline logic of the doccano pull: diff, refusal of drops, merge keeping unchanged records as they were."""

from conftest import GOLD

from salve.corpus.doccano_sync import diff, from_export, merge, same_annotations, to_upload
from salve.corpus.format import read_records, validate_record


def _gold():
    return [r for _, r in read_records(GOLD)]


def _as_exported(records):
    """What doccano gives back: its own ids, extra keys, same annotations."""
    out = []
    for n, r in enumerate(records):
        shift = 1000 * (n + 1)
        ents = [{**e, "id": e["id"] + shift} for e in reversed(r["entities"])]
        rels = [{**x, "id": x["id"] + shift, "from_id": x["from_id"] + shift, "to_id": x["to_id"] + shift} for x in r["relations"]]
        out.append(from_export({"id": n + 1, **to_upload({**r, "entities": ents, "relations": rels}), "Comments": []}))
    return out


def test_unchanged_export_merges_to_the_identical_corpus():
    gold = _gold()
    exported = _as_exported(gold)
    changes = diff(gold, exported)
    assert len(changes.unchanged) == 5 and not changes.drops()
    assert merge(gold, exported) == gold


def test_added_and_modified_documents_and_fresh_ids():
    gold = _gold()
    exported = _as_exported(gold)
    exported[0]["entities"] = exported[0]["entities"] + [{"id": 99999, "label": "ACTOR", "start_offset": 0, "end_offset": 3}]
    new_doc = {"text": "Un drone a visé la base de Harir.", "meta": {"doc_id": "new1"},
               "entities": [{"id": 7, "label": "WEAPON", "start_offset": 0, "end_offset": 8}], "relations": []}
    changes = diff(gold, exported + [new_doc])
    assert changes.added == ["new1"] and [c.doc_id for c in changes.modified] == ["000_fd9675003779e116"]
    assert changes.modified[0].entities_added == 1 and not changes.drops()
    merged = merge(gold, exported + [new_doc])
    assert merged[1:5] == gold[1:5] and merged[-1]["meta"]["doc_id"] == "new1"
    ids = [e["id"] for r in merged for e in r["entities"]]
    assert len(ids) == len(set(ids))  # ids stay unique in the file
    assert all(validate_record(r) == [] for r in merged)
    assert same_annotations(merged[0], exported[0])


def test_removed_annotations_and_documents_are_reported_as_drops():
    gold = _gold()
    exported = _as_exported(gold)[1:]
    exported[0]["relations"] = exported[0]["relations"][1:]
    drops = diff(gold, exported).drops()
    assert "document 000_fd9675003779e116 is not in the export" in drops
    assert any("001_7d96a9abc72ce5d4: 0 entities and 1 relations removed" in d for d in drops)


def test_comments_are_kept_in_the_meta():
    record = from_export({"id": 3, "text": "x", "entities": [], "relations": [], "meta": {"doc_id": "a"},
                          "Comments": [{"text": "vérifier"}]})
    assert record["meta"]["doccano_comments"] == [{"text": "vérifier"}] and "id" not in record
