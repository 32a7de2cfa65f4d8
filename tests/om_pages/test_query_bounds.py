"""Public pages, feeds and the search render with a bounded number of queries, whatever the number
of Protokolle: lists and links must never query once per item."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from om_pages.models import FachgruppePage, HomePage, ProtokollDocument, ProtokollPage

#: Upper bounds per page type; measured on the demo site with headroom for the header and
#: breadcrumbs. They must hold for 3 or 300 Protokolle alike. The group's page also shows its
#: Sitzungen (issue 13), its cooperations (R16) and its status (R26): a few queries more, each
#: one for all items.
BOUNDS = {"home": 25, "fachgruppe": 28, "protokoll": 20, "feed": 12, "fachgruppe-feed": 12, "ical": 12,
          # 10 results per page with their snippet texts (agenda items, attachments, stored
          # text) loaded for all hits at once by search/result_texts.py: measured 14, before
          # 62 (issue 18)
          "suche": 16}


def add_protokolle(fachgruppe: FachgruppePage, count: int, first: int = 0) -> None:
    template = ProtokollPage.objects.child_of(fachgruppe).filter(documents__isnull=False).first()
    document = template.documents.first().document
    for number in range(first, first + count):
        protokoll = ProtokollPage(
            title=f"Zusatzsitzung {number}", slug=f"zusatzsitzung-{number}",
            date=datetime.date(2020 + number % 6, 1 + number % 12, 1 + number % 28),
            attendees="Eine Person\nNoch eine Person", body="<p>Beschluss der Zusatzsitzung.</p>",
        )
        protokoll.documents = [ProtokollDocument(document=document)]
        fachgruppe.add_child(instance=protokoll)
        protokoll.save_revision().publish()


def urls() -> dict[str, str]:
    fachgruppe = FachgruppePage.objects.order_by("path").first()
    protokoll = ProtokollPage.objects.child_of(fachgruppe).filter(documents__isnull=False).first()
    return {
        "home": HomePage.objects.get().url, "fachgruppe": fachgruppe.url, "protokoll": protokoll.url,
        "feed": "/feeds/protokolle.atom",
        "fachgruppe-feed": f"/feeds/fachgruppen/{fachgruppe.slug}/protokolle.atom",
        "ical": "/feeds/veranstaltungen.ics",
        # in many demo pages and in every added Protokoll: 40 more hits, still 10 on the page
        "suche": "/suche/?q=Beschluss",
    }


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_page_queries_do_not_grow_with_protokolle(client, demo_home, django_assert_max_num_queries, name):
    fachgruppe = FachgruppePage.objects.order_by("path").first()
    add_protokolle(fachgruppe, 12, first=0)  # a full page of search results before, too
    url = urls()[name]
    client.get(url)  # warm per-process caches (content types, site root paths)
    before = count_queries(client, url)
    add_protokolle(fachgruppe, 40, first=12)
    with django_assert_max_num_queries(BOUNDS[name]):
        response = client.get(url)
    assert response.status_code == 200
    if name in ("fachgruppe", "suche"):
        assert "Zusatzsitzung" in response.content.decode()  # the new Protokolle are on the page
    if name == "fachgruppe":  # the group's page lists every one of its Protokolle
        listed = set(re.findall(r"Zusatzsitzung (\d+)", response.content.decode()))
        assert listed == {str(number) for number in range(52)}
    assert count_queries(client, url) == before, "query count grows with the number of Protokolle"
