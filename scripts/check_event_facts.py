"""Checks a file of event facts as the held-out writers deliver it: one JSON object per line with id, text and
meta.gold_events in the form of guideline D24, every target and actor text present in the text.

    python scripts/check_event_facts.py FILE

(The writers of corpus/heldout ran it as corpus/heldout/check_events.py; their files were then converted to the
corpus format, corpus/heldout/heldout.jsonl.)"""
import json
import sys

SLOTS = {"target", "weapon_type", "weapon_count", "weapon_qualifier", "killed", "injured", "claimed_by", "blamed_on", "unclaimed"}
TYPES = {"rocket", "drone", "missile", "mortar", "artillery", "other", None}
problems, n, words = [], 0, 0
with open(sys.argv[1], encoding="utf8") as f:
    for i, line in enumerate(f, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {i}: not JSON ({e})")
            continue
        n += 1
        text, meta = d.get("text", ""), d.get("meta", {})
        words += len(text.split())
        ge = meta.get("gold_events")
        if not d.get("id") or not text or ge is None:
            problems.append(f"line {i}: needs id, text and meta.gold_events")
            continue
        for t in ge.get("targets", []):
            if t not in text:
                problems.append(f"line {i} {d['id']}: target not in text: {t!r}")
        h = ge.get("headline")
        if h is not None:
            if set(h) != SLOTS:
                problems.append(f"line {i} {d['id']}: headline keys must be {sorted(SLOTS)}")
            if h.get("target") and h["target"] not in ge.get("targets", []):
                problems.append(f"line {i} {d['id']}: headline target not among targets")
            if h.get("weapon_type") not in TYPES:
                problems.append(f"line {i} {d['id']}: weapon_type {h.get('weapon_type')!r}")
            for a in (h.get("claimed_by") or []) + (h.get("blamed_on") or []):
                if a not in text:
                    problems.append(f"line {i} {d['id']}: actor not in text: {a!r}")
print("\n".join(problems) or f"OK: {n} documents, {words} words")
sys.exit(1 if problems else 0)
