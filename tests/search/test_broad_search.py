"""A never-asked broad search stays cheap and describes its hits as before (issue 18).

``search.results.visible_rows`` reads the confirmed pages, their record dates (joined) and
the owners as columns in a fixed number of queries; the Whoosh compiler takes excluded words
out of the intersection (``AndNot``). These tests hold what the page shows to what the
database says, and keep drafts, restricted and hidden pages out of hits and facet counts (R19).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site
from whoosh import query as wq

from om_pages.models import FachgruppenIndexPage, JahresberichtPage, ProtokollPage
from search import results
from search.query import parse
from tests.search import files
from tests.search.conftest import add_protokoll, add_recognised_group, attach, search_backend_name

pytestmark = pytest.mark.django_db


def api(client, **params) -> dict:
    response = client.get("/api/suche/", params)
    assert response.status_code == 200
    return response.json()


def facet(answer: dict, name: str) -> dict[str, int]:
    return {value["value"]: value["count"] for value in answer["facets"][name]}


def rows_for(query: str) -> list[results.Row]:
    site = Site.objects.get(is_default_site=True)
    base = results.base_queryset(site)
    return results.visible_rows(results.backend_hits(parse(query), base), site, base)


def test_rows_give_each_type_its_record_date_and_owner(client, small_site):
    """Protokoll: its ``date``; Jahresbericht: 1 January of its ``year``; a page without a
    date field (the Fachgruppe itself): the day it was first published; the owner with
    the German name of its kind."""
    report = JahresberichtPage(title="Jahresbericht Quellwasser", slug="jahresbericht-quellwasser",
                               year=2023, body="<p>Quellwasser im Bericht.</p>",
                               document=attach("quellwasser.pdf", files.make_pdf(["Anlage"])))
    small_site.digital.add_child(instance=report)
    report.save_revision().publish()
    add_protokoll(small_site.plenum, "Plenum Quellwasser", datetime.date(2022, 11, 3), "Quellwasser")
    group = add_recognised_group(FachgruppenIndexPage.objects.get(), title="Fachgruppe Quellwasser",
                                 slug="quellwasser", topic_area="Quellwasser")
    answer = api(client, q="Quellwasser")
    by_title = {item["title"]: item for item in answer["results"]}
    assert by_title["Jahresbericht Quellwasser"]["date"] == "2023-01-01"
    assert by_title["Plenum Quellwasser"]["date"] == "2022-11-03"
    published = Page.objects.get(pk=group.pk).first_published_at
    expected = timezone.localdate(published).isoformat()
    rows = {row.pk: row for row in rows_for("Quellwasser")}
    assert rows[group.pk].date.isoformat() == expected
    assert by_title["Jahresbericht Quellwasser"]["owner"] == {
        "id": small_site.digital.pk, "title": "Fachgruppe Digitalisierung", "slug": "digital",
        "kind": "Fachgruppe"}
    assert by_title["Plenum Quellwasser"]["owner"]["kind"] == "Gremium"
    assert by_title["Jahresbericht Quellwasser"]["type_label"] == "Jahresbericht"
    assert rows[group.pk].owner["id"] == group.pk  # an owner page is its own owner
    assert facet(answer, "jahr") == {"2023": 1, "2022": 1, expected[:4]: 1}  # published today
    assert facet(answer, "typ") == {"jahresberichtpage": 1, "protokollpage": 1, "fachgruppepage": 1}


def test_rows_cost_the_same_queries_for_few_and_many_hits(small_site):
    """Describing 40 hits asks the database as often as describing one."""
    for number in range(40):
        add_protokoll(small_site.digital, f"Breit {number}", datetime.date(2020, 1, 1 + number % 28),
                      "Breitbandausbau")
    add_protokoll(small_site.plenum, "Einzeln", datetime.date(2021, 5, 5), "Einzelstueck")
    rows_for("Einzelstueck"), rows_for("Breitbandausbau")  # per-process caches (content types)
    counts = {}
    for query in ("Einzelstueck", "Breitbandausbau"):
        site = Site.objects.get(is_default_site=True)
        base = results.base_queryset(site)
        hits = results.backend_hits(parse(query), base)
        with CaptureQueriesContext(connection) as context:
            rows = results.visible_rows(hits, site, base)
        counts[query] = (len(rows), len(context.captured_queries))
    assert counts["Einzelstueck"][0] == 1 and counts["Breitbandausbau"][0] == 40
    assert counts["Einzelstueck"][1] == counts["Breitbandausbau"][1] <= 4


def test_hidden_pages_are_in_no_hit_and_no_facet_count(client, small_site):
    """R19: a draft, a page under a view restriction and a live record under an unpublished
    Fachgruppe are neither shown nor counted, whatever the index holds."""
    add_protokoll(small_site.digital, "Sichtbar", datetime.date(2025, 1, 1), "Kieselgur")
    add_protokoll(small_site.digital, "Entwurf", datetime.date(2019, 1, 1), "Kieselgur", publish=False)
    hidden_group = small_site.arbeitsschutz
    add_protokoll(hidden_group, "Unter verborgener Gruppe", datetime.date(2018, 1, 1), "Kieselgur")
    private = add_protokoll(small_site.plenum, "Geschützt", datetime.date(2017, 1, 1), "Kieselgur")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="geheim-123")
    Page.objects.filter(pk=hidden_group.pk).update(live=False)  # no signal: the index still has it
    answer = api(client, q="Kieselgur")
    assert [item["title"] for item in answer["results"]] == ["Sichtbar"]
    assert answer["total"] == 1
    assert facet(answer, "jahr") == {"2025": 1}
    assert facet(answer, "gruppe") == {str(small_site.digital.pk): 1}
    html = client.get("/suche/", {"q": "Kieselgur -Unbekanntwort"}).content.decode()
    assert re.findall(r'data-page-id="(\d+)"', html) == [
        str(ProtokollPage.objects.get(title="Sichtbar").pk)]


def test_excluded_words_exclude_and_an_unknown_one_changes_no_order(client, small_site):
    def titles(query: str) -> list[str]:
        return [item["title"] for item in api(client, q=query)["results"]]

    every = titles("Sitzung")
    assert len(every) == 3
    assert titles("Sitzung -Nirgendwortx") == every
    assert titles("Sitzung -Datenschutz -Lärmschutz") == ["Sitzung Gefährdungsbeurteilung"]


@pytest.mark.whoosh_only("die Gestalt der Whoosh-Anfrage")
def test_whoosh_takes_excluded_words_out_of_the_intersection(small_site):
    """``a -b -c`` is ``AndNot(a, Or(b, c))``: no ``Every()`` walked beside the words."""
    queryset = Page.objects.live()
    compiler = queryset.search(parse("Sitzung Beratung -Datenschutz -Plenum").fulltext_query()).query_compiler
    compiled = compiler.whoosh_query()
    assert isinstance(compiled, wq.AndNot)
    assert isinstance(compiled.a, wq.And) and isinstance(compiled.b, wq.Or)
    assert "Every" not in repr(compiled)
    single = queryset.search(parse("Sitzung -Datenschutz").fulltext_query()).query_compiler.whoosh_query()
    assert isinstance(single, wq.AndNot) and not isinstance(single.a, wq.Every)
    assert search_backend_name() == "whoosh"
