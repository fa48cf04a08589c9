"""Extraction over input files: reading .txt / folders / JSONL, cleaning, chunking and batching through nlp.pipe.

Inputs are .txt files, JSONL files, or folders of either (searched recursively: a folder of JSONL shards is an
archive). A leading " date YYYY-MM " header in a
.txt file (as in seeds/) gives the date and is not processed as text. One output line per input document;
a document that cannot be read or processed gets an "error" saying where and the run goes on. Long texts are
processed in chunks up to the event component, then joined, so that events are built over the whole text.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from salve.corpus.seeds import split_header
from salve.pipeline.dates import event_date
from salve.pipeline.doc_extensions import get_relations, set_relations
from salve.pipeline.export import doc_to_json
from salve.pipeline.text_input import InputError, chunk_text, clean_text

Item = Tuple[str, Optional[str], Optional[str], Optional[str]]  # id, text, date, error
SUFFIXES = (".txt", ".jsonl")
BOM = b"\xef\xbb\xbf"  # a UTF-8 byte order mark: an encoding mark, not text


@dataclass
class Document:
    """One input document with what travels with it (the archive path keeps source, url and title)."""
    id: str
    text: Optional[str]
    date: Optional[str] = None
    error: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    title: Optional[str] = None
    origin: str = ""  # "file" or "file:line", for messages

    def item(self) -> Item:
        return self.id, self.text, self.date, self.error

    def meta(self) -> Dict[str, Any]:
        return {k: v for k, v in (("date", self.date), ("source", self.source), ("url", self.url), ("title", self.title),
                                  ("origin", self.origin)) if v}


def read_inputs(paths: List[Path]) -> Iterator[Item]:
    """(id, text, date, error) of every input document (see `read_documents`)."""
    for document in read_documents(paths):
        yield document.item()


def read_documents(paths: List[Path]) -> Iterator[Document]:
    """Documents of .txt files, JSONL files and folders of either (a folder of JSONL shards is an archive),
    in a fixed order. Whatever cannot be read is a Document with an `error` saying where (file, or file:line),
    so that it is reported and the other documents go on: a file that is not UTF-8 or cannot be opened, a JSONL
    line that is not UTF-8 or not an {"id", "text"} object, a folder without .txt or .jsonl file, and a document
    whose id an earlier document already has (ids key the output lines)."""
    seen: Dict[str, str] = {}  # id -> where it was first read
    for document in _read_paths(paths):
        if document.error is None:
            first = seen.setdefault(document.id, document.origin)
            if first != document.origin:
                document = Document(document.id, None, error=f"{document.origin}: duplicate id {document.id!r} (first in {first})",
                                    origin=document.origin)
        yield document


def _read_paths(paths: List[Path]) -> Iterator[Document]:
    for path in paths:
        if path.is_dir():
            yield from _read_folder(path)
        elif path.suffix == ".jsonl":
            yield from _read_jsonl(path)
        else:
            yield _read_text_file(path)


def _read_folder(path: Path) -> Iterator[Document]:
    # not only regular files: a broken link or a special file named *.txt is reported, never silently skipped
    files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and not p.is_dir())
    if not files:
        others = sorted(str(p.relative_to(path)) for p in path.rglob("*") if not p.is_dir())
        listed = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        seen = f" (it has {len(others)} other file{'s' if len(others) > 1 else ''}: {listed})" if others else ""
        yield Document(str(path), None, error=f"{path}: no .txt or .jsonl file in this folder{seen}", origin=str(path))
    yield from _read_paths(files)


def _unreadable(path: Path) -> Optional[str]:
    """Why `path` cannot be read as an input file, or None: a special file (a FIFO would block the run)."""
    if path.exists() and not path.is_file():
        return f"{path}: cannot be read (not a regular file)"
    return None


def _read_jsonl(path: Path) -> Iterator[Document]:
    """One Document per non-blank line; each line is decoded on its own, so that one line that is not UTF-8 is
    reported with its line number and the others are read (a UTF-8 byte order mark is allowed)."""
    where = str(path)
    try:
        problem = _unreadable(path)
        if problem:
            yield Document(path.stem, None, error=problem, origin=where)
            return
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                where = f"{path}:{number}"
                yield from _jsonl_line(path, number, raw[3:] if number == 1 and raw.startswith(BOM) else raw)
    except OSError as err:
        yield Document(where, None, error=f"{where}: cannot be read ({err.strerror or err})", origin=where)


def _jsonl_line(path: Path, number: int, raw: bytes) -> Iterator[Document]:
    where = f"{path}:{number}"
    try:
        line = raw.decode("utf8")
    except UnicodeDecodeError as err:
        yield Document(where, None, error=f"{where}: not UTF-8 ({err.reason} at byte {err.start} of the line)", origin=where)
        return
    if not line.strip():
        return
    try:
        obj = json.loads(line)
        text = obj["text"]
        if not isinstance(text, str):
            raise TypeError("'text' is not a string")
    except (ValueError, KeyError, TypeError) as err:
        yield Document(where, None, error=f"{where}: not a {{\"id\", \"text\"}} JSON line ({err})", origin=where)
        return
    meta = {k: (str(obj[k]) if obj.get(k) is not None else None) for k in ("date", "source", "url", "title")}
    yield Document(str(obj.get("id", f"{path.stem}:{number}")), text, origin=where, **meta)


def _read_text_file(path: Path) -> Document:
    problem = _unreadable(path)
    if problem:
        return Document(path.stem, None, error=problem, origin=str(path))
    try:
        data = path.read_bytes()
        raw = data[len(BOM):].decode("utf8") if data.startswith(BOM) else data.decode("utf8")
    except UnicodeDecodeError as err:
        return Document(path.stem, None, error=f"{path}: not UTF-8 text ({err.reason} at byte {err.start})", origin=str(path))
    except OSError as err:
        return Document(path.stem, None, error=f"{path}: cannot be read ({err.strerror or err})", origin=str(path))
    text, meta = split_header(raw)
    return Document(path.stem, text, date=meta.get("date"), origin=str(path))


def load_pipeline(model: str):
    """`spacy.load(model)`; OSError naming the model when it is neither an installed package nor a pipeline folder
    (spaCy's own errors are a missing package, a folder without config.cfg, or a config that does not load)."""
    import spacy

    try:
        return spacy.load(model)
    except OSError as err:
        raise OSError(f"cannot load pipeline {model!r}: {_first_line(err)}") from err
    except (ValueError, KeyError, ImportError) as err:  # a config or meta.json that does not load
        raise OSError(f"cannot load pipeline {model!r}: {type(err).__name__}: {_first_line(err)}") from err


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [""])[0]


