"""A generated archive for the workflow, the tests and the benchmark: JSONL shards of synthetic articles.

Texts come from the project's synthetic corpora (training texts, the deduplication set), all written for the
project and marked synthetic; each document gets an id, an outlet, a publication date and a title, cycling over
the texts with fixed seeds until `documents` are written (the same arguments give the same archive).
"""
import json
import random
from pathlib import Path
from typing import Dict, List, Sequence

OUTLETS = ("agence A", "quotidien B", "radio C", "site D", "hebdomadaire E")


def _texts(paths: Sequence[Path]) -> List[Dict[str, str]]:
    out = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf8").splitlines():
            if line.strip():
                obj = json.loads(line)
                out.append({"text": obj["text"], "date": obj.get("date") or (obj.get("meta") or {}).get("date"),
                            "source": obj.get("source"), "title": obj.get("title")})
    return out


def generate(sources: Sequence[Path], out: Path, documents: int, shard_size: int = 500, seed: int = 0) -> Dict[str, int]:
    texts = _texts(sources)
    if not texts:
        raise ValueError(f"no text in {', '.join(map(str, sources))}")
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("shard-*.jsonl"):
        old.unlink()
    words = 0
    for shard in range(0, documents, shard_size):
        with (out / f"shard-{shard // shard_size:04d}.jsonl").open("w", encoding="utf8") as f:
            for n in range(shard, min(documents, shard + shard_size)):
                base = texts[n % len(texts)]
                date = base["date"] or f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                doc = {"id": f"doc_{n:06d}", "text": base["text"], "date": date,
                       "source": base["source"] or OUTLETS[n % len(OUTLETS)],
                       "title": base["title"] or base["text"].split(".")[0][:80], "synthetic": True}
                words += len(base["text"].split())
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return {"documents": documents, "shards": -(-documents // shard_size), "words": words}
