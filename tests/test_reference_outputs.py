"""Speed work must not change outputs (issue 17): the rule pipeline's entities, relations and events on a fixed
set of texts equal the committed reference, and the array-based sentence splitting equals its token-loop
definition."""
import json
import sys
from pathlib import Path

import pytest
import spacy

from salve.pipeline.sentences import sentence_bounds

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_reference_outputs import OUT, reference_outputs, reference_texts  # noqa: E402


def test_rule_pipeline_outputs_equal_the_reference(rules_nlp):
    expected = json.loads(OUT.read_text(encoding="utf8"))
    actual = json.loads(json.dumps(reference_outputs(rules_nlp), ensure_ascii=False))
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        assert got == want, f"document {want['id']} differs from {OUT.name}"


def _bounds_by_token_loop(doc, use_annotation=True):
    """The definition of `sentence_bounds`, token by token (its first implementation)."""
    has_sents = use_annotation and doc.has_annotation("SENT_START")
    bounds, start = [], 0
    for token in doc:
        if token.i > 0 and has_sents and token.is_sent_start and token.idx > start:
            bounds.append((start, token.idx))
            start = token.idx
        if "\n" in token.text_with_ws or (not has_sents and token.text in {".", "!", "?"}):
            end = token.idx + len(token.text_with_ws)
            if end > start:
                bounds.append((start, end))
            start = end
    if start < len(doc.text):
        bounds.append((start, len(doc.text)))
    return bounds


EDGE_TEXTS = ["", " ", "\n", "a.b", "Titre\n\nCorps. Fin!", "  x\n", "x.\n\n.y", "Fin\r\n", "…?! Oui.\n \n"]


@pytest.mark.parametrize("with_parser", [False, True])
def test_sentence_bounds_equal_the_token_loop(rules_nlp, with_parser):
    nlp = rules_nlp if with_parser else spacy.blank("fr")
    for text in EDGE_TEXTS + reference_texts()[:12]:
        doc = nlp(text)
        for use_annotation in (True, False):
            assert sentence_bounds(doc, use_annotation) == _bounds_by_token_loop(doc, use_annotation), text[:60]
