"""Offline half of the doccano loop: mapping records to and from doccano, and merging an export into the corpus.

Pull never loses work: `check_export` finds everything wrong with the whole export (JSON, schema, offsets, token
alignment, documents without a doc_id or given twice, texts changed in doccano) before anything is written;
`diff` says what an export adds, modifies and removes; `merge` keeps every unchanged record byte for byte (so
pulling an untouched project changes nothing), takes modified and new documents from the export with fresh ids,
and `drops` lists what the export would delete so the caller can refuse it.
"""
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, List, Tuple

from spacy.language import Language

from .docbin import record_to_doc
from .format import CorpusError, Problem, Record, doc_id_of, first_difference, iter_json_lines, validate_record

DOCCANO_KEYS = ("id", "Comments")  # added by doccano's export, not part of the corpus format


@dataclass
class DocChange:
    doc_id: str
    entities_added: int = 0
    entities_removed: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    text_changed: bool = False


@dataclass
class CorpusDiff:
    added: List[str] = field(default_factory=list)
    removed: List[str] = field(default_factory=list)
    modified: List[DocChange] = field(default_factory=list)
    unchanged: List[str] = field(default_factory=list)

    def drops(self) -> List[str]:
        """What the export would delete: whole documents, entities or relations."""
        out = [f"document {d} is not in the export" for d in self.removed]
        for change in self.modified:
            if change.text_changed:
                out.append(f"document {change.doc_id}: text changed")
            if change.entities_removed or change.relations_removed:
                out.append(f"document {change.doc_id}: {change.entities_removed} entities and "
                           f"{change.relations_removed} relations removed")
        return out

    def summary(self) -> str:
        lines = [f"{len(self.added)} added, {len(self.modified)} modified, {len(self.removed)} removed, "
                 f"{len(self.unchanged)} unchanged documents"]
        lines += [f"  + {d}" for d in self.added]
        lines += [f"  - {d}" for d in self.removed]
        lines += [f"  ~ {c.doc_id}: entities +{c.entities_added}/-{c.entities_removed}, relations "
                  f"+{c.relations_added}/-{c.relations_removed}{', text changed' if c.text_changed else ''}"
                  for c in self.modified]
        return "\n".join(lines)


def annotation_sets(record: Record) -> Tuple[FrozenSet, FrozenSet]:
    """Entities and relations of a record, independent of ids and order."""
    spans = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in record.get("entities", [])}
    entities = frozenset(spans.values())
    relations = frozenset((spans[r["from_id"]][:2], spans[r["to_id"]][:2], r["type"]) for r in record.get("relations", [])
                          if r["from_id"] in spans and r["to_id"] in spans)
    return entities, relations


def same_annotations(a: Record, b: Record) -> bool:
    return a["text"] == b["text"] and annotation_sets(a) == annotation_sets(b) and (a.get("meta") or {}) == (b.get("meta") or {})


def from_export(record: Dict[str, Any]) -> Record:
    """A doccano export line as a corpus record (doccano's own keys dropped, comments kept in the meta)."""
    out = {k: v for k, v in record.items() if k not in DOCCANO_KEYS}
    comments = record.get("Comments") or []
    if comments and isinstance(out.get("meta", {}), dict):  # a meta that is not an object is reported as it is
        out["meta"] = {**out.get("meta", {}), "doccano_comments": comments}
    return out  # doccano's relation export always has 'entities' and 'relations': a line without is reported


def to_upload(record: Record) -> Record:
    """A corpus record as a doccano upload line (RelationExtraction JSONL); the meta travels as it is."""
    return {"text": record["text"], "entities": record.get("entities", []), "relations": record.get("relations", []),
            "meta": record.get("meta") or {}}


def diff(current: List[Record], exported: List[Record]) -> CorpusDiff:
    by_id = {doc_id_of(r): r for r in exported}
    result = CorpusDiff()
    for record in current:
        doc_id = doc_id_of(record)
        new = by_id.get(doc_id)
        if new is None:
            result.removed.append(doc_id)
        elif same_annotations(record, new):
            result.unchanged.append(doc_id)
        else:
            (old_e, old_r), (new_e, new_r) = annotation_sets(record), annotation_sets(new)
            result.modified.append(DocChange(doc_id, len(new_e - old_e), len(old_e - new_e), len(new_r - old_r),
                                             len(old_r - new_r), record["text"] != new["text"]))
    known = {doc_id_of(r) for r in current}
    result.added = [doc_id_of(r) for r in exported if doc_id_of(r) not in known]
    return result


