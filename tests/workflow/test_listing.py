"""The Vorgänge list and the dashboard panel say whose item it is and how long it waited."""

import datetime

import pytest
from django.utils import timezone

from om_pages.models import FachgruppePage
from tests.workflow.conftest import complete_decision, make_vorgang, user
from workflow.models import Vorgang
from workflow.services import perform_transition


@pytest.fixture
def submitted(demo_home):
    """A Produkt of the Gefährdungsbeurteilung group, submitted 12 days ago."""
    vorgang = make_vorgang("produkt", "entwurf")
    perform_transition(vorgang, "einreichen", user("fg-gefaehrdung"),
                       **complete_decision(vorgang, "einreichen"))
    twelve_days_ago = timezone.now() - datetime.timedelta(days=12)
    Vorgang.objects.filter(pk=vorgang.pk).update(submitted_at=twelve_days_ago,
                                                 waiting_since=twelve_days_ago)
    return Vorgang.objects.get(pk=vorgang.pk)


@pytest.mark.django_db
def test_listing_shows_group_submission_and_waiting_time(submitted, client):
    client.force_login(user("agtransfer"))
    html = client.get("/admin/vorgaenge/").content.decode()
    local = timezone.localtime(submitted.submitted_at).strftime("%d.%m.%Y, %H:%M")
    assert submitted.group_page.title in html
    assert local in html and "12 Tage" in html
    assert "Eingereicht am" in html and "Wartet seit" in html


@pytest.mark.django_db
def test_listing_filters_by_fachgruppe(submitted, client):
    client.force_login(user("agtransfer"))
    other = FachgruppePage.objects.exclude(pk=submitted.group_page_id).filter(
        pk__in=Vorgang.objects.values("group_page_id")).first()
    html = client.get("/admin/vorgaenge/", {"group_page": other.pk}).content.decode()
    assert f"/admin/vorgaenge/inspect/{submitted.pk}/" not in html
    html = client.get("/admin/vorgaenge/", {"group_page": submitted.group_page_id}).content.decode()
    assert f"/admin/vorgaenge/inspect/{submitted.pk}/" in html


@pytest.mark.django_db
def test_group_editor_sees_only_its_own_group_and_filter_choices(submitted, client):
    client.force_login(user("fg-digitalisierung"))
    html = client.get("/admin/vorgaenge/").content.decode()
    assert f"/admin/vorgaenge/inspect/{submitted.pk}/" not in html
    assert submitted.group_page.title not in html  # not even as a filter choice


@pytest.mark.django_db
def test_awaiting_fachgruppe_names_the_group(demo_home, client):
    vorgang = make_vorgang("produkt", "entwurf")
    assert vorgang.awaiting_label == vorgang.group_page.title
    client.force_login(user("fg-gefaehrdung"))
    html = client.get("/admin/").content.decode()
    assert vorgang.group_page.title in html


@pytest.mark.django_db
def test_panel_shows_group_date_and_waiting_time(submitted, client):
    client.force_login(user("agtransfer"))
    html = client.get("/admin/").content.decode()
    panel = html[html.index("zur-entscheidung-heading"):]
    assert submitted.group_page.title in panel and "12 Tage" in panel
    assert timezone.localtime(submitted.submitted_at).strftime("%d.%m.%Y") in panel


@pytest.mark.django_db
def test_inspect_view_shows_local_times_only(submitted, client):
    client.force_login(user("agtransfer"))
    html = client.get(f"/admin/vorgaenge/inspect/{submitted.pk}/").content.decode()
    assert timezone.localtime(submitted.submitted_at).strftime("%d.%m.%Y, %H:%M") in html
    assert "+00:00" not in html and "UTC" not in html
