import pytest

from salve.corpus.format import CorpusError
from salve.corpus.markup import parse_markup, record_to_markup

DOC = """##doc d1
##meta {"date": "2024-07", "synthetic": true}
[Au moins 14 roquettes]{WEAPON w1} [ont frappé]{ATTACK a1} [la base d'Ain al-Asad]{BASE b1}.

Aucun groupe n'a revendiqué \\[l'attaque\\].
##rel a1 USES w1
##rel a1 TARGETS b1
##end
"""


def test_markup_gives_offsets_text_and_meta():
    (rec,) = parse_markup(DOC, "t.markup")
    assert rec["text"] == "Au moins 14 roquettes ont frappé la base d'Ain al-Asad.\n\nAucun groupe n'a revendiqué [l'attaque]."
    spans = {e["label"]: rec["text"][e["start_offset"]:e["end_offset"]] for e in rec["entities"]}
    assert spans == {"WEAPON": "Au moins 14 roquettes", "ATTACK": "ont frappé", "BASE": "la base d'Ain al-Asad"}
    assert rec["meta"] == {"doc_id": "d1", "date": "2024-07", "synthetic": True}
    assert sorted(r["type"] for r in rec["relations"]) == ["TARGETS", "USES"]


def test_markup_round_trip():
    (rec,) = parse_markup(DOC)
    (again,) = parse_markup(record_to_markup(rec))
    assert again == rec


@pytest.mark.parametrize("body, expected", [
    ("[roquettes{WEAPON w1}", "never closed"),
    ("roquettes]{WEAPON w1}", "']' without '['"),
    ("[roquettes] tirées", "must be followed by {LABEL id}"),
    ("[roquettes]{GUN w1}", "unknown label 'GUN'"),
    ("[roquettes]{WEAPON w1} [drone]{WEAPON w1}", "id 'w1' used twice"),
])
def test_markup_errors_name_line_and_column(body, expected):
    with pytest.raises(CorpusError) as info:
        parse_markup(f"##doc d\n{body}\n##end\n", "bad.markup")
    assert any(str(p).startswith("bad.markup:") and expected in str(p) for p in info.value.problems), info.value


def test_relation_errors_in_markup():
    with pytest.raises(CorpusError) as info:
        parse_markup("##doc d\n[tirs]{ATTACK a1} sur [la base]{BASE b1}\n##rel a1 USES b1\n##rel a1 TARGETS b9\n##end\n", "r.markup")
    messages = [str(p) for p in info.value.problems]
    assert any("r.markup:4:" in m and "undefined id(s) ['b9']" in m for m in messages)
    assert any("USES goes ATTACK -> WEAPON" in m for m in messages)


def test_missing_end_is_reported():
    with pytest.raises(CorpusError, match="has no '##end'"):
        parse_markup("##doc d\nTexte.\n")
