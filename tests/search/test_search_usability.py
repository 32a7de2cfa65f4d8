"""What users stumbled over in the search."""

import datetime
import re

import pytest

from tests.search.conftest import add_protokoll

pytestmark = pytest.mark.django_db


def search(client, q: str) -> str:
    response = client.get("/suche/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def titles(html: str) -> list[str]:
    return re.findall(r'<li class="search-hit"[^>]*>\s*<a href="[^"]*">([^<]*)</a>', html)


def test_short_word_finds_compounds_below_exact_matches(small_site, client):
    add_protokoll(small_site.protokolle[0].get_parent(), "Sitzung Lärm", datetime.date(2024, 5, 1),
                  "Der Lärm in der Halle.")
    html = search(client, "Lärm")
    found = titles(html)
    assert "Sitzung Lärmschutz" in found  # "Lärmschutz" begins with the short word
    assert found.index("Sitzung Lärm") < found.index("Sitzung Lärmschutz")


def test_inflected_query_highlights_the_form_in_the_text(small_site, client):
    html = search(client, "psychischen")  # the text says "psychischer"
    assert "<mark>psychischer</mark>" in html
    html = search(client, "Gefährdungsbeurteilungen")  # the text says "Gefährdungsbeurteilung"
    assert "<mark>Gefährdungsbeurteilung</mark>" in html


def test_no_hits_proposes_the_users_own_word_with_a_star(small_site, client):
    html = search(client, "Quantenkryptograf")
    assert "Keine Treffer" in html
    assert "Quantenkryptograf*" in html
    assert "arbeit*" not in html  # no unrelated example
    assert "search-facets" not in html  # no empty facet box


def test_no_did_you_mean_above_a_good_list(small_site, client):
    html = search(client, "Sitzungen")  # correctly spelled plural of the titles' "Sitzung"
    assert len(titles(html)) > 2
    assert "Meinten Sie" not in html
