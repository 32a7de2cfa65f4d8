"""Deadlines and reminders (issue 16): due dates, overdue marking, ``om_notify`` sends once."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.workflow.conftest import make_vorgang, user
from workflow.deadlines import Due, annotate_due, due_date, next_sitzungen
from workflow.models import Sitzung, Vorgang

BERLIN_NOON = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)


def waiting(kind: str, state: str, awaiting: str, since=BERLIN_NOON) -> Vorgang:
    """An unsaved Vorgang waiting since ``since`` (``due_date`` queries nothing)."""
    return Vorgang(kind=kind, state=state, awaiting=awaiting, waiting_since=since)


def day(moment) -> datetime.date:
    return timezone.localtime(moment).date()


# --- due dates from the settings ------------------------------------------------------------

def test_due_dates_default_per_body():
    assert due_date(waiting("produkt", "in_ag_transfer", "ag_transfer"), {}) == datetime.date(2027, 4, 12)
    assert due_date(waiting("produkt", "im_plenum", "plenum"), {}) == datetime.date(2027, 4, 12)
    assert due_date(waiting("anerkennung", "beim_leitungskreis", "leitungskreis"), {}) == \
        datetime.date(2027, 3, 29)
    assert due_date(waiting("produkt", "beschlossen", "redaktion"), {}) == datetime.date(2027, 3, 8)


def test_no_due_date_for_a_groups_own_draft_or_a_finished_vorgang():
    assert due_date(waiting("produkt", "entwurf", "fachgruppe"), {}) is None
    assert due_date(waiting("produkt", "veroeffentlicht", ""), {}) is None


def test_due_at_the_next_sitzung_at_most_six_weeks():
    vorgang = waiting("produkt", "in_ag_transfer", "ag_transfer")
    before = BERLIN_NOON - datetime.timedelta(days=3)
    soon = BERLIN_NOON + datetime.timedelta(days=10)
    late = BERLIN_NOON + datetime.timedelta(days=60)
    assert due_date(vorgang, {"ag_transfer": [before, soon, late]}) == day(soon)
    assert due_date(vorgang, {"ag_transfer": [before, late]}) == datetime.date(2027, 4, 12)
    assert due_date(vorgang, {"plenum": [soon]}) == datetime.date(2027, 4, 12)  # another body's


def test_leitungskreis_is_not_bound_to_its_sitzungen():
    vorgang = waiting("anerkennung", "beim_leitungskreis", "leitungskreis")
    soon = BERLIN_NOON + datetime.timedelta(days=3)
    assert due_date(vorgang, {"leitungskreis": [soon]}) == datetime.date(2027, 3, 29)


def test_due_days_come_from_the_settings(settings):
    settings.OM_DUE_DAYS = {"ag_transfer": {"produkt": 10}, "fachgruppe": {"produkt": 30}}
    settings.OM_DUE_AT_NEXT_SITZUNG = ()
    soon = BERLIN_NOON + datetime.timedelta(days=3)
    assert due_date(waiting("produkt", "in_ag_transfer", "ag_transfer"),
                    {"ag_transfer": [soon]}) == datetime.date(2027, 3, 11)
    assert due_date(waiting("veranstaltung", "in_ag_transfer", "ag_transfer"), {}) is None
    assert due_date(waiting("produkt", "im_plenum", "plenum"), {}) is None
    assert due_date(waiting("produkt", "entwurf", "fachgruppe"), {}) == datetime.date(2027, 3, 31)


def test_due_text_says_overdue_in_words():
    today = datetime.date(2027, 5, 1)
    assert str(Due(datetime.date(2027, 4, 12), today)) == "überfällig seit 12.04.2027"
    assert str(Due(datetime.date(2027, 5, 1), today)) == "fällig heute"
    assert str(Due(datetime.date(2027, 5, 3), today)) == "fällig am 03.05.2027"
    assert str(Due(None, today)) == ""
    assert Due(datetime.date(2027, 4, 12), today).days_overdue == 19


@pytest.mark.django_db
def test_next_sitzungen_loads_the_bodies_sitzungen_in_one_query(demo_home):
    start = timezone.now() + datetime.timedelta(days=5)
    sitzung = Sitzung.objects.create(gremium="ag_transfer", starts_at=start)
    vorgang = waiting("produkt", "in_ag_transfer", "ag_transfer", since=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        starts = next_sitzungen([vorgang])
    assert len(queries) == 1
    assert sitzung.starts_at in starts["ag_transfer"]
    assert due_date(vorgang, starts) <= day(start)


# --- overdue marking in the panel and the list ----------------------------------------------

def overdue_vorgang(days: int = 60) -> Vorgang:
    vorgang = make_vorgang("produkt", "in_ag_transfer")
    Vorgang.objects.filter(pk=vorgang.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(days=days))
    return Vorgang.objects.get(pk=vorgang.pk)


@pytest.mark.django_db
def test_panel_and_list_mark_overdue_items_in_words(demo_home, client):
    vorgang = overdue_vorgang()
    [annotated] = annotate_due([vorgang])
    assert annotated.due.overdue
    expected = f"überfällig seit {annotated.due.date:%d.%m.%Y}"
    client.force_login(user("agtransfer"))
    panel = client.get("/admin/").content.decode()
    assert "Fällig" in panel and expected in panel
    listing = client.get("/admin/vorgaenge/").content.decode()
    assert "Fällig" in listing and expected in listing


@pytest.mark.django_db
def test_panel_and_list_queries_do_not_grow_with_the_vorgaenge(demo_home, client):
    client.force_login(user("agtransfer"))
    overdue_vorgang()

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in ("/admin/", "/admin/vorgaenge/")}
    for days in range(5):
        overdue_vorgang(50 + days)
    after = {url: count(url) for url in ("/admin/", "/admin/vorgaenge/")}
    assert after == before
