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
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

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


ENTITY_KEYS = ("id", "label", "start_offset", "end_offset")
RELATION_KEYS = ("id", "from_id", "to_id", "type")
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number",
               type(None): "null"}


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages ("must be an array, not object")."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _is_offset(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _missing(item: Dict[str, Any], keys: Tuple[str, ...]) -> str:
    return ", ".join(repr(k) for k in keys if k not in item)


def _shown(item: Dict[str, Any], key: str, show: Callable[[Any], str] = repr) -> str:
    """A value for a message: as it is in the file, or "?" when the key is missing."""
    return show(item[key]) if key in item else "?"


def _span_problem(text: str, start: Any, end: Any) -> Optional[str]:
    """What is wrong with the offsets of one entity, or None."""
    if not _is_offset(start) or not _is_offset(end):
        return f"offsets must be integers, not {json_type(end if _is_offset(start) else start)}"
    if start < 0 or end > len(text):
        return f"offsets out of range (text has {len(text)} characters)"
    if start > end:
        return "inverted span (start > end)"
    if start == end:
        return "empty span (start == end)"
    if text[start:end] != text[start:end].strip():
        return f"span {text[start:end]!r} starts or ends with whitespace"
    return None


@dataclass
class _Entities:
    """The entities of one record as the relations see them."""

    by_id: Dict[Any, Dict[str, Any]]  # every entity with a usable id and all its keys
    reported: Set[Any]  # ids of entities too broken to keep (already reported: relations to them are not)
    known: bool = True  # False when 'entities' is not an array: references cannot be checked


def _objects(record: Record, key: str, noun: str, keys: Tuple[str, ...], file: str, line: int, doc: str
             ) -> Tuple[List[Problem], Optional[List[Dict[str, Any]]]]:
    """The items of record[key] that are objects, and a problem for each that is not; None for
    the items when record[key] is not an array at all (then nothing inside can be checked)."""
    items = record[key]
    if not isinstance(items, list):
        return [Problem(file, line, f"{doc}{key!r} must be an array, not {json_type(items)}")], None
    problems: List[Problem] = []
    objects: List[Dict[str, Any]] = []
    for n, item in enumerate(items):
        if isinstance(item, dict):
            objects.append(item)
        else:
            problems.append(Problem(file, line, f"{key}[{n}] {item!r}: {noun} must be an object with "
                                                f"{', '.join(keys)}, not {json_type(item)}"))
    return problems, objects


def _entity_problems(record: Record, file: str, line: int, doc: str) -> Tuple[List[Problem], _Entities]:
    text = record["text"]
    found = _Entities({}, set())
    problems, entities = _objects(record, "entities", "an entity", ENTITY_KEYS, file, line, doc)
    if entities is None:
        found.known = False
        return problems, found
    spans: List[Tuple[int, int, Any]] = []
    for ent in entities:
        eid, label, start, end = (ent.get(k) for k in ENTITY_KEYS)
        where = f"entity id={_shown(ent, 'id')} [{_shown(ent, 'start_offset', str)}:{_shown(ent, 'end_offset', str)}]"
        if "id" in ent and not _is_id(eid):
            problems.append(Problem(file, line, f"{where}: an id must be an integer or a string"))
            continue
        if _missing(ent, ENTITY_KEYS):
            problems.append(Problem(file, line, f"{where}: missing key(s) {_missing(ent, ENTITY_KEYS)}"))
            if "id" in ent:
                found.reported.add(eid)
            continue
        if eid in found.by_id:
            problems.append(Problem(file, line, f"duplicate entity id {eid} ({where})"))
            continue
        found.by_id[eid] = ent
        if not isinstance(label, str) or label not in ENTITY_LABELS:
            problems.append(Problem(file, line, f"{where}: unknown label {label!r} (known: {', '.join(ENTITY_LABELS)})"))
        span_problem = _span_problem(text, start, end)
        if span_problem:
            problems.append(Problem(file, line, f"{where}: {span_problem}"))
        else:
            spans.append((start, end, eid))
    spans.sort()
    for (s1, e1, id1), (s2, e2, id2) in zip(spans, spans[1:]):
        if s2 < e1:
            problems.append(
                Problem(file, line, f"overlapping entities id={id1} [{s1}:{e1}] {text[s1:e1]!r} and "
                        f"id={id2} [{s2}:{e2}] {text[s2:e2]!r}")
            )
    return problems, found


def _described(ent: Dict[str, Any]) -> str:
    return f"{ent['label']} [{ent['start_offset']}:{ent['end_offset']}]"


