"""Every Protokoll belongs to a Sitzung; publishing it closes the Sitzung (issue 13; R19, R24).

Covers the receivers of ``workflow.protokoll_sitzung`` and the data migration that gave the
Protokolle existing before the Sitzungen theirs (``workflow/migrations/0006``).
"""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from om_pages.models import AgendaItem, FachgruppePage, GremiumPage, ProtokollPage
from tests.workflow.conftest import complete_decision, make_vorgang, user
from workflow.models import Eintrag, Sitzung, SitzungState, Tagesordnungspunkt
from workflow.services import TransitionError, perform_transition

pytestmark = pytest.mark.django_db

MIGRATION = ("workflow", "0006_sitzungen_from_protokolle")
migration = importlib.import_module(f"workflow.migrations.{MIGRATION[1]}")


def historical_apps():
    """The models as the migration sees them (plain managers, as in a real migrate run)."""
    return MigrationLoader(connection).project_state(MIGRATION).apps


def add_protokoll(parent, slug: str, date: datetime.date, *, publish: bool) -> ProtokollPage:
    protokoll = ProtokollPage(title=f"Protokoll {slug}", slug=slug, date=date, location="Mainz",
                              attendees="Anna Beispiel\nBernd Muster", live=False)
    protokoll.agenda_items = [AgendaItem(title="Begrüßung", sort_order=0),
                              AgendaItem(title="Bericht der Koordination", sort_order=1)]
    parent.add_child(instance=protokoll)
    revision = protokoll.save_revision()
    if publish:
        revision.publish()
    return ProtokollPage.objects.get(pk=protokoll.pk)


def test_a_new_protokoll_of_a_group_gets_its_held_sitzung(demo_home):
    group = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    protokoll = add_protokoll(group, "fg-2026-11", datetime.date(2026, 11, 2), publish=False)
    sitzung = Sitzung.objects.get(protokoll=protokoll)
    assert (sitzung.gremium, sitzung.fachgruppe_id) == ("fachgruppe", group.pk)
    assert sitzung.state == SitzungState.GEHALTEN
    assert timezone.localtime(sitzung.starts_at).date() == datetime.date(2026, 11, 2)
    assert sitzung.attendees == "Anna Beispiel\nBernd Muster" and sitzung.location == "Mainz"


def test_publishing_the_protokoll_closes_its_sitzung(demo_home):
    body = GremiumPage.objects.get(kind="plenum")
    protokoll = add_protokoll(body, "plenum-2026-10", datetime.date(2026, 10, 5), publish=True)
    sitzung = Sitzung.objects.get(protokoll=protokoll)
    assert (sitzung.gremium, sitzung.state) == ("plenum", SitzungState.ABGESCHLOSSEN)
    # a closed Sitzung takes no more decisions (R10, R11)
    vorgang = make_vorgang("produkt", "im_plenum")
    top = Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=9, vorgang=vorgang,
                                            kind="vorgang", title="Nachträglich")
    data = {**complete_decision(vorgang, "plenum_beschliessen"), "top": top}
    with pytest.raises(TransitionError, match="abgeschlossen"):
        perform_transition(vorgang, "plenum_beschliessen", user("plenum"), **data)


def test_a_protokoll_dated_in_the_future_belongs_to_a_planned_sitzung(demo_home):
    body = GremiumPage.objects.get(kind="ag_transfer")
    protokoll = add_protokoll(body, "ag-2099", datetime.date(2099, 1, 1), publish=True)
    sitzung = Sitzung.objects.get(protokoll=protokoll)
    assert sitzung.state == SitzungState.GEPLANT  # not held, so no decision can cite it


def test_the_migration_gives_each_older_protokoll_its_sitzung(demo_home):
    """0006 on Protokolle without a Sitzung: state from live, TOPs from the agenda items."""
    group = FachgruppePage.objects.get(slug="digitalisierung")
    live = add_protokoll(group, "alt-live", datetime.date(2024, 3, 12), publish=True)
    draft = add_protokoll(GremiumPage.objects.get(kind="leitungskreis"), "alt-entwurf",
                          datetime.date(2024, 5, 2), publish=False)
    Sitzung.objects.filter(protokoll__in=[live, draft]).delete()  # as before the Sitzungen
    cited = Eintrag.objects.create(vorgang=make_vorgang("produkt", "im_plenum"),
                                   transition="plenum_beschliessen", label="Beschließen",
                                   source="im_plenum", target="beschlossen", protokoll=live)

    migration.sitzungen_from_protokolle(historical_apps(), None)

    closed = Sitzung.objects.get(protokoll=live)
    assert (closed.gremium, closed.fachgruppe_id, closed.state) == ("fachgruppe", group.pk,
                                                                     "abgeschlossen")
    assert [t.title for t in closed.agenda()] == ["Begrüßung", "Bericht der Koordination"]
    assert Eintrag.objects.get(pk=cited.pk).sitzung_id == closed.pk  # the decision names it
    held = Sitzung.objects.get(protokoll=draft)
    assert (held.gremium, held.state) == ("leitungskreis", "gehalten")
    starts = timezone.localtime(held.starts_at)
    assert (starts.date(), starts.hour) == (datetime.date(2024, 5, 2), 10)
    # run twice: nothing doubled
    migration.sitzungen_from_protokolle(historical_apps(), None)
    assert Sitzung.objects.filter(protokoll__in=[live, draft]).count() == 2