def prepare(doc_id: str, text: str) -> Tuple[Dict[str, Any], List[Tuple[int, str]]]:
    """Clean one input text and cut it into chunks; the result skeleton carries the warnings."""
    clean, warnings = clean_text(text)
    result: Dict[str, Any] = {"id": doc_id, "entities": [], "relations": [], "events": []}
    chunks = chunk_text(clean) if clean else []
    if len(chunks) > 1:
        warnings.append(f"long text processed in {len(chunks)} chunks (entities and relations per chunk, events over "
                        f"the whole text)")
    if clean != text:
        result["text"] = clean  # offsets refer to the cleaned text
    if warnings:
        result["warnings"] = warnings
    return result, chunks


def document_components(nlp) -> List[Tuple[str, Any]]:
    """The components that read the whole document: `salve_events` and every one after it (the geocoder).

    Chunks go through the components before them; the chunks of a document are then joined into one doc and
    these run once over it, so an attack mentioned on both sides of a chunk boundary is one event, as it is
    when the text is processed in one piece. Empty for a pipeline without `salve_events`."""
    names = list(getattr(nlp, "pipe_names", []))
    return list(nlp.pipeline[names.index("salve_events"):]) if "salve_events" in names else []


def join_chunks(docs: List[Doc], offsets: List[int]) -> Doc:
    """One doc of the whole text from the docs of its chunks (at `offsets`): tokens, sentences and entities are
    concatenated, and the relations moved to offsets into the whole text."""
    if len(docs) == 1:
        return docs[0]
    whole = Doc.from_docs(docs, ensure_whitespace=False, exclude=["user_data", "tensor"])
    set_relations(whole, [{"head": [r["head"][0] + offset, r["head"][1] + offset],
                           "child": [r["child"][0] + offset, r["child"][1] + offset], "label": r["label"]}
                          for doc, offset in zip(docs, offsets) for r in get_relations(doc)])
    return whole


