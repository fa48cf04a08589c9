"""The corpus format (doccano relation JSONL): reading, writing and validation.

One record per line::

    {"text": "...",
     "entities": [{"id": 1, "label": "WEAPON", "start_offset": 0, "end_offset": 12}, ...],
     "relations": [{"id": 1, "from_id": 3, "to_id": 1, "type": "USES"}, ...],
     "meta": {"doc_id": "...", "date": "2021-07", "synthetic": false, ...}}

Other top-level keys (doccano adds "id", "Comments", ...) are kept as they are. Validation collects every
problem with its file, line, ids and offsets instead of stopping at the first one, and never repairs
anything silently.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from salve.pipeline.labels import ENTITY_LABELS, RELATION_SCHEMA, RELATION_TYPES, is_allowed

Record = Dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a corpus file, located precisely enough to fix it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class CorpusError(ValueError):
    """Raised with every problem found, so one run shows all that needs fixing."""

    def __init__(self, problems: List[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the corpus:\n{shown}{more}")


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _entity_problems(record: Record, file: str, line: int) -> Tuple[List[Problem], Dict[Any, Dict[str, Any]]]:
    problems: List[Problem] = []
    text = record["text"]
    by_id: Dict[Any, Dict[str, Any]] = {}
    spans: List[Tuple[int, int, Any]] = []
    entities = record.get("entities", [])
    if not isinstance(entities, list):
        return [Problem(file, line, "'entities' must be a list")], by_id
    for ent in entities:
        if not isinstance(ent, dict) or not {"id", "label", "start_offset", "end_offset"} <= set(ent):
            problems.append(Problem(file, line, f"entity {ent!r} needs id, label, start_offset and end_offset"))
            continue
        eid, label, start, end = ent["id"], ent["label"], ent["start_offset"], ent["end_offset"]
        where = f"entity id={eid!r} [{start}:{end}]"
        if not _is_id(eid):
            problems.append(Problem(file, line, f"{where}: an id must be an integer or a string"))
            continue
        if eid in by_id:
            problems.append(Problem(file, line, f"duplicate entity id {eid} ({where})"))
            continue
        by_id[eid] = ent
        if label not in ENTITY_LABELS:
            problems.append(Problem(file, line, f"{where}: unknown label {label!r} (known: {', '.join(ENTITY_LABELS)})"))
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            problems.append(Problem(file, line, f"{where}: offsets must be integers"))
            continue
        if start < 0 or end > len(text):
            problems.append(Problem(file, line, f"{where}: offsets out of range (text has {len(text)} characters)"))
            continue
        if start >= end:
            problems.append(Problem(file, line, f"{where}: inverted or empty span (start >= end)"))
            continue
        span_text = text[start:end]
        if span_text != span_text.strip():
            problems.append(Problem(file, line, f"{where}: span {span_text!r} starts or ends with whitespace"))
        spans.append((start, end, eid))
    spans.sort()
    for (s1, e1, id1), (s2, e2, id2) in zip(spans, spans[1:]):
        if s2 < e1:
            problems.append(
                Problem(file, line, f"overlapping entities id={id1} [{s1}:{e1}] {text[s1:e1]!r} and "
                        f"id={id2} [{s2}:{e2}] {text[s2:e2]!r}")
            )
    return problems, by_id


def _relation_problems(record: Record, by_id: Dict[Any, Dict[str, Any]], file: str, line: int) -> List[Problem]:
    problems: List[Problem] = []
    relations = record.get("relations", [])
    if not isinstance(relations, list):
        return [Problem(file, line, "'relations' must be a list")]
    seen_ids = set()
    seen_triples = set()
    for rel in relations:
        if not isinstance(rel, dict) or not {"id", "from_id", "to_id", "type"} <= set(rel):
            problems.append(Problem(file, line, f"relation {rel!r} needs id, from_id, to_id and type"))
            continue
        rid, head_id, child_id, rtype = rel["id"], rel["from_id"], rel["to_id"], rel["type"]
        where = f"relation id={rid!r} ({head_id!r} -{rtype}-> {child_id!r})"
        if not all(_is_id(i) for i in (rid, head_id, child_id)) or not isinstance(rtype, str):
            problems.append(Problem(file, line, f"{where}: ids must be integers or strings and the type a string"))
            continue
        if rid in seen_ids:
            problems.append(Problem(file, line, f"duplicate relation id {rid}"))
        seen_ids.add(rid)
        if rtype not in RELATION_TYPES:
            problems.append(Problem(file, line, f"{where}: unknown relation type {rtype!r}"))
            continue
        missing = [i for i in (head_id, child_id) if i not in by_id]
        if missing:
            problems.append(Problem(file, line, f"{where}: refers to missing entity id(s) {missing}"))
            continue
        head, child = by_id[head_id], by_id[child_id]
        if not is_allowed(rtype, head["label"], child["label"]):
            expected = " -> ".join(RELATION_SCHEMA[rtype])
            problems.append(
                Problem(file, line, f"{where}: {rtype} goes {expected}, not {head['label']} "
                        f"[{head['start_offset']}:{head['end_offset']}] -> {child['label']} "
                        f"[{child['start_offset']}:{child['end_offset']}]")
            )
        triple = (head_id, child_id, rtype)
        if triple in seen_triples:
            problems.append(Problem(file, line, f"{where}: the same relation is given twice"))
        seen_triples.add(triple)
    return problems


def validate_record(record: Any, file: str = "<record>", line: int = 1) -> List[Problem]:
    """All schema problems of one record (empty list if it is valid)."""
    if not isinstance(record, dict):
        return [Problem(file, line, "a record must be a JSON object")]
    if not isinstance(record.get("text"), str):
        return [Problem(file, line, "record has no 'text' string")]
    if "meta" in record and not isinstance(record["meta"], dict):
        return [Problem(file, line, "'meta' must be a JSON object")]
    doc_id = (record.get("meta") or {}).get("doc_id")
    if doc_id is not None and not isinstance(doc_id, str):
        return [Problem(file, line, f"meta.doc_id {doc_id!r} must be a string")]
    problems, by_id = _entity_problems(record, file, line)
    problems.extend(_relation_problems(record, by_id, file, line))
    return problems


def iter_jsonl(path: Path) -> Iterator[Tuple[int, Any, Optional[Problem]]]:
    """Yield (line number, parsed object or None, problem or None) for each non-blank line. Lines are decoded one
    by one, so a byte that is not UTF-8 is reported on its line; a UTF-8 byte-order mark opening the file is
    accepted (editors on Windows write one)."""
    with Path(path).open("rb") as f:
        for number, raw_bytes in enumerate(f, start=1):
            if number == 1 and raw_bytes.startswith(b"\xef\xbb\xbf"):
                raw_bytes = raw_bytes[3:]
            try:
                raw = raw_bytes.decode("utf8")
            except UnicodeDecodeError as err:
                yield number, None, Problem(str(path), number, f"not UTF-8: byte 0x{raw_bytes[err.start]:02x} at column "
                                                               f"{err.start + 1} ({err.reason})")
                continue
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw), None
            except json.JSONDecodeError as err:
                yield number, None, Problem(str(path), number, f"not valid JSON: {err.msg} at column {err.colno}")


def read_records(path: Path, validate: bool = True) -> List[Tuple[int, Record]]:
    """Read a JSONL corpus file as (line number, record); raise CorpusError listing every problem."""
    problems: List[Problem] = []
    records: List[Tuple[int, Record]] = []
    seen_doc_ids: Dict[str, int] = {}
    for number, obj, problem in iter_jsonl(path):
        if problem is not None:
            problems.append(problem)
            continue
        if validate:
            problems.extend(validate_record(obj, str(path), number))
            meta = obj.get("meta") if isinstance(obj, dict) else None
            doc_id = meta.get("doc_id") if isinstance(meta, dict) else None
            if isinstance(doc_id, str):
                if doc_id in seen_doc_ids:
                    problems.append(Problem(str(path), number, f"duplicate doc_id {doc_id!r} (first on line {seen_doc_ids[doc_id]})"))
                seen_doc_ids.setdefault(doc_id, number)
        records.append((number, obj))
    if not records and not problems:
        problems.append(Problem(str(path), 1, "the file has no record (empty or only blank lines)"))
    if problems:
        raise CorpusError(problems)
    return records


def write_records(records: Iterable[Record], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def doc_id_of(record: Record, default: str = "") -> str:
    return str((record.get("meta") or {}).get("doc_id", default))
