
import json
from collections import Counter
from pathlib import Path

import pytest

from salve.corpus.knowledge_check import check_knowledge
from salve.pipeline.knowledge import Knowledge, normalise
from salve.pipeline.normalisation import fold_in_place, fold_name

KNOWLEDGE = Path(__file__).resolve().parents[1] / "corpus" / "knowledge"


def test_spelling_variants_link_to_one_installation(knowledge):
    names = {knowledge.link_installation(t)["id"] for t in (
        "la base aérienne d’Ain al-Asad", "la base aérienne d'Aïn al-Assad", "la base d’Al-Asad",
        "la base aérienne d’Al-Assad", "Ain Al-Assad")}
    assert names == {"ain_al_asad"}
    assert knowledge.link_installation("l’aéroport d’Erbil")["country"] == "IQ"
    assert knowledge.link_installation("une base irakienne") is None


def test_gazetteer_size_and_coverage(knowledge):
    """Issue #16: at least 400 installations over every theatre where installations are attacked, 150 actors."""
    assert len(knowledge.installations) >= 400 and len(knowledge.actors) >= 150
    countries = Counter(e["country"] for e in knowledge.installations)
    for theatre in (("IQ", "SY"), ("JO", "KW", "QA", "SA", "AE", "BH"), ("YE",), ("IL", "LB", "PS"), ("UA", "RU"),
                    ("ML", "BF", "NE"), ("NG", "TD", "CM"), ("LY",), ("SO", "KE", "DJ"), ("AF", "PK"), ("CD", "CF", "MZ")):
        assert sum(countries[c] for c in theatre) >= 5, theatre
    assert sum("lat" in e for e in knowledge.installations) >= 300
    kinds = Counter(e["kind"] for e in knowledge.actors)
    assert kinds["state"] >= 10 and kinds["jihadist group"] >= 10 and kinds["peacekeeping mission"] >= 5
    types = Counter(t["type"] for t in knowledge.weapon_terms)
    assert all(types[t] >= 50 for t in ("rocket", "drone", "missile", "mortar", "artillery", "other"))


def test_knowledge_files_pass_the_schema_check():
    """Schema, unique ids, existing link targets, ISO codes, and every shared alias declared ambiguous."""
    assert check_knowledge(KNOWLEDGE) == []


def _tiny(tmp_path, installations, ambiguous=None):
    folder = tmp_path / "kb"
    (folder / "installations").mkdir(parents=True)
    (folder / "installations" / "a.json").write_text(json.dumps(installations))
    (folder / "actors.json").write_text(json.dumps([{"id": "x", "name": "X", "aliases": [], "kind": "state",
                                                      "member_of": ["nobody"]}]))
    (folder / "weapons.json").write_text(json.dumps({"types": ["rocket"], "terms": [{"term": "roquette", "type": "rocket"},
                                                                                    {"term": "Roquette", "type": "drone"}]}))
    (folder / "cues.json").write_text("{}")
    if ambiguous is not None:
        (folder / "ambiguous.json").write_text(json.dumps(ambiguous))
    return folder


def test_schema_check_reports_each_problem_with_its_entry(tmp_path):
    base = {"name": "base de Y", "aliases": ["Y"], "country": "IQ", "kind": "air base"}
    folder = _tiny(tmp_path, [{"id": "a", **base}, {"id": "a", **base, "country": "Iraq", "kind": "castle", "lat": 1}])
    problems = "\n".join(check_knowledge(folder))
    assert "id 'a' is used 2 times" in problems
    assert "country 'Iraq' is not an ISO 3166-1 alpha-2 code" in problems and "kind 'castle'" in problems
    assert "lat and lon go together" in problems
    assert "actors[x]: member_of names unknown actor id 'nobody'" in problems
    assert "('Roquette')" in problems and "also listed as 'rocket'" in problems


def test_a_shared_alias_must_be_declared_and_links_by_kind_words(tmp_path):
    entries = [{"id": "y_air_base", "name": "base aérienne de Y", "aliases": ["Y"], "country": "IQ", "kind": "air base"},
               {"id": "y_airport", "name": "aéroport de Y", "aliases": ["Y"], "country": "IQ", "kind": "airport"}]
    problems = check_knowledge(_tiny(tmp_path, entries))
    assert any("alias 'Y' (folded 'i') links to y_air_base, y_airport: declare it" in p for p in problems)
    declared = _tiny(tmp_path / "2", entries, {"installations": {"Y": ["y_air_base", "y_airport"]}})
    assert not any("alias" in p for p in check_knowledge(declared))
    kb = Knowledge.from_dir(declared)
    assert kb.link_installation("la base de Y") is None  # ambiguous: no kind word says which
    assert kb.link_installation("l'aéroport de Y")["id"] == "y_airport"
    assert kb.link_installation("la base aérienne de Y")["id"] == "y_air_base"


