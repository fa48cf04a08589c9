"""Sentences as the event builder and the rules read them: (start_char, end_char) pairs, cut at line breaks too,
and the look-up of the sentence that holds a character (a binary search: long pages have thousands of sentences)."""
from bisect import bisect_right
from typing import Dict, List, Tuple

import numpy
from spacy.tokens import Doc


def sentence_bounds(doc: Doc, use_annotation: bool = True) -> List[Tuple[int, int]]:
    """Sentence (start_char, end_char) pairs, also cut at line breaks (titles, captions and paragraphs often
    end without a full stop); from punctuation when no component set sentences or `use_annotation` is off.

    Computed from token arrays rather than by iterating Token objects (this runs several times per doc)."""
    if len(doc) == 0:
        return [(0, len(doc.text))] if doc.text else []
    has_sents = use_annotation and doc.has_annotation("SENT_START")
    idx = doc.to_array("IDX").astype("int64")
    length = int(idx[-1]) + len(doc[-1].text_with_ws)  # len(doc.text), which spaCy would rebuild from every token
    ws_end = numpy.append(idx[1:], length)  # end of each token's text_with_ws
    cuts: Dict[int, List[Tuple[str, int]]] = {}  # token index -> cuts in loop order ("start" before "end")
    if has_sents:
        for i in numpy.flatnonzero(doc.to_array("SENT_START") == 1):
            if i > 0:
                cuts.setdefault(int(i), []).append(("start", int(idx[i])))
    # a line break is always inside a whitespace token (the tokenizer splits on whitespace)
    ends = {int(i) for i in numpy.flatnonzero(doc.to_array("IS_SPACE")) if "\n" in doc[int(i)].text_with_ws}
    if not has_sents:
        orth = doc.to_array("ORTH")
        ends |= set(int(i) for i in numpy.flatnonzero(numpy.isin(orth, [doc.vocab.strings.add(p) for p in ".!?"])))
    for i in ends:
        cuts.setdefault(i, []).append(("end", int(ws_end[i])))
    bounds, start = [], 0
    for i in sorted(cuts):
        for kind, char in cuts[i]:
            if char > start:
                bounds.append((start, char))
                start = char
            elif kind == "end":  # a line break right after a cut: the next sentence starts after it
                start = char
    if start < length:
        bounds.append((start, length))
    return bounds


def sentence_index(bounds: List[Tuple[int, int]], char: int) -> int:
    """Index of the sentence (from `sentence_bounds`, contiguous and sorted) that holds character `char`."""
    i = bisect_right(bounds, (char, float("inf"))) - 1
    if 0 <= i < len(bounds) and bounds[i][0] <= char < bounds[i][1]:
        return i
    for j, (s, e) in enumerate(bounds):  # bounds with gaps (a caller's own): the first that holds it
        if s <= char < e:
            return j
    return len(bounds) - 1

