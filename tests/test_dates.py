"""Event dates from the article date and the text's time expressions (issue 14): 48 cases."""
import pytest

from salve.pipeline.dates import event_date, parse_article_date

WED = "2024-07-17"  # a Wednesday

CASES = [
    # weekdays: the latest such day on or before the article date
    ("Des roquettes ont visé la base mercredi.", WED, "2024-07-17", "day"),
    ("Des roquettes ont visé la base mardi.", WED, "2024-07-16", "day"),
    ("Des roquettes ont visé la base lundi soir.", WED, "2024-07-15", "day"),
    ("Des roquettes ont visé la base dimanche.", WED, "2024-07-14", "day"),
    ("Des roquettes ont visé la base jeudi.", WED, "2024-07-11", "day"),
    ("Des roquettes ont visé la base mercredi dernier.", WED, "2024-07-10", "day"),
    ("Des roquettes ont visé la base lundi dernier.", WED, "2024-07-15", "day"),
    ("Mardi matin, un drone a frappé le camp.", WED, "2024-07-16", "day"),
    ("Samedi, la base a été visée par des tirs.", WED, "2024-07-13", "day"),
    ("L'attaque a eu lieu vendredi après-midi.", WED, "2024-07-12", "day"),
    # nights and spans
    ("Dans la nuit de mardi à mercredi, des drones ont visé la base.", WED, "2024-07-17", "day"),
    ("Dans la nuit du dimanche au lundi, des roquettes sont tombées.", WED, "2024-07-15", "day"),
    ("Des attaques ont visé la base jeudi et vendredi.", WED, "2024-07-11", "day"),
    # relative days
    ("Des roquettes ont visé la base hier.", WED, "2024-07-16", "day"),
    ("Des roquettes ont visé la base avant-hier.", WED, "2024-07-15", "day"),
    ("La veille, un drone avait été abattu près de la base.", WED, "2024-07-16", "day"),
    ("Ce matin, des obus sont tombés sur le camp.", WED, "2024-07-17", "day"),
    ("Aujourd'hui, la base a été visée.", WED, "2024-07-17", "day"),
    ("Cette nuit, la base a été la cible de tirs.", WED, "2024-07-17", "day"),
    ("La base a été attaquée il y a trois jours.", WED, "2024-07-14", "day"),
    ("La base a été attaquée il y a 2 jours.", WED, "2024-07-15", "day"),
    # absolute dates
    ("Le 3 juillet, des roquettes ont frappé la base.", WED, "2024-07-03", "day"),
    ("Le 1er juillet, un drone a visé le camp.", WED, "2024-07-01", "day"),
    ("Samedi 13 juillet, la base a été visée.", WED, "2024-07-13", "day"),
    ("Le 28 décembre, des tirs ont visé la base.", WED, "2023-12-28", "day"),
    ("Le 3 janvier 2023, des roquettes ont frappé la base.", WED, "2023-01-03", "day"),
    ("L'attaque du 15 août 2021 contre l'aéroport.", WED, "2021-08-15", "day"),
    ("Le 20 juillet, la base a été visée.", WED, "2023-07-20", "day"),  # after the article: the year before
    ("Le 17 juillet, des roquettes ont frappé la base.", WED, "2024-07-17", "day"),
    # weeks and months
    ("La semaine dernière, la base a été visée à deux reprises.", WED, "2024-07-10", "week"),
    ("Ces derniers jours, les tirs contre la base se sont multipliés.", WED, "2024-07-17", "week"),
    ("En juin, des drones ont visé la base.", WED, "2024-06-01", "month"),
    ("Début mars, la base a été attaquée.", WED, "2024-03-01", "month"),
    ("Fin septembre, un drone a frappé le camp.", WED, "2023-09-01", "month"),
    ("En janvier 2020, des missiles ont frappé la base.", WED, "2020-01-01", "month"),
    ("Fin 2023, la base a été visée.", WED, "2023-12-01", "month"),
    # no expression: the article date, a week at most before
    ("Des roquettes ont visé la base.", WED, "2024-07-17", "week"),
    ("Un drone a frappé le camp, selon l'armée.", WED, "2024-07-17", "week"),
    # articles dated to the month (the seeds): day expressions need the day
    ("Des roquettes ont visé la base mardi.", "2024-07", "2024-07-01", "month"),
    ("Des roquettes ont visé la base hier.", "2024-07", "2024-07-01", "month"),
    ("Le 3 juillet, des roquettes ont frappé la base.", "2024-07", "2024-07-03", "day"),
    ("Des roquettes ont visé la base.", "2024-07", "2024-07-01", "month"),
    # an ISO timestamp as article date
    ("Des roquettes ont visé la base hier.", "2024-07-17T08:30:00Z", "2024-07-16", "day"),
    # no article date: no date
    ("Des roquettes ont visé la base mardi.", None, None, None),
    ("Des roquettes ont visé la base mardi.", "juillet 2024", None, None),
]


@pytest.mark.parametrize("text, article, date, precision", CASES)
def test_event_dates(text, article, date, precision):
    assert event_date(text, text.index(text.split()[0]), article) == (date, precision)


def test_the_event_sentence_then_its_paragraph_then_the_lede():
    text = ("Attaque contre la base d'Aïn al-Asad\nMardi, des roquettes ont visé la base. Deux soldats ont été "
            "blessés.\nLe 3 juillet, un drone avait visé le même site. L'armée a riposté.")
    assert event_date(text, text.index("Deux soldats"), WED) == ("2024-07-16", "day")  # the sentence before, same paragraph
    assert event_date(text, text.index("un drone"), WED) == ("2024-07-03", "day")  # its own sentence
    assert event_date(text, text.index("L'armée"), WED) == ("2024-07-03", "day")
    lede = "Mardi, nouvelle attaque contre la base.\n\nSelon l'armée, des roquettes sont tombées sur la piste."
    assert event_date(lede, lede.index("des roquettes"), WED) == ("2024-07-16", "day")  # the lede


def test_article_dates():
    assert parse_article_date("2024-07-17") == (parse_article_date("2024-07-17")[0], "day")
    assert parse_article_date("2024-02-30") == (None, None)
    assert parse_article_date("2024-07")[1] == "month"
    assert len(CASES) >= 40


def test_a_dateline_dates_the_dispatch_not_the_attack():
    text = "BEYROUTH, 17 juillet (Agence X) - Deux roquettes ont été tirées mardi soir sur la base."
    assert event_date(text, text.index("Deux"), WED) == ("2024-07-16", "day")
    text = "KIEV (Reuters) — Des drones ont visé l'aérodrome dimanche."
    assert event_date(text, text.index("Des drones"), WED) == ("2024-07-14", "day")


def test_time_words_inside_other_words_are_not_dates():
    assert event_date("Selon la hiérarchie militaire, Thierry a ouvert le fichier.", 0, WED) == ("2024-07-17", "week")
    text = "Titre\nBEYROUTH, 8 juin (AFP) - Des roquettes ont visé la base."
    assert event_date(text, text.index("Des"), "2024-06-10") == ("2024-06-10", "week")  # a dateline after a title
