"""The inline markup used to author documents (see corpus/guidelines.md, section 4), to and from JSONL records.

Writing offsets by hand is error prone; in markup the annotator writes ``[au moins 14 roquettes]{WEAPON w1}``
and the offsets are computed here. Errors name the file, line and column.
"""
import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from salve.pipeline.labels import ENTITY_LABELS

from .format import CorpusError, Problem, Record, validate_record

_ESCAPABLE = "[]{}\\"
_TAG = re.compile(r"\{([A-Z_]+)\s+([A-Za-z0-9_.-]+)\}")
_ID_PREFIX = {"ATTACK": "a", "WEAPON": "w", "BASE": "b", "ACTOR": "r", "CASUALTY": "c"}


class _Doc:
    def __init__(self, doc_id: str, line: int):
        self.doc_id = doc_id
        self.line = line
        self.meta: Dict[str, Any] = {}
        self.text_lines: List[Tuple[int, str]] = []
        self.rel_lines: List[Tuple[int, str]] = []


def _parse_text_line(raw: str, file: str, line: int, offset: int) -> Tuple[str, List[Dict[str, Any]], List[Problem]]:
    """Strip the markup from one line; return plain text, entities (markup ids) and problems."""
    out: List[str] = []
    entities: List[Dict[str, Any]] = []
    problems: List[Problem] = []
    open_at: Optional[Tuple[int, int]] = None  # (column, plain offset)
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            if i + 1 < len(raw) and raw[i + 1] in _ESCAPABLE:
                out.append(raw[i + 1])
                i += 2
                continue
            problems.append(Problem(file, line, f"column {i + 1}: backslash must escape one of {_ESCAPABLE}"))
            out.append(ch)
        elif ch == "[":
            if open_at is not None:
                problems.append(Problem(file, line, f"column {i + 1}: '[' inside a span opened at column {open_at[0]}"))
            open_at = (i + 1, offset + len("".join(out)))
        elif ch == "]":
            match = _TAG.match(raw, i + 1)
            if open_at is None:
                problems.append(Problem(file, line, f"column {i + 1}: ']' without '['"))
            elif match is None:
                problems.append(Problem(file, line, f"column {i + 1}: ']' must be followed by {{LABEL id}}"))
                open_at = None
            else:
                start = open_at[1]
                end = offset + len("".join(out))
                entities.append({"mid": match.group(2), "label": match.group(1), "start": start, "end": end,
                                 "column": open_at[0]})
                open_at = None
                i = match.end()
                continue
        elif ch in "{}":
            problems.append(Problem(file, line, f"column {i + 1}: unescaped {ch!r}"))
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    if open_at is not None:
        problems.append(Problem(file, line, f"column {open_at[0]}: span opened with '[' is never closed on this line"))
    return "".join(out), entities, problems


def _finish(doc: _Doc, file: str, next_ids: List[int]) -> Tuple[Optional[Record], List[Problem]]:
    problems: List[Problem] = []
    text_parts: List[str] = []
    entities: List[Dict[str, Any]] = []
    by_mid: Dict[str, Dict[str, Any]] = {}
    offset = 0
    for number, raw in doc.text_lines:
        plain, ents, probs = _parse_text_line(raw, file, number, offset)
        problems.extend(probs)
        for ent in ents:
            if ent["mid"] in by_mid:
                problems.append(Problem(file, number, f"column {ent['column']}: id {ent['mid']!r} used twice in doc {doc.doc_id}"))
                continue
            if ent["label"] not in ENTITY_LABELS:
                problems.append(Problem(file, number, f"column {ent['column']}: unknown label {ent['label']!r}"))
            next_ids[0] += 1
            ent["id"] = next_ids[0]
            ent["line"] = number
            by_mid[ent["mid"]] = ent
            entities.append(ent)
        text_parts.append(plain)
        offset += len(plain) + 1
    relations = []
    for number, raw in doc.rel_lines:
        parts = raw.split()
        if len(parts) != 3:
            problems.append(Problem(file, number, f"'##rel' needs HEAD TYPE CHILD, got {raw!r}"))
            continue
        head, rtype, child = parts
        missing = [m for m in (head, child) if m not in by_mid]
        if missing:
            problems.append(Problem(file, number, f"relation {raw!r} refers to undefined id(s) {missing} in doc {doc.doc_id}"))
            continue
        next_ids[1] += 1
        relations.append({"id": next_ids[1], "from_id": by_mid[head]["id"], "to_id": by_mid[child]["id"], "type": rtype})
    record: Record = {
        "text": "\n".join(text_parts),
        "entities": [{"id": e["id"], "label": e["label"], "start_offset": e["start"], "end_offset": e["end"]} for e in entities],
        "relations": relations,
        "meta": {"doc_id": doc.doc_id, **doc.meta},
    }
    # Schema checks (labels of relation endpoints, overlaps...) reuse the JSONL validator, located at the doc's line.
    problems.extend(validate_record(record, file, doc.line))
    return record, problems