def _renumber(record: Record, start_entity: int, start_relation: int) -> Record:
    ids = {}
    entities = []
    for n, ent in enumerate(record.get("entities", []), start=start_entity + 1):
        ids[ent["id"]] = n
        entities.append({**ent, "id": n})
    relations = [{**rel, "id": n, "from_id": ids[rel["from_id"]], "to_id": ids[rel["to_id"]]}
                 for n, rel in enumerate(record.get("relations", []), start=start_relation + 1)]
    return {**record, "entities": entities, "relations": relations}


def merge(current: List[Record], exported: List[Record]) -> List[Record]:
    """Corpus after the pull: unchanged records as they were, modified and new ones from the export."""
    by_id = {doc_id_of(r): r for r in exported}
    max_ent = max((e["id"] for r in current for e in r.get("entities", []) if isinstance(e["id"], int)), default=0)
    max_rel = max((x["id"] for r in current for x in r.get("relations", []) if isinstance(x["id"], int)), default=0)
    out = []

    def fresh(record: Record) -> Record:
        nonlocal max_ent, max_rel
        renumbered = _renumber(record, max_ent, max_rel)
        max_ent += len(renumbered["entities"])
        max_rel += len(renumbered["relations"])
        return renumbered

    for record in current:
        new = by_id.get(doc_id_of(record))
        if new is None:
            continue
        out.append(record if same_annotations(record, new) else fresh(new))
    known = {doc_id_of(r) for r in current}
    out += [fresh(r) for r in exported if doc_id_of(r) not in known]
    return out


ExportLine = Tuple[str, int, Any]  # (where: "doccano export <file>", line number, parsed JSON)


def parse_export(files: Iterable[Tuple[str, bytes]]) -> Tuple[List[ExportLine], List[Problem]]:
    """The lines of the export's files (name, content), each parsed on its own; problems say file and line."""
    lines: List[ExportLine] = []
    problems: List[Problem] = []
    for name, data in files:
        where = f"doccano export {name}"
        for number, obj, problem in iter_json_lines(data.splitlines(keepends=True), where):
            if problem is not None:
                problems.append(problem)
            else:
                lines.append((where, number, obj))
    return lines, problems


def check_export(lines: List[ExportLine], current: List[Record], nlp: Language) -> Tuple[List[Record], List[Problem]]:
    """The export as corpus records, and every problem that must stop a pull before anything is written: schema and
    offsets, token alignment (with `nlp`'s tokenizer), a document without meta.doc_id, a doc_id given twice, and a
    document whose text differs from the corpus's (doccano must only add annotations). Each problem names the
    export file and line, the doccano example id and the doc_id."""
    corpus_texts = {doc_id_of(r): r["text"] for r in current}
    first_seen: Dict[str, str] = {}
    records: List[Record] = []
    problems: List[Problem] = []
    for where, number, raw in lines:
        if not isinstance(raw, dict):
            problems.extend(validate_record(raw, where, number))
            continue
        example = f"doccano example id={raw.get('id')!r}"
        record = from_export(raw)
        found = validate_record(record, where, number)
        meta = record.get("meta")
        doc_id = meta.get("doc_id") if isinstance(meta, dict) else None
        if not found and doc_id is None:
            found.append(Problem(where, number, f"{example} has no meta.doc_id (was it added in doccano instead of "
                                                f"pushed by `salve doccano push`?)"))
        if isinstance(doc_id, str):
            here = f"in {example} (line {number} of {where})"
            if doc_id in first_seen:
                found.append(Problem(where, number, f"doc_id {doc_id!r} ({example}) is also {first_seen[doc_id]}"))
            first_seen.setdefault(doc_id, here)
            old, new = corpus_texts.get(doc_id), record.get("text")
            if isinstance(new, str) and old is not None and new != old:
                at = first_difference(old, new)
                found.append(Problem(where, number, f"doc_id {doc_id!r} ({example}): the text differs from the corpus "
                                                    f"at character {at}: corpus {old[at:at + 30]!r}, export "
                                                    f"{new[at:at + 30]!r} (a text must not change in doccano)"))
        if not found:
            try:
                record_to_doc(nlp, record, where, number)
            except CorpusError as err:
                found.extend(err.problems)
        problems.extend(found)
        records.append(record)
    return records, problems
