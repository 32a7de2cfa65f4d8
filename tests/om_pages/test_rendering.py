"""Every page type renders in German for the public; the admin speaks German."""

import pytest
from wagtail.models import Page

from om_pages.models import (
    FachgruppenIndexPage,
    FachgruppePage,
    GremiumPage,
    HomePage,
    JahresberichtPage,
    ProduktPage,
    ProtokollPage,
    VeranstaltungPage,
)

PAGE_TYPES = [
    HomePage, FachgruppenIndexPage, FachgruppePage, GremiumPage,
    ProtokollPage, ProduktPage, VeranstaltungPage, JahresberichtPage,
]


@pytest.mark.django_db
@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda t: t.__name__)
def test_every_page_type_renders(demo_home, client, page_type):
    page = page_type.objects.live().first()
    assert page is not None, f"demo content has no {page_type.__name__}"
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert page.title in html
    assert "<main" in html


@pytest.mark.django_db
def test_index_lists_every_live_fachgruppe(demo_home, client):
    """R26: the public list names every Fachgruppe."""
    index = FachgruppenIndexPage.objects.get()
    html = client.get(index.url).content.decode()
    for fachgruppe in FachgruppePage.objects.live():
        assert fachgruppe.title in html


@pytest.mark.django_db
def test_unpublished_fachgruppe_not_listed(demo_home, client):
    fachgruppe = FachgruppePage.objects.first()
    fachgruppe.unpublish()
    html = client.get(FachgruppenIndexPage.objects.get().url).content.decode()
    assert fachgruppe.title not in html


@pytest.mark.django_db
def test_protokoll_shows_decisions_and_attachment(demo_home, client):
    protokoll = ProtokollPage.objects.filter(documents__isnull=False).first()
    html = client.get(protokoll.url).content.decode()
    assert "Beschluss:" in html
    assert protokoll.documents.first().document.title in html


@pytest.mark.django_db
def test_fachgruppe_page_groups_protokolle_by_year(demo_home, client):
    fachgruppe = FachgruppePage.objects.first()
    html = client.get(fachgruppe.url).content.decode()
    assert "<h3>2025</h3>" in html and "<h3>2026</h3>" in html
    assert html.index("<h3>2026</h3>") < html.index("<h3>2025</h3>")


@pytest.mark.django_db
def test_draft_changes_not_shown(demo_home, client):
    protokoll = ProtokollPage.objects.first()
    protokoll.title = "Geheimer Entwurfstitel"
    protokoll.save_revision()
    html = client.get(Page.objects.get(pk=protokoll.pk).url).content.decode()
    assert "Geheimer Entwurfstitel" not in html


@pytest.mark.django_db
def test_admin_is_german(demo_home, admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert 'lang="de"' in html
    assert "Seiten" in html


@pytest.mark.django_db
def test_search_page_finds_published_protokoll(demo_home, client):
    response = client.get("/suche/", {"q": "Unterweisung"})
    assert response.status_code == 200
    assert "Treffer" in response.content.decode()