def _relation_problems(record: Record, entities: _Entities, file: str, line: int, doc: str) -> List[Problem]:
    problems, relations = _objects(record, "relations", "a relation", RELATION_KEYS, file, line, doc)
    if relations is None:
        return problems
    by_id = entities.by_id
    seen_ids = set()
    seen_triples: Dict[Tuple[Any, Any, str], Any] = {}
    for rel in relations:
        rid, head_id, child_id, rtype = (rel.get(k) for k in RELATION_KEYS)
        where = (f"relation id={_shown(rel, 'id')} ({_shown(rel, 'from_id')} -{_shown(rel, 'type', str)}-> "
                 f"{_shown(rel, 'to_id')})")
        if _missing(rel, RELATION_KEYS):
            problems.append(Problem(file, line, f"{where}: missing key(s) {_missing(rel, RELATION_KEYS)}"))
            continue
        if not all(_is_id(i) for i in (rid, head_id, child_id)) or not isinstance(rtype, str):
            problems.append(Problem(file, line, f"{where}: ids must be integers or strings and the type a string"))
            continue
        if rid in seen_ids:
            problems.append(Problem(file, line, f"duplicate relation id {rid}"))
        seen_ids.add(rid)
        if rtype not in RELATION_TYPES:
            problems.append(Problem(file, line, f"{where}: unknown relation type {rtype!r}"))
            continue
        if not entities.known or head_id in entities.reported or child_id in entities.reported:
            continue  # the entities' own problem is reported
        missing = [i for i in (head_id, child_id) if i not in by_id]
        if missing:
            problems.append(Problem(file, line, f"{where}: refers to missing entity id(s) {missing}"))
            continue
        head, child = by_id[head_id], by_id[child_id]
        labels_known = all(isinstance(e["label"], str) and e["label"] in ENTITY_LABELS for e in (head, child))
        if labels_known and not is_allowed(rtype, head["label"], child["label"]):
            expected = " -> ".join(RELATION_SCHEMA[rtype])
            problems.append(Problem(file, line, f"{where}: {rtype} goes {expected}, not {_described(head)} -> "
                                                f"{_described(child)}"))
        triple = (head_id, child_id, rtype)
        if triple in seen_triples:
            problems.append(Problem(file, line, f"{where}: the same relation as relation id={seen_triples[triple]!r} "
                                                f"({_described(head)} -{rtype}-> {_described(child)})"))
        seen_triples.setdefault(triple, rid)
    return problems


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(record: Record) -> Optional[str]:
    """Where a string of a parsed record holds half of a UTF-16 pair (JSON "\\ud800" escapes allow it; UTF-8
    cannot encode it, so writing the corpus would fail): "text at offset 12", or None. Iterative: a deeply
    nested meta must not exhaust the stack."""
    stack: List[Tuple[str, Any]] = [("", record)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            found = _SURROGATE.search(value)
            if found:
                return f"{path} at offset {found.start()} (U+{ord(found.group()):04X})"
        elif isinstance(value, dict):
            stack.extend((f"a key of {path or 'the record'}", key) for key in value)
            stack.extend((f"{path}.{key}".lstrip("."), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{n}]", item) for n, item in enumerate(value))
    return None


def validate_record(record: Any, file: str = "<record>", line: int = 1) -> List[Problem]:
    """All schema problems of one record (empty list if it is valid)."""
    if not isinstance(record, dict):
        return [Problem(file, line, f"a record must be a JSON object, not {json_type(record)}")]
    meta = record.get("meta")
    if "meta" in record and not isinstance(meta, dict):
        return [Problem(file, line, f"'meta' must be a JSON object, not {json_type(meta)}")]
    doc_id = (meta or {}).get("doc_id")
    if doc_id is not None and not isinstance(doc_id, str):
        return [Problem(file, line, f"meta.doc_id {doc_id!r} must be a string")]
    doc = f"doc_id {doc_id!r}: " if doc_id is not None else ""
    if "text" not in record:
        return [Problem(file, line, f"{doc}the record has no 'text'")]
    if not isinstance(record["text"], str):
        return [Problem(file, line, f"{doc}'text' must be a string, not {json_type(record['text'])}")]
    surrogate = _lone_surrogate(record)
    if surrogate:
        return [Problem(file, line, f"lone surrogate in {surrogate}: not a character, cannot be written as UTF-8")]
    absent = _missing(record, ("entities", "relations"))
    if absent:
        # Read as "no annotation", a file of another format would pass with all its annotations dropped.
        hint = (" (it has 'label': doccano's sequence-labeling export? Salve reads the relation JSONL)"
                if "label" in record else "; a document without annotations has empty arrays")
        return [Problem(file, line, f"{doc}missing key(s) {absent}{hint}")]
    problems, entities = _entity_problems(record, file, line, doc)
    problems.extend(_relation_problems(record, entities, file, line, doc))
    return problems


class _DuplicateKey(ValueError):
    pass


def _object_without_duplicate_keys(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    """json.loads keeps the last of two equal keys and drops the other silently: refuse instead."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        seen: Set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _DuplicateKey(f"key {twice!r} given twice in one object (only the last value would be kept)")
    return obj


def parse_json_line(raw: str) -> Tuple[Any, Optional[str]]:
    """A JSON line as (value, None), or (None, what is wrong with it, with the column counted from 1)."""
    raw = raw.rstrip("\r\n")
    try:
        return json.loads(raw, object_pairs_hook=_object_without_duplicate_keys), None
    except json.JSONDecodeError as err:
        return None, f"not valid JSON: {err.msg} at column {err.pos + 1}"
    except _DuplicateKey as err:
        return None, f"not valid corpus JSON: {err}"
    except RecursionError:
        return None, "not valid corpus JSON: nested too deeply"


def iter_json_lines(lines: Iterable[bytes], file: str) -> Iterator[Tuple[int, Any, Optional[Problem]]]:
    """Yield (line number, parsed object or None, problem or None) for each non-blank line. Lines are decoded one
    by one, so a byte that is not UTF-8 is reported on its line; a UTF-8 byte-order mark opening the file is
    accepted (editors on Windows write one)."""
    for number, raw_bytes in enumerate(lines, start=1):
        if number == 1 and raw_bytes.startswith(b"\xef\xbb\xbf"):
            raw_bytes = raw_bytes[3:]
        try:
            raw = raw_bytes.decode("utf8")
        except UnicodeDecodeError as err:
            yield number, None, Problem(file, number, f"not UTF-8: byte 0x{raw_bytes[err.start]:02x} at column "
                                                      f"{err.start + 1} ({err.reason})")
            continue
        if not raw.strip():
            continue
        obj, problem = parse_json_line(raw)
        yield number, obj, None if problem is None else Problem(file, number, problem)


def iter_jsonl(path: Path) -> Iterator[Tuple[int, Any, Optional[Problem]]]:
    """`iter_json_lines` over a file."""
    with Path(path).open("rb") as f:
        yield from iter_json_lines(f, str(path))


def validate_records(records: Iterable[Tuple[int, Any]], file: str) -> List[Problem]:
    """Every problem of (line number, record) pairs: each record's, and doc_ids given twice."""
    problems: List[Problem] = []
    seen_doc_ids: Dict[str, int] = {}
    for number, record in records:
        problems.extend(validate_record(record, file, number))
        meta = record.get("meta") if isinstance(record, dict) else None
        doc_id = meta.get("doc_id") if isinstance(meta, dict) else None
        if isinstance(doc_id, str):
            if doc_id in seen_doc_ids:
                problems.append(Problem(file, number, f"duplicate doc_id {doc_id!r} (first on line {seen_doc_ids[doc_id]})"))
            seen_doc_ids.setdefault(doc_id, number)
    return problems


def read_records(path: Path, validate: bool = True) -> List[Tuple[int, Record]]:
    """Read a JSONL corpus file as (line number, record); raise CorpusError listing every problem."""
    problems: List[Problem] = []
    records: List[Tuple[int, Record]] = []
    for number, obj, problem in iter_jsonl(path):
        if problem is not None:
            problems.append(problem)
        else:
            records.append((number, obj))
    if validate:
        problems.extend(validate_records(records, str(path)))
        problems.sort(key=lambda p: p.line)  # stable: each line's problems keep their order
    if not records and not problems:
        problems.append(Problem(str(path), 1, "the file has no record (empty or only blank lines)"))
    if problems:
        raise CorpusError(problems)
    return records


def write_records(records: Iterable[Record], path: Path) -> None:
    """Write records as JSONL, atomically: the file is replaced only once every record is written, so a failure
    half-way (a record that cannot be encoded, a full disk) leaves the previous file as it was. An existing file
    keeps its permissions."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("x", encoding="utf8") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def first_difference(a: str, b: str) -> int:
    """The first character offset at which two texts differ (the shorter one's length if one extends the other)."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def doc_id_of(record: Record, default: str = "") -> str:
    return str((record.get("meta") or {}).get("doc_id", default))
