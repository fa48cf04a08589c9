"""Loading corpus files whatever their format: doccano JSONL or authoring markup (by file suffix)."""
from pathlib import Path
from typing import List, Tuple

from .format import Record, read_records
from .markup import read_markup

MARKUP_SUFFIX = ".markup"


def load_records(path: Path) -> List[Tuple[int, Record]]:
    """Validated records as (line or position, record); raises CorpusError listing every problem."""
    path = Path(path)
    if path.suffix == MARKUP_SUFFIX:
        return list(enumerate(read_markup(path), start=1))
    return read_records(path)
