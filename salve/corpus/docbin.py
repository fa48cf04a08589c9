"""Conversion between corpus records (doccano JSONL) and spaCy Docs / DocBins.

Entities become `doc.ents`, relations `doc._.relations`, metadata `doc._.meta`. The ids of the JSONL
record are kept in the meta so that JSONL -> DocBin -> JSONL is lossless.
"""
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from salve.pipeline.doc_extensions import get_meta, get_relations, set_relations

from .format import CorpusError, Problem, Record

# Key of the doc meta under which the JSONL record's own ids and extra keys are kept.
SOURCE_KEY = "_source"


def _misalignment(doc: Doc, start: int, end: int) -> str:
    """Say where the token boundaries around an unaligned span are, to help fix it."""
    starts = [t.idx for t in doc if t.idx <= start]
    ends = [t.idx + len(t) for t in doc if t.idx + len(t) >= end]
    near_start = starts[-1] if starts else 0
    near_end = ends[0] if ends else len(doc.text)
    return (f"nearest token boundaries are [{near_start}:{near_end}] "
            f"{doc.text[near_start:near_end]!r}")


def record_to_doc(nlp: Language, record: Record, file: str = "<record>", line: int = 1) -> Doc:
    """Tokenise a validated record and attach its annotations; raise CorpusError on token misalignment."""
    text = record["text"]
    doc = nlp.make_doc(text)
    spans, problems = [], []
    entity_ids: List[List[Any]] = []
    by_id: Dict[Any, Tuple[int, int]] = {}
    for ent in record.get("entities", []):
        start, end = ent["start_offset"], ent["end_offset"]
        span = doc.char_span(start, end, label=ent["label"], alignment_mode="strict")
        if span is None:
            problems.append(Problem(file, line, f"entity id={ent['id']} {ent['label']} [{start}:{end}] "
                                    f"{text[start:end]!r} does not align with the tokenizer; "
                                    f"{_misalignment(doc, start, end)}"))
            continue
        spans.append(span)
        entity_ids.append([start, end, ent["id"]])
        by_id[ent["id"]] = (start, end)
    if problems:
        raise CorpusError(problems)
    doc.ents = sorted(spans, key=lambda span: span.start)
    relations, relation_ids = [], []
    for rel in record.get("relations", []):
        head, child = by_id[rel["from_id"]], by_id[rel["to_id"]]
        relations.append({"head": list(head), "child": list(child), "label": rel["type"]})
        relation_ids.append([list(head), list(child), rel["type"], rel["id"]])
    set_relations(doc, relations)
    meta = dict(record.get("meta") or {})
    extra = {k: v for k, v in record.items() if k not in ("text", "entities", "relations", "meta")}
    meta[SOURCE_KEY] = {"entity_ids": entity_ids, "relation_ids": relation_ids, "extra": extra,
                        "has_meta": "meta" in record}
    doc._.meta = meta
    return doc


def doc_to_record(doc: Doc) -> Record:
    """The inverse of `record_to_doc`: ids are restored when the doc came from a record, else numbered."""
    meta = get_meta(doc)
    source = meta.pop(SOURCE_KEY, None) or {}
    known_ids = {(s, e): i for s, e, i in source.get("entity_ids", [])}
    next_id = max([i for i in known_ids.values() if isinstance(i, int)], default=0)
    entities, ids = [], {}
    for ent in doc.ents:
        key = (ent.start_char, ent.end_char)
        if key not in known_ids:
            next_id += 1
            known_ids[key] = next_id
        ids[key] = known_ids[key]
        entities.append({"id": ids[key], "label": ent.label_, "start_offset": ent.start_char, "end_offset": ent.end_char})
    # Keep the entity order of the source record where there was one.
    ent_order = {(s, e): n for n, (s, e, _) in enumerate(source.get("entity_ids", []))}
    entities.sort(key=lambda e: (ent_order.get((e["start_offset"], e["end_offset"]), len(ent_order)), e["start_offset"]))
    known_rel_ids = {(tuple(h), tuple(c), t): i for h, c, t, i in source.get("relation_ids", [])}
    next_rel = max([i for i in known_rel_ids.values() if isinstance(i, int)], default=0)
    relations = []
    for rel in get_relations(doc):
        head, child = tuple(rel["head"]), tuple(rel["child"])
        if head not in ids or child not in ids:
            continue
        key = (head, child, rel["label"])
        if key not in known_rel_ids:
            next_rel += 1
            known_rel_ids[key] = next_rel
        relations.append({"id": known_rel_ids[key], "from_id": ids[head], "to_id": ids[child], "type": rel["label"]})
    # Keep the order of the source record where there was one.
    order = {i: n for n, (_, _, _, i) in enumerate(source.get("relation_ids", []))}
    relations.sort(key=lambda r: (order.get(r["id"], len(order)), r["id"]))
    record: Record = dict(source.get("extra", {}))
    record.update({"text": doc.text, "entities": entities, "relations": relations})
    if meta or source.get("has_meta", True):
        record["meta"] = meta
    return record


def records_to_docbin(nlp: Language, records: Iterable[Tuple[int, Record]], file: str = "<records>") -> DocBin:
    """Convert (line, record) pairs; collect alignment problems of every record before raising."""
    docbin = DocBin(store_user_data=True)
    problems: List[Problem] = []
    for line, record in records:
        try:
            docbin.add(record_to_doc(nlp, record, file, line))
        except CorpusError as err:
            problems.extend(err.problems)
    if problems:
        raise CorpusError(problems)
    return docbin


def read_docbin(nlp: Language, path: Path) -> List[Doc]:
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))
