"""The public search page /suche/: attachments, syntax, facets, visibility, bad input."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from om_pages.models import ProtokollPage
from search import snippets
from tests.search import files
from tests.search.conftest import add_protokoll, attach
from tests.search.strategies import QUERIES

pytestmark = pytest.mark.django_db


def hit_titles(html: str) -> list[str]:
    return re.findall(r'<li class="search-hit"[^>]*>\s*<a href="[^"]*">([^<]*)</a>', html)


def get(client, **params):
    response = client.get("/suche/", params)
    assert response.status_code == 200
    return response.content.decode()


def facet_counts(html: str, facet: str) -> dict[str, int]:
    block = re.search(rf'data-facet="{facet}">(.*?)</ul>', html, re.S)
    if block is None:
        return {}
    return {value: int(count) for value, count in re.findall(
        r'data-value="([^"]+)">[^<]*<span class="count">\((\d+)\)', block.group(1))}


def test_empty_page_invites_a_search(client, small_site):
    html = get(client)
    assert "Geben Sie einen Suchbegriff ein" in html
    assert hit_titles(html) == []


def test_pdf_attachment_text_is_found_with_marked_snippet_from_the_attachment(client, small_site):
    html = get(client, q="Schallpegel")
    assert hit_titles(html) == ["Sitzung Lärmschutz"]
    assert "<mark>Schallpegel</mark>" in html
    assert "Im Anhang" in html and "Anlage laerm.pdf" in html


def test_docx_attachment_text_is_found(client, small_site):
    html = get(client, q="Auftragsverarbeitung")
    assert hit_titles(html) == ["Sitzung Datenschutz"]
    assert "<mark>Auftragsverarbeitung</mark>" in html


def test_page_text_is_the_snippet_when_the_page_itself_matches(client, small_site):
    html = get(client, q="Werkstätten")
    assert "Beratung über Lärmschutz in <mark>Werkstätten</mark>." in html
    assert "[&#x27;" not in html  # field values are text, not Python reprs
    assert "Im Anhang" not in html


def test_phrase_needs_the_words_in_order(client, small_site):
    assert hit_titles(get(client, q='"psychischer Belastung"')) == ["Sitzung Gefährdungsbeurteilung"]
    assert hit_titles(get(client, q='"Belastung psychischer"')) == []


def test_minus_excludes(client, small_site):
    titles = hit_titles(get(client, q="Sitzung -Datenschutz"))
    assert "Sitzung Datenschutz" not in titles
    assert {"Sitzung Lärmschutz", "Sitzung Gefährdungsbeurteilung"} <= set(titles)


def test_prefix_matches_word_beginnings_in_page_and_attachment(client, small_site):
    assert "Sitzung Gefährdungsbeurteilung" in hit_titles(get(client, q="Gefährdungs*"))
    assert hit_titles(get(client, q="Schallpeg*")) == ["Sitzung Lärmschutz"]
    # Without * a short fragment is no word: it finds nothing, with * it finds the beginning.
    # (Stems of four letters or more also find compounds they begin, ranked below exact
    # words: search.backends.whoosh.MIN_PREFIX_LENGTH, tests/search/test_german_analysis.py.)
    assert hit_titles(get(client, q="Sch")) == []
    assert hit_titles(get(client, q="Sch*")) == ["Sitzung Lärmschutz"]


def tips(html: str) -> str:
    return re.search(r'<details class="search-tips".*?</details>', html, re.S).group(0)


def test_tips_describe_compound_hits_and_the_star_as_they_work(client, small_site):
    """The "Suchtipps" match the backend: a word whose stem has at least four letters
    (search.backends.whoosh.MIN_PREFIX_LENGTH) also finds the compounds it begins, without *;
    * forces a prefix search, also for short beginnings."""
    text = tips(get(client))
    assert "<kbd>Lärm</kbd>: findet auch zusammengesetzte Wörter" in text
    assert "„Lärmschutz“" in text and "4 Buchstaben" in text
    assert "<kbd>Amt*</kbd>" in text
    # the tips' examples, run: compounds without * ...
    assert hit_titles(get(client, q="Gefährdung")) == ["Sitzung Gefährdungsbeurteilung"]
    assert hit_titles(get(client, q="Gefaehrdung")) == ["Sitzung Gefährdungsbeurteilung"]
    assert hit_titles(get(client, q="Schall")) == ["Sitzung Lärmschutz"]  # "Schallpegel" in the PDF
    assert hit_titles(get(client, q="Lärm")) == ["Sitzung Lärmschutz"]  # umlaut as typed
    # ... but not from a shorter stem ("Daten" → dat, "Sch"): there the * is needed
    assert hit_titles(get(client, q="Sch")) == []
    assert hit_titles(get(client, q="Sch*")) == ["Sitzung Lärmschutz"]
    assert hit_titles(get(client, q="Daten")) == []
    assert set(hit_titles(get(client, q="Daten*"))) == {"Sitzung Datenschutz", "Plenum Frühjahr"}


def test_prefix_combines_with_words_and_exclusion(client, small_site):
    titles = hit_titles(get(client, q="Datensch* -Plenum"))
    assert "Sitzung Datenschutz" in titles and "Plenum Frühjahr" not in titles


def test_oder_finds_either(client, small_site):
    titles = set(hit_titles(get(client, q="Werkstätten ODER Auftragsverarbeitung")))
    assert titles == {"Sitzung Lärmschutz", "Sitzung Datenschutz"}


def test_facet_counts_match_the_hits(client, small_site):
    html = get(client, q="Sitzung")
    titles = hit_titles(html)
    hits = ProtokollPage.objects.filter(title__in=titles)
    expected_groups: dict[str, int] = {}
    expected_years: dict[str, int] = {}
    for page in hits:
        parent = str(page.get_parent().pk)
        expected_groups[parent] = expected_groups.get(parent, 0) + 1
        expected_years[str(page.date.year)] = expected_years.get(str(page.date.year), 0) + 1
    assert len(titles) == 3
    assert facet_counts(html, "gruppe") == expected_groups
    assert facet_counts(html, "gruppe")[str(small_site.arbeitsschutz.pk)] == 2
    assert facet_counts(html, "jahr") == expected_years == {"2025": 2, "2024": 1}
    assert facet_counts(html, "typ") == {"protokollpage": 3}


def test_selecting_a_facet_narrows_hits_and_other_facets(client, small_site):
    html = get(client, q="Sitzung", gruppe=small_site.arbeitsschutz.pk)
    assert set(hit_titles(html)) == {"Sitzung Lärmschutz", "Sitzung Gefährdungsbeurteilung"}
    assert facet_counts(html, "jahr") == {"2025": 1, "2024": 1}
    # the group facet still offers the other group, so users can switch
    assert facet_counts(html, "gruppe")[str(small_site.digital.pk)] == 1
    html = get(client, q="Sitzung", jahr=2024)
    assert hit_titles(html) == ["Sitzung Lärmschutz"]


def test_date_range_and_sort_by_date(client, small_site):
    assert hit_titles(get(client, q="Sitzung", von="2025-01-01", sort="datum")) == [
        "Sitzung Gefährdungsbeurteilung", "Sitzung Datenschutz"]
    assert hit_titles(get(client, q="Sitzung", bis="31.12.2024")) == ["Sitzung Lärmschutz"]
    html = get(client, q="Sitzung", von="2025-01-01", bis="2024-01-01")
    assert "Das Von-Datum liegt nach dem Bis-Datum." in html
    assert len(hit_titles(html)) == 3


def test_bad_filter_values_are_explained_not_fatal(client, small_site):
    html = get(client, q="Sitzung", von="gestern", jahr="zwanzig", sort="beliebig", gruppe="-1")
    assert "„von“ ist kein gültiges Datum" in html
    assert "„jahr“ muss eine ganze Zahl sein." in html
    assert "„sort“ muss „relevanz“ oder „datum“ sein." in html
    assert len(hit_titles(html)) == 3


def test_pagination(client, small_site):
    for day in range(1, 13):
        add_protokoll(small_site.digital, f"Treffen Nummer {day}", datetime.date(2023, 1, day),
                      "Wiederkehrendes Stichwort Sammelband.")
    first = get(client, q="Sammelband", sort="datum")
    assert len(hit_titles(first)) == 10
    assert "Seite 1 von 2" in first and 'rel="next"' in first
    second = get(client, q="Sammelband", sort="datum", page=2)
    assert hit_titles(second) == ["Treffen Nummer 2", "Treffen Nummer 1"]
    assert "Seite 2 von 2" in get(client, q="Sammelband", page=99)
    assert "Seite 1 von 2" in get(client, q="Sammelband", page="abc")


def test_drafts_unpublished_and_private_pages_are_never_found(client, small_site):
    draft = add_protokoll(small_site.digital, "Entwurf", datetime.date(2025, 9, 1),
                          "Geheimsache Entwurfsfassung", publish=False)
    gone = add_protokoll(small_site.digital, "Zurückgezogen", datetime.date(2025, 9, 2),
                         "Geheimsache Zurueckgezogen")
    gone.unpublish()
    private_group = small_site.arbeitsschutz
    PageViewRestriction.objects.create(page=private_group, restriction_type="password",
                                       password="nur-fuer-mitglieder")
    private = add_protokoll(private_group, "Interna", datetime.date(2025, 9, 3), "Geheimsache Interna")
    live = small_site.protokolle[2]
    live.body = "<p>Geheimsache Entwurfsaenderung</p>"
    live.save_revision()  # a draft change of a live page, not published
    # the index holds the private page: only the visibility rule keeps it out
    assert private.pk in {page.pk for page in Page.objects.live().search("Geheimsache")}
    for query in ["Geheimsache", "Entwurfsfassung", "Zurueckgezogen", "Interna", "Entwurfsaenderung",
                  "Geheim*"]:
        html = get(client, q=query)
        assert re.findall(r'data-page-id="(\d+)"', html) == [], query
        assert "<mark>" not in html
    assert {draft.pk, gone.pk, private.pk} & {page.pk for page in Page.objects.search("Geheimsache")}
    # the restricted group's older Protokolle are hidden too
    assert hit_titles(get(client, q="Schallpegel")) == []


def test_did_you_mean_when_the_backend_suggests(client, small_site):
    # The Whoosh backend suggests too (search.backends.whoosh.suggest), but only for words it
    # does not know: a query of indexed words gets no "Meinten Sie".
    assert "Meinten Sie" not in get(client, q="Lärmschutz")
    assert "Meinten Sie" in get(client, q="Laermschuts")
    # Any backend with ``suggest`` works; its proposal is shown only if the proposed word
    # finds a visible page through that backend (tests/search/test_suggest.py).
    backends = {"default": {"BACKEND": "tests.search.backends"}}
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        assert "Meinten Sie" not in get(client, q="Laermschuts")  # its index is still empty
        call_command("update_index", stdout=io.StringIO())
        html = get(client, q="Laermschuts")
    assert "Meinten Sie" in html
    assert "?q=L%C3%A4rmschutz" in html


def test_user_text_is_escaped(client, small_site):
    add_protokoll(small_site.digital, "<script>alert(1)</script> Sitzung Sonder",
                  datetime.date(2025, 1, 1), "Sonderfall &lt;b&gt;fett")
    html = get(client, q="Sonder*")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for query in ['<script>alert(1)</script>', '"<img src=x onerror=alert(1)>']:
        html = get(client, q=query)
        assert "<script>alert" not in html and "<img src=x" not in html


def test_backend_highlight_output_is_checked():
    class Escaping:
        def highlight(self, text, query):
            return text.replace("Lärm", "<mark>Lärm</mark>").replace("<b>", "&lt;b&gt;")

    class Raw:
        def highlight(self, text, query):
            return "<script>x</script>"

    assert snippets.backend_marked(Escaping(), "Lärm und <b>", ["Lärm"]) == "<mark>Lärm</mark> und &lt;b&gt;"
    assert snippets.backend_marked(Raw(), "Lärm", ["Lärm"]) is None
    assert snippets.snippet([snippets.TextPart("seite", "<b>Lärm</b>")], ["Lärm"], Raw())[0] == (
        "&lt;b&gt;<mark>Lärm</mark>&lt;/b&gt;")


@pytest.mark.parametrize("query, message", [
    ("", "Geben Sie einen Suchbegriff ein"),
    ('"', "kein Wort, nach dem gesucht werden kann"),
    ("-", "kein Wort, nach dem gesucht werden kann"),
    ("- - * **", "kein Wort, nach dem gesucht werden kann"),
    ("-Plenum", "ohne Minuszeichen"),
    ('"unbalanciert Sitzung', "schließendes Anführungszeichen fehlte"),
    ("Sitzung " * 2000, "ersten 200 Zeichen"),
    ("\x07Sitzung\x1b[0m", "Treffer für „Sitzung“"),  # NUL: 400 by cms.middleware
    ("a*", "mindestens 2"),
])
def test_malformed_queries_get_a_helpful_german_page(client, small_site, query, message):
    assert message in get(client, q=query)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_no_query_makes_the_page_fail(client, small_site, query):
    response = client.get("/suche/", {"q": query, "sort": "datum"})
    assert response.status_code == 200
    assert "<h1>Suche</h1>" in response.content.decode()


def test_text_of_a_document_in_a_restricted_collection_is_not_searchable(client, small_site):
    internal = Collection.get_first_root_node().add_child(name="Interne Ablage")
    CollectionViewRestriction.objects.create(collection=internal, restriction_type="password",
                                             password="intern")
    document = attach("intern.docx", files.make_docx("Intern", ["Vertraulich Personalplanung"]))
    document.collection = internal
    document.save()
    page = add_protokoll(small_site.digital, "Öffentliches Protokoll", datetime.date(2025, 5, 5),
                         "Offener Text")
    page.documents.create(document=document)
    page.save_revision().publish()
    assert hit_titles(get(client, q="Offener")) == ["Öffentliches Protokoll"]
    html = get(client, q="Personalplanung")
    assert hit_titles(html) == [] and "Vertraulich" not in html


def test_live_protokoll_under_unpublished_fachgruppe_is_not_found(client, small_site):
    """A group still applying (R1) or unpublished keeps its records out of public search."""
    add_protokoll(small_site.digital, "Verborgen", datetime.date(2025, 9, 4), "Nebelkerzenprotokoll")
    assert hit_titles(get(client, q="Nebelkerzenprotokoll")) == ["Verborgen"]
    # Wagtail's unpublish leaves the children live; only the group page goes offline.
    Page.objects.filter(pk=small_site.digital.pk).update(live=False)
    assert hit_titles(get(client, q="Nebelkerzenprotokoll")) == []
