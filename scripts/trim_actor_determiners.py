"""Guidelines 1.4.1 (D1, D22): ACTOR spans of common-noun groups leave the determiner "des"/"de"/"d'" outside.

    python scripts/trim_actor_determiners.py corpus/synthetic/*.markup [--check]

Rewrites `[des assaillants]{ACTOR r1}` as `des [assaillants]{ACTOR r1}` in markup files, printing every change
with file and line; `--check` only lists them and exits 1 if there is any. Offsets are recomputed from the
markup by the converter, so nothing else changes.
"""
import re
import sys
from pathlib import Path

PATTERN = re.compile(r"\[((?:[Dd]es|[Dd]e) |[Dd]')([^\[\]]+)\]\{ACTOR ")


def trim(path: Path, check: bool) -> int:
    lines = path.read_text(encoding="utf8").split("\n")
    changes = 0
    for number, line in enumerate(lines, start=1):
        if line.startswith("##"):
            continue
        new = PATTERN.sub(lambda m: f"{m.group(1)}[{m.group(2)}]{{ACTOR ", line)
        if new != line:
            for m in PATTERN.finditer(line):
                print(f"{path}:{number}: [{m.group(1)}{m.group(2)}] -> {m.group(1)}[{m.group(2)}]")
                changes += 1
            lines[number - 1] = new
    if changes and not check:
        path.write_text("\n".join(lines), encoding="utf8")
    return changes


if __name__ == "__main__":
    check = "--check" in sys.argv
    total = sum(trim(Path(p), check) for p in sys.argv[1:] if p != "--check")
    print(f"{total} ACTOR span(s) {'to trim' if check else 'trimmed'}")
    sys.exit(1 if check and total else 0)
