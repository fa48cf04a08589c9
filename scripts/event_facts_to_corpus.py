"""Writes event-fact documents (guideline D24, no entities) in the corpus format, for `salve agreement`,
`salve evaluate-news` and merging into a set.

    python scripts/event_facts_to_corpus.py SOURCE OUT                # a writer's file -> corpus format
    python scripts/event_facts_to_corpus.py SOURCE OUT --facts RAW    # the same texts, a second annotator's facts

SOURCE is a writer's file (one object per line with "id", "text" and "meta.gold_events") or a corpus file
("meta.doc_id"). RAW is a blind second annotation as delivered: one {"id", "gold_events"} per line, without
texts. Every document of SOURCE must be in RAW (a missing one is an error, not a silent gap); documents of RAW
that are not in SOURCE are ignored (one RAW file may cover several sets).
"""
import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Iterator, Tuple


def read_jsonl(path: Path) -> Iterator[Tuple[int, dict]]:
    for number, line in enumerate(path.read_text(encoding="utf8").splitlines(), 1):
        if line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as err:
                sys.exit(f"{path}:{number}: not JSON ({err})")


def doc_id(record: dict) -> str:
    return str(record.get("id") or (record.get("meta") or {}).get("doc_id") or "")


def second_facts(raw: Path) -> Dict[str, dict]:
    facts = {}
    for number, record in read_jsonl(raw):
        if not record.get("id") or "gold_events" not in record:
            sys.exit(f"{raw}:{number}: needs 'id' and 'gold_events'")
        if record["id"] in facts:
            sys.exit(f"{raw}:{number}: document {record['id']!r} annotated twice")
        facts[record["id"]] = record["gold_events"]
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--facts", type=Path, help="a second annotator's event facts ({id, gold_events} lines)")
    args = parser.parse_args()
    facts = second_facts(args.facts) if args.facts else None
    out, missing = [], []
    for number, record in read_jsonl(args.source):
        key, meta = doc_id(record), dict(record.get("meta") or {})
        if not key or "text" not in record:
            sys.exit(f"{args.source}:{number}: needs an id (or meta.doc_id) and a text")
        if facts is not None:
            if key not in facts:
                missing.append(key)
                continue
            meta["gold_events"] = facts[key]
            meta["annotator"] = "second (blind)"
        elif "gold_events" not in meta:
            sys.exit(f"{args.source}:{number}: no meta.gold_events")
        meta.update(doc_id=key, entities_annotated=False)
        out.append({"text": record["text"], "entities": [], "relations": [], "meta": meta})
    if missing:
        sys.exit(f"{args.facts}: no second annotation for {len(missing)} document(s) of {args.source}: "
                 f"{', '.join(missing)}")
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf8")
    print(f"{args.out}: {len(out)} documents")


if __name__ == "__main__":
    main()
