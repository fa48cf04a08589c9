
import pytest

from salve.pipeline.knowledge import Knowledge, normalise


def test_spelling_variants_link_to_one_installation(knowledge):
    names = {knowledge.link_installation(t)["id"] for t in (
        "la base aérienne d’Ain al-Asad", "la base aérienne d'Aïn al-Assad", "la base d’Al-Asad",
        "la base aérienne d’Al-Assad", "Ain Al-Assad")}
    assert names == {"ain_al_asad"}
    assert knowledge.link_installation("l’aéroport d’Erbil")["country"] == "Iraq"
    assert knowledge.link_installation("une base irakienne") is None


def test_gazetteer_size_and_coverage(knowledge):
    assert len(knowledge.installations) >= 40
    countries = {e["country"] for e in knowledge.installations}
    assert {"Iraq", "Syria", "Jordan"} <= countries
    assert sum(e["country"] in ("Iraq", "Syria", "Jordan") for e in knowledge.installations) >= 40
    ids = [e["id"] for e in knowledge.installations]
    assert len(ids) == len(set(ids))


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
