"""The page tree of DESIGN.md is fixed in the models (parent_page_types / subpage_types)."""

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

ALL_TYPES = [
    HomePage, FachgruppenIndexPage, FachgruppePage, GremiumPage,
    ProtokollPage, ProduktPage, VeranstaltungPage, JahresberichtPage,
]

ALLOWED_PARENTS = {
    FachgruppenIndexPage: {HomePage},
    FachgruppePage: {FachgruppenIndexPage},
    GremiumPage: {HomePage},
    ProtokollPage: {FachgruppePage, GremiumPage},
    ProduktPage: {FachgruppePage},
    VeranstaltungPage: {FachgruppePage},
    JahresberichtPage: {FachgruppePage},
}


@pytest.mark.parametrize("child", list(ALLOWED_PARENTS))
@pytest.mark.parametrize("parent", ALL_TYPES)
def test_allowed_parent_types(parent, child):
    expected = parent in ALLOWED_PARENTS[child]
    assert child in parent.allowed_subpage_models() or not expected
    assert (child in parent.allowed_subpage_models()) is expected


@pytest.mark.parametrize("leaf", [ProtokollPage, ProduktPage, VeranstaltungPage, JahresberichtPage])
def test_records_have_no_children(leaf):
    assert leaf.allowed_subpage_models() == []


def test_homepage_only_under_root():
    assert HomePage.allowed_parent_page_models() == [Page]


@pytest.mark.django_db
def test_protokoll_can_be_created_only_under_fachgruppe_or_gremium(demo_home):
    fachgruppe = FachgruppePage.objects.first()
    gremium = GremiumPage.objects.first()
    index = FachgruppenIndexPage.objects.get()
    assert ProtokollPage.can_create_at(fachgruppe)
    assert ProtokollPage.can_create_at(gremium)
    assert not ProtokollPage.can_create_at(index)
    assert not ProtokollPage.can_create_at(demo_home)
    assert not ProtokollPage.can_create_at(ProtokollPage.objects.first())


@pytest.mark.django_db
def test_singletons_cannot_be_added_twice(demo_home):
    assert not HomePage.can_create_at(Page.get_first_root_node())
    assert not FachgruppenIndexPage.can_create_at(demo_home)


@pytest.mark.django_db
def test_admin_refuses_protokoll_under_home(demo_home, admin_client):
    url = f"/admin/pages/add/om_pages/protokollpage/{demo_home.pk}/"
    response = admin_client.post(url, {"title": "Falsch", "slug": "falsch", "date": "2026-01-01"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert not ProtokollPage.objects.child_of(demo_home).exists()
    fachgruppe = FachgruppePage.objects.first()
    response = admin_client.get(f"/admin/pages/add/om_pages/protokollpage/{fachgruppe.pk}/")
    assert response.status_code == 200
