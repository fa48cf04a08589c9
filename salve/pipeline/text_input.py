"""Checking and preparing raw input texts for extraction: junk, HTML, empty, non-French and very long texts."""
import html
import re
from typing import List, Tuple

FRENCH_WORDS = {"le", "la", "les", "de", "des", "du", "et", "à", "a", "en", "un", "une", "est", "que", "qui", "dans",
                "pour", "sur", "par", "au", "aux", "pas", "ne", "il", "elle", "ont", "été", "d", "l", "qu", "avec",
                "son", "sa", "ses", "leur", "cette", "ce"}
_HTML = re.compile(r"<\s*(html|body|head|p|div|br|span|a|article|h[1-6]|table|li|ul)\b[^>]*>", re.I)


class InputError(ValueError):
    """An input that cannot be processed at all (binary data); the run goes on with the other documents."""


def clean_text(raw: str) -> Tuple[str, List[str]]:
    """Return the text to process and warnings; raise InputError for content that is not text."""
    warnings: List[str] = []
    if not raw.strip():
        return "", ["empty text"]
    control = sum(1 for ch in raw if (ord(ch) < 32 and ch not in "\n\r\t") or ch == "\ufffd")
    if "\x00" in raw or control / len(raw) > 0.05:
        raise InputError(f"binary or non-text content ({control} control or undecodable characters)")
    text = raw
    if _HTML.search(text):
        text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.I | re.S)
        text = re.sub(r"<br\s*/?>|</p\s*>|</div\s*>|</h[1-6]\s*>|</li\s*>", "\n", text, flags=re.I)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
        text = re.sub(r"[ \t]+", " ", text)
        text = re.sub(r"\n\s*\n+", "\n\n", text).strip()
        warnings.append("HTML markup removed")
    words = re.findall(r"\w+", text.lower())
    if len(words) >= 30 and sum(w in FRENCH_WORDS for w in words) / len(words) < 0.05:
        warnings.append("the text does not look French; Salve is trained for French only")
    return text, warnings


CHUNK_CHARS = 10_000


def chunk_text(text: str, max_chars: int = CHUNK_CHARS) -> List[Tuple[int, str]]:
    """Split a long text into (offset, chunk) pieces at paragraph, line or sentence boundaries.

    10,000 characters (about 1,600 words, a long article) keep the tensors of a batch and the per-document work
    of the relation and event components bounded: a 1 MB page costs what 100 articles cost (issue 17)."""
    if len(text) <= max_chars:
        return [(0, text)]
    chunks, start = [], 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        if end < len(text):
            cut = max(text.rfind("\n\n", start, end), text.rfind("\n", start, end), text.rfind(". ", start, end))
            end = cut + 1 if cut > start else end
        chunks.append((start, text[start:end]))
        start = end
    return chunks
