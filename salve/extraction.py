"""Extraction over input files: reading .txt / folders / JSONL, cleaning, chunking and batching through nlp.pipe.

Inputs are .txt files, JSONL files, or folders of either (searched recursively: a folder of JSONL shards is an
archive). A leading " date YYYY-MM " header in a
.txt file (as in seeds/) gives the date and is not processed as text. One output line per input document;
a document that cannot be processed gets an "error" and the run goes on.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from wasabi import msg

from salve.corpus.seeds import split_header
from salve.pipeline.dates import event_date
from salve.pipeline.export import doc_to_json
from salve.pipeline.text_input import InputError, chunk_text, clean_text

Item = Tuple[str, Optional[str], Optional[str], Optional[str]]  # id, text, date, error


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
    in a fixed order; a line or file that cannot be read is a Document with an `error` saying where."""
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".txt", ".jsonl") and p.is_file())
            if not files:
                msg.warn(f"{path}: no .txt or .jsonl file in this folder")
            yield from read_documents(files)
        elif path.suffix == ".jsonl":
            with path.open(encoding="utf8", errors="replace") as f:
                for number, line in enumerate(f, start=1):
                    if not line.strip():
                        continue
                    where = f"{path}:{number}"
                    try:
                        obj = json.loads(line)
                        text = obj["text"]
                        if not isinstance(text, str):
                            raise TypeError("'text' is not a string")
                    except (ValueError, KeyError, TypeError) as err:
                        yield Document(where, None, error=f"{where}: not a {{\"id\", \"text\"}} JSON line ({err})", origin=where)
                        continue
                    meta = {k: (str(obj[k]) if obj.get(k) is not None else None) for k in ("date", "source", "url", "title")}
                    yield Document(str(obj.get("id", f"{path.stem}:{number}")), text, origin=where, **meta)
        else:
            try:
                raw = path.read_bytes().decode("utf8")
            except UnicodeDecodeError as err:
                yield Document(path.stem, None, error=f"{path}: not UTF-8 text ({err.reason} at byte {err.start})", origin=str(path))
                continue
            except OSError as err:
                yield Document(path.stem, None, error=f"{path}: cannot be read ({err.strerror})", origin=str(path))
                continue
            text, meta = split_header(raw)
            yield Document(path.stem, text, date=meta.get("date"), origin=str(path))


def prepare(doc_id: str, text: str) -> Tuple[Dict[str, Any], List[Tuple[int, str]]]:
    """Clean one input text and cut it into chunks; the result skeleton carries the warnings."""
    clean, warnings = clean_text(text)
    result: Dict[str, Any] = {"id": doc_id, "entities": [], "relations": [], "events": []}
    chunks = chunk_text(clean) if clean else []
    if len(chunks) > 1:
        warnings.append("long text processed in chunks; events are not merged across chunks")
    if clean != text:
        result["text"] = clean  # offsets refer to the cleaned text
    if warnings:
        result["warnings"] = warnings
    return result, chunks


def add_chunk(result: Dict[str, Any], offset: int, part: Dict[str, Any]) -> None:
    """Append one processed chunk to a document result, with offsets into the whole text."""
    base = len(result["entities"])
    result["entities"] += [{**e, "start": e["start"] + offset, "end": e["end"] + offset} for e in part["entities"]]
    result["relations"] += [{**r, "head": r["head"] + base, "child": r["child"] + base} for r in part["relations"]]
    result["events"] += _shift_events(part["events"], offset)


def process_batch(nlp, items: List[Item], batch_size: int) -> Iterator[Tuple[Item, Dict[str, Any]]]:
    """Results for a batch of inputs in order; all chunks go through one nlp.pipe call. If the pipeline fails
    on the batch, the documents are redone one by one so that only the faulty one gets an error."""
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
    try:
        flat = [chunk for _, result, chunks, _ in prepared if result is not None for _, chunk in chunks]
        docs = _pipe_bounded(nlp, flat, batch_size)
        for item, result, chunks, error in prepared:
            if result is not None:
                for offset, _ in chunks:
                    add_chunk(result, offset, doc_to_json(next(docs), item[0]))
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


MAX_BATCH_CHARS = 50_000


def _pipe_bounded(nlp, texts: List[str], batch_size: int) -> Iterator[Any]:
    """`nlp.pipe` in batches of at most `batch_size` texts and about MAX_BATCH_CHARS characters, so that the
    chunks of one long page do not all sit in one batch (peak memory grows with the characters of a batch)."""
    group: List[str] = []
    size = 0
    for text in texts:
        if group and (len(group) >= batch_size or size + len(text) > MAX_BATCH_CHARS):
            yield from nlp.pipe(group, batch_size=len(group))
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield from nlp.pipe(group, batch_size=len(group))


def _shift_events(events: List[Dict[str, Any]], offset: int) -> List[Dict[str, Any]]:
    if not offset:
        return events
    for event in events:
        if "offset" in event:
            event["offset"] += offset
        if event.get("target"):
            event["target"]["start"] += offset
            event["target"]["end"] += offset
        for weapon in event.get("weapons", []):
            weapon["start"] += offset
            weapon["end"] += offset
    return events
