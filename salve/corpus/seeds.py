"""Reading the seed articles: the leading " date YYYY-MM " header is metadata, the rest is the article text."""
import re
from pathlib import Path
from typing import Dict, Tuple

_HEADER = re.compile(r"^ ?date (\d{4}-\d{2}) ")


def split_header(content: str) -> Tuple[str, Dict[str, str]]:
    """Return (article text, meta); meta has "date" when the header is present."""
    match = _HEADER.match(content)
    if match is None:
        return content, {}
    return content[match.end():], {"date": match.group(1)}


def read_seed(path: Path) -> Tuple[str, Dict[str, str]]:
    """Article text and meta (doc_id from the file name, source, date) of one seed file."""
    path = Path(path)
    text, meta = split_header(path.read_text(encoding="utf8"))
    return text, {"doc_id": path.stem, "source": f"seeds/{path.name}", **meta}
