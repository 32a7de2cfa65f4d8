"""The demo command is idempotent and loads every kind of content the issues need."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision

from om_pages.models import (
    FachgruppePage,
    GremiumKind,
    GremiumPage,
    Organisation,
    OrganisationKind,
    Person,
    ProduktPage,
    ProtokollPage,
    VeranstaltungKind,
    VeranstaltungPage,
)

COUNTED = [Page, Organisation, Person, get_document_model(), Revision, get_user_model()]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.mark.django_db
def test_load_demo_twice_gives_same_counts():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first["Page"] > 20


@pytest.mark.django_db
def test_demo_covers_every_kind(demo_home):
    assert set(GremiumPage.objects.values_list("kind", flat=True)) == set(GremiumKind)
    assert set(Organisation.objects.values_list("kind", flat=True)) >= set(OrganisationKind) - {
        OrganisationKind.PRIVATPERSON
    }
    assert FachgruppePage.objects.live().count() == 3  # applicant groups (workflow demo) are drafts
    years = {d.year for d in ProtokollPage.objects.values_list("date", flat=True)}
    assert len(years) == 2
    assert ProduktPage.objects.exists()
    kinds = set(VeranstaltungPage.objects.values_list("kind", flat=True))
    assert VeranstaltungKind.WORKSHOP_ERPROBUNG in kinds


@pytest.mark.django_db
def test_demo_admin_can_log_in(demo_home, client):
    assert client.login(username="admin", password="om-demo-2026")