def process_batch(nlp, items: List[Item], batch_size: int) -> Iterator[Tuple[Item, Dict[str, Any]]]:
    """Results for a batch of inputs in order; all chunks go through one nlp.pipe call (up to the event
    component, see `document_components`). If the pipeline fails on the batch, the documents are redone one by one
    so that only the faulty one gets an error."""
    prepared = []
    for item in items:
        doc_id, text, _, error = item
        if error is not None:
            prepared.append((item, None, [], error))
            continue
        try:
            result, chunks = prepare(doc_id, text or "")
            prepared.append((item, result, chunks, None))
        except InputError as err:
            prepared.append((item, None, [], f"{doc_id}: {err}"))
    tail = document_components(nlp)
    try:
        flat = [chunk for _, result, chunks, _ in prepared if result is not None for _, chunk in chunks]
        docs = _pipe_bounded(nlp, flat, batch_size, disable=[name for name, _ in tail])
        for item, result, chunks, error in prepared:
            if result is not None and chunks:
                doc = join_chunks([next(docs) for _ in chunks], [offset for offset, _ in chunks])
                for _, component in tail:
                    doc = component(doc)
                result.update({k: v for k, v in doc_to_json(doc, item[0]).items() if k != "id"})
    except Exception as err:  # noqa: BLE001 - one bad document must not stop the run
        if len(items) > 1:
            for item in items:
                yield from process_batch(nlp, [item], batch_size)
            return
        prepared = [(items[0], None, [], f"{items[0][0]}: processing failed ({type(err).__name__}: {err})")]
    for item, result, _, error in prepared:
        if error is None:
            date_events(result, result.get("text", item[1] or ""), item[2])
        yield item, (result if error is None else
                     {"id": item[0], "entities": [], "relations": [], "events": [], "error": error})


def date_events(result: Dict[str, Any], text: str, article_date: Optional[str]) -> None:
    """Each event's `date` and `date_precision`, from the article date and the text (`pipeline/dates.py`)."""
    for event in result["events"]:
        event["date"], event["date_precision"] = event_date(text, event.get("offset", 0), article_date)


# About 4,000 words: peak RSS 425 MB (1 KB documents) and 504 MB (10 KB) at 50,000 characters, CPU-only, issue 17
MAX_BATCH_CHARS = 25_000


def _pipe_bounded(nlp, texts: List[str], batch_size: int, disable: Sequence[str] = ()) -> Iterator[Any]:
    """`nlp.pipe` (without the `disable`d components) in batches of at most `batch_size` texts and about
    MAX_BATCH_CHARS characters, so that the chunks of one long page do not all sit in one batch (peak memory grows
    with the characters of a batch)."""
    options = {"disable": list(disable)} if disable else {}
    group: List[str] = []
    size = 0
    for text in texts:
        if group and (len(group) >= batch_size or size + len(text) > MAX_BATCH_CHARS):
            yield from nlp.pipe(group, batch_size=len(group), **options)
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield from nlp.pipe(group, batch_size=len(group), **options)


def offset_problems(result: Dict[str, Any], text: str) -> List[str]:
    """Every offset of a document result that does not index `text` (the cleaned text the result refers to):
    entity and event spans outside it or whose `text` is not the slice they give, event offsets outside it,
    relations whose head or child is not an entity index. Empty for a sound result (the fuzz and soak runs check
    every result with this)."""
    problems: List[str] = []

    def span(where: str, value: Dict[str, Any]) -> None:
        start, end = value.get("start"), value.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            problems.append(f"{where}: span {start}-{end} outside the text (0-{len(text)})")
        elif "text" in value and text[start:end] != value["text"]:
            problems.append(f"{where}: span {start}-{end} is {text[start:end]!r}, not {value['text']!r}")

    def nested(where: str, value: Any) -> None:
        if isinstance(value, dict):
            if "start" in value or "end" in value:
                span(where, value)
            for key, inner in value.items():
                nested(f"{where}.{key}", inner)
        elif isinstance(value, list):
            for n, inner in enumerate(value):
                nested(f"{where}[{n}]", inner)

    for n, entity in enumerate(result.get("entities", [])):
        span(f"entity {n}", entity)
    for n, relation in enumerate(result.get("relations", [])):
        if not all(isinstance(relation[k], int) and 0 <= relation[k] < len(result["entities"]) for k in ("head", "child")):
            problems.append(f"relation {n}: head {relation['head']} or child {relation['child']} is not an entity index")
    for n, event in enumerate(result.get("events", [])):
        if "offset" in event and not 0 <= event["offset"] < max(1, len(text)):
            problems.append(f"event {n}: offset {event['offset']} outside the text (0-{len(text)})")
        for key, value in event.items():
            nested(f"event {n}.{key}", value)
    return problems