@pytest.mark.parametrize("a, b", [
    ("Aïn al-Assad", "Ain el Asad"), ("Ayn al-Asad", "Aïn Assad"), ("ash-Shaddadi", "al-Chaddadi"), ("Kirkouk", "Kirkuk"),
    ("Kata'ib Hezbollah", "Kataib Hezbollah"), ("Kata’ib Hizbollah", "Kataib Hizbolah"), ("Deir ez-Zor", "Deir ez Zor"),
    ("Qayyarah", "Qayarah"), ("Djibouti", "Jibouti"), ("Hmeimim", "Hmeïmim"),
])
def test_spelling_folds(a, b):
    assert fold_name(a) == fold_name(b)


def test_folded_spans_are_offsets_into_the_original_text():
    text = "Tirs sur la base d’Al-Assad et sur Qayyarah-Ouest."
    folded = fold_in_place(text)
    for key, expected in (("asad", "Al-Assad"), ("kaiara uest", "Qayyarah-Ouest")):
        start = folded.text.index(key)
        s, e = folded.span(start, start + len(key))
        assert text[s:e] == expected


@pytest.mark.parametrize("text, wtype", [
    ("au moins 14 roquettes", "rocket"), ("des roquettes de type Grad", "rocket"), ("un drone kamikaze", "drone"),
    ("deux missiles balistiques", "missile"), ("des obus de mortier", "mortar"), ("des tirs d'artillerie", "artillery"),
    ("des explosifs", "other"), ("Katioucha", "rocket"), ("attaque à la roquette", "rocket"),
])
def test_weapon_types(knowledge, text, wtype):
    assert knowledge.weapon_type(text) == wtype


def test_actor_aliases(knowledge):
    assert knowledge.link_actor("Kata’ib Hezbollah")["id"] == knowledge.link_actor("Kataeb Hezbollah")["id"]
    assert knowledge.link_actor("la Résistance islamique en Irak") is not None


def test_cues_and_negated_claims(knowledge):
    assert knowledge.is_claim("Le groupe a revendiqué l'attaque.")
    assert not knowledge.is_claim("Aucun groupe n'a revendiqué l'attaque.")
    assert knowledge.has_cue("unclaimed", "Il n’y a eu aucune revendication immédiate.")
    assert knowledge.has_cue("killed", "Trois soldats ont été tués.")
    assert not knowledge.has_cue("killed", "des obus de mortier")


def test_claims_in_reported_speech_count_only_when_asked(knowledge):
    """D33: a speech verb and a deed make a claim only as the weaker evidence (`reported`)."""
    said = "Le Hezbollah a affirmé dimanche sur Telegram avoir visé la base."
    assert knowledge.is_claim(said, reported=True) and not knowledge.is_claim(said)
    assert knowledge.is_claim("« Nous avons frappé la base », a dit le groupe.")
    assert not knowledge.is_claim("Les milices sont accusées d'avoir visé la base.", reported=True)
    assert not knowledge.is_claim("Aucun groupe n'a revendiqué l'attaque, que X dit avoir menée.", reported=True)


def test_spans_are_offsets_into_the_original_text(knowledge):
    text = "Des tirs  visaient la base aérienne d’Aïn   al-Asad hier."
    (start, end, entry), = knowledge.installation_spans(text)
    assert entry["id"] == "ain_al_asad" and text[start:end] == "base aérienne d’Aïn   al-Asad"


def test_missing_or_broken_knowledge_files_are_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="installations.json"):
        Knowledge.from_dir(tmp_path)
    for name in ("installations", "weapons", "actors", "cues"):
        (tmp_path / f"{name}.json").write_text("[]" if name != "weapons" else "{}")
    (tmp_path / "cues.json").write_text("{oops")
    with pytest.raises(ValueError, match="cues.json:1"):
        Knowledge.from_dir(tmp_path)


def test_normalise():
    assert normalise("  L’Aïn  al-Asad « x » ") == "l'ain al asad x"


def test_actor_links_relate_members_umbrellas_and_backers(knowledge):
    assert "Iran" in knowledge.associated_actors("kataeb_hezbollah")
    assert knowledge.actors_related("kataeb_hezbollah", "pro_iranian_militias")  # "des milices soutenues par l'Iran"
    assert knowledge.actors_related("kataeb_hezbollah", "iran")
    assert not knowledge.actors_related("jnim", "pro_iranian_militias") and not knowledge.actors_related("jnim", "iran")


def test_review_cases_of_the_linker(knowledge):
    # an English "at"/"an" before a name is not a dropped Arabic article
    text = "the attack at Ain al-Asad"
    (start, end, _), = knowledge.installation_spans(text)
    assert text[start:end] == "Ain al-Asad"
    # "Port Sudan" is a name, not "port" + the country
    assert knowledge.link_installation("une base navale au Soudan") is None
    # "port" inside "aéroport" does not name a port
    assert normalise("l'aéroport") and knowledge.link_installation("la base de Y") is None
    # folded spans are computed once per text and filtered by range
    text = "Des tirs visaient la base d'Aïn al-Asad. Puis la base de Harir."
    first = knowledge.installation_spans(text, 0, text.index("Puis"))
    assert len(first) == 1 and len(knowledge.installation_spans(text)) >= 1
