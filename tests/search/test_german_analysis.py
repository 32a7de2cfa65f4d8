"""German analysis: stemming, umlaut/ß folding, stop words, compound hits (DESIGN.md "Search")."""

import pytest

from om_pages.models.pages import ProtokollPage
from search.backends.analysis import fold, german_analyzer, stem

from .tree import add_protokoll, titles


def tokens(text: str) -> list[str]:
    return [t.text for t in german_analyzer()(text)]


@pytest.mark.parametrize("word", ["Gefährdung", "Gefaehrdung", "Gefahrdung", "GEFÄHRDUNG"])
def test_umlaut_spellings_share_one_stem(word):
    assert tokens(word) == ["gefahrd"]


def test_sharp_s_and_ss_fold_together():
    assert tokens("Straße") == tokens("Strasse") == ["strass"]
    assert fold("Maßnahme") == "massnahme"


def test_stemming_joins_inflections():
    assert stem("sitzungen") == stem("sitzung")
    assert stem("protokolle") == stem("protokoll")
    assert stem("beschlüsse") == stem("beschluesse")


def test_stop_words_dropped():
    assert tokens("die Sitzung und der Beschluss") == [stem("sitzung"), stem("beschluss")]


def test_q_u_e_is_not_an_umlaut():
    assert fold("Quelle") == "quelle"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Gefährdung", "Gefaehrdung", "Gefahrdung", "gefährdungen"])
def test_spellings_find_each_other_in_pages(fachgruppe, query):
    add_protokoll(fachgruppe, "Sitzung A", "Gefährdung durch Lärm")
    add_protokoll(fachgruppe, "Sitzung B", "Die Gefaehrdung wurde bewertet")
    add_protokoll(fachgruppe, "Sitzung C", "Gefahrdung ohne Umlaut geschrieben")
    add_protokoll(fachgruppe, "Sitzung D", "Nichts davon")
    found = set(titles(ProtokollPage.objects.live().public().search(query)))
    assert {"Sitzung A", "Sitzung B", "Sitzung C"} <= found
    assert "Sitzung D" not in found


@pytest.mark.django_db
def test_compound_found_by_its_head_word(fachgruppe):
    add_protokoll(fachgruppe, "Sitzung Kompositum", "Die Gefährdungsbeurteilung wurde beschlossen")
    add_protokoll(fachgruppe, "Sitzung einfach", "Eine Gefährdung wurde festgestellt")
    results = titles(ProtokollPage.objects.search("Gefährdung"))
    assert set(results) == {"Sitzung Kompositum", "Sitzung einfach"}
    assert results[0] == "Sitzung einfach"  # the exact word ranks above the compound


@pytest.mark.django_db
def test_short_words_do_not_prefix_match(fachgruppe):
    add_protokoll(fachgruppe, "Sitzung Programm", "Programm beschlossen")
    assert titles(ProtokollPage.objects.search("Pro")) == []