def parse_markup(content: str, file: str = "<markup>") -> List[Record]:
    """Parse a markup file into JSONL records; raise CorpusError with every problem found."""
    problems: List[Problem] = []
    records: List[Record] = []
    current: Optional[_Doc] = None
    in_relations = False
    next_ids = [0, 0]
    seen: Dict[str, int] = {}
    for number, raw in enumerate(content.split("\n"), start=1):
        if raw.startswith("##doc"):
            if current is not None:
                problems.append(Problem(file, number, f"'##doc' before '##end' of doc {current.doc_id} (line {current.line})"))
            doc_id = raw[len("##doc"):].strip()
            if not doc_id:
                problems.append(Problem(file, number, "'##doc' needs an id"))
            if doc_id in seen:
                problems.append(Problem(file, number, f"doc id {doc_id!r} already used on line {seen[doc_id]}"))
            seen[doc_id] = number
            current, in_relations = _Doc(doc_id, number), False
        elif current is None:
            if raw.strip() and not raw.startswith("#"):
                problems.append(Problem(file, number, "text outside a document (missing '##doc'?)"))
        elif raw.startswith("##meta"):
            if current.text_lines or in_relations:
                problems.append(Problem(file, number, "'##meta' must come right after '##doc'"))
            try:
                meta = json.loads(raw[len("##meta"):])
                if not isinstance(meta, dict):
                    raise ValueError("not an object")
                current.meta = meta
            except ValueError as err:
                problems.append(Problem(file, number, f"'##meta' is not a JSON object: {err}"))
        elif raw.startswith("##rel"):
            in_relations = True
            current.rel_lines.append((number, raw[len("##rel"):].strip()))
        elif raw.startswith("##end"):
            record, probs = _finish(current, file, next_ids)
            problems.extend(probs)
            records.append(record)  # type: ignore[arg-type]
            current = None
        elif in_relations:
            if raw.strip():
                problems.append(Problem(file, number, "text after '##rel' lines (relations must come last)"))
        else:
            current.text_lines.append((number, raw))
    if current is not None:
        problems.append(Problem(file, current.line, f"doc {current.doc_id} has no '##end'"))
    if problems:
        raise CorpusError(problems)
    return records


def read_markup(path: Path) -> List[Record]:
    return parse_markup(Path(path).read_text(encoding="utf8"), str(path))


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _ESCAPABLE else ch for ch in text)


def record_to_markup(record: Record) -> str:
    """One record as a markup block; entity ids become short names (a1, w1, ...) in offset order."""
    text = record["text"]
    entities = sorted(record.get("entities", []), key=lambda e: e["start_offset"])
    counters: Dict[str, int] = {}
    names: Dict[Any, str] = {}
    for ent in entities:
        prefix = _ID_PREFIX.get(ent["label"], "e")
        counters[prefix] = counters.get(prefix, 0) + 1
        names[ent["id"]] = f"{prefix}{counters[prefix]}"
    pieces, pos = [], 0
    for ent in entities:
        s, e = ent["start_offset"], ent["end_offset"]
        pieces.append(_escape(text[pos:s]))
        pieces.append(f"[{_escape(text[s:e])}]{{{ent['label']} {names[ent['id']]}}}")
        pos = e
    pieces.append(_escape(text[pos:]))
    meta = dict(record.get("meta") or {})
    doc_id = meta.pop("doc_id", "doc")
    lines = [f"##doc {doc_id}"]
    if meta:
        lines.append("##meta " + json.dumps(meta, ensure_ascii=False))
    lines.append("".join(pieces))
    for rel in record.get("relations", []):
        lines.append(f"##rel {names[rel['from_id']]} {rel['type']} {names[rel['to_id']]}")
    lines.append("##end")
    return "\n".join(lines) + "\n"


def records_to_markup(records: List[Record]) -> str:
    return "\n".join(record_to_markup(r) for r in records)
