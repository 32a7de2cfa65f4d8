"""The invitation to a Sitzung: mail to the body's members with the agenda and an .ics
(RFC 5545, Europe/Berlin), updates after a change, refusals, the record, the public feed (R19, R24)."""

from __future__ import annotations

import datetime
from email.mime.base import MIMEBase
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.log_actions import registry

from om_pages.models import FachgruppePage
from tests.workflow.conftest import make_vorgang, user
from workflow.choices import Gremium
from workflow.invitation import (
    LOG_ACTION,
    agenda_changed,
    invitations,
    recipients,
    send_invitation,
    send_update_if_changed,
    snapshot,
)
from workflow.models import Sitzung, SitzungState, Tagesordnungspunkt, TopKind
from workflow.permissions import BODY_GROUP_NAMES
from workflow.vorgang import FachgruppeZugang

BERLIN = ZoneInfo("Europe/Berlin")
SECRET_TITLE = "Geheimer Entwurf zur Vorlage"


def berlin(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def future(days: int = 30, hour: int = 10) -> datetime.datetime:
    day = timezone.localtime() + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def sitzung_of(gremium: str = Gremium.AG_TRANSFER, starts_at=None, **fields) -> Sitzung:
    sitzung = Sitzung.objects.create(gremium=gremium, starts_at=starts_at or future(),
                                     location="Haus der Wirtschaft, Raum 3", **fields)
    vorgang = make_vorgang("produkt", "in_ag_transfer")
    Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=0, kind=TopKind.VORGANG,
                                      vorgang=vorgang, title=SECRET_TITLE)
    Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=1, kind=TopKind.VERSCHIEDENES,
                                      title="Verschiedenes")
    return sitzung


def member(username: str, gremium: str, email: str | None = None):
    """A plain member of the body (not its Schriftführung)."""
    account = get_user_model().objects.create_user(username, email or f"{username}@example.org",
                                                   "pw-member-2026")
    account.groups.add(Group.objects.get(name=BODY_GROUP_NAMES[gremium]))
    return account


def body_addresses(gremium: str) -> set[str]:
    return set(get_user_model().objects.filter(groups__name=BODY_GROUP_NAMES[gremium], is_active=True)
               .exclude(email="").values_list("email", flat=True))


def ics_of(message) -> Calendar:
    parts = [a for a in message.attachments if isinstance(a, MIMEBase)]
    assert len(parts) == 1
    part = parts[0]
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    return Calendar.from_ical(part.get_payload(decode=True))


def event_of(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def invite(client, sitzung, username: str = "agtransfer", **extra):
    client.force_login(user(username))
    return client.post(reverse("workflow_sitzung_invite", args=(sitzung.pk,)), extra)


# --- the mail ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_invitation_mails_each_body_member_and_no_one_else(demo_home, client):
    extra = member("ag-mitglied", Gremium.AG_TRANSFER)
    member("nur-plenum", Gremium.PLENUM)
    sitzung = sitzung_of()
    response = invite(client, sitzung)
    assert response.status_code == 302
    expected = body_addresses(Gremium.AG_TRANSFER)
    assert extra.email in expected and "nur-plenum@example.org" not in expected
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(expected)
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)  # privacy
    message = mail.outbox[0]
    local = timezone.localtime(sitzung.starts_at)
    assert message.subject == (f"[OM] Einladung: Sitzung der AG Transfer am "
                               f"{local:%d.%m.%Y, %H:%M} Uhr")
    top = sitzung.agenda()[0]
    link = settings.WAGTAILADMIN_BASE_URL + reverse("workflow_review", args=(top.vorgang_id,))
    assert f"TOP 1: {SECRET_TITLE}" in message.body and link in message.body
    assert "Haus der Wirtschaft, Raum 3" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html


@pytest.mark.django_db
def test_fachgruppe_sitzung_invites_the_groups_members(demo_home):
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    sitzung = Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, fachgruppe=fachgruppe,
                                     starts_at=future())
    group_member = member("fg-mitglied", Gremium.PLENUM)
    group_member.groups.set([FachgruppeZugang.objects.get(fachgruppe=fachgruppe).group])
    to = set(recipients(sitzung))
    assert {"fg-mitglied@example.org", "a.keller@example.org", "t.brandt@example.org"} <= to
    assert "agtransfer@example.org" not in to and "plenum@example.org" not in to


# --- the calendar entry ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("start", [berlin(2027, 1, 12, 10, 0), berlin(2027, 7, 6, 9, 30),
                                   berlin(2027, 3, 28, 10, 0)],  # winter, summer, DST day
                         ids=["winter", "summer", "dst-day"])
def test_ics_parses_back_in_berlin_time(demo_home, start):
    sitzung = sitzung_of(starts_at=start)
    send_invitation(sitzung, user("agtransfer"))
    calendar = ics_of(mail.outbox[0])
    assert str(calendar["METHOD"]) == "REQUEST"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    event = event_of(calendar)
    dtstart = event.decoded("DTSTART")
    assert str(dtstart.tzinfo) == "Europe/Berlin"
    assert (dtstart.hour, dtstart.minute) == (start.hour, start.minute) and dtstart == start
    assert event.decoded("DTEND") == start + datetime.timedelta(hours=2)  # default length
    assert str(event["UID"]) == f"{sitzung.uid}@127.0.0.1"
    assert event.decoded("SEQUENCE") == 1
    assert str(event["LOCATION"]) == "Haus der Wirtschaft, Raum 3"
    assert f"TOP 1: {SECRET_TITLE}" in str(event["DESCRIPTION"])
    assert "ORGANIZER" in event and "ATTENDEE" in event


@pytest.mark.django_db
def test_update_keeps_uid_and_raises_sequence(demo_home, client):
    sitzung = sitzung_of(ends_at=None)
    invite(client, sitzung)
    first = event_of(ics_of(mail.outbox[0]))
    mail.outbox.clear()
    response = invite(client, sitzung)  # again from the admin: an update
    assert response.status_code == 302
    message = mail.outbox[0]
    assert message.subject.startswith("[OM] Aktualisierte Einladung: Sitzung der AG Transfer")
    second = event_of(ics_of(message))
    assert str(second["UID"]) == str(first["UID"])
    assert (first.decoded("SEQUENCE"), second.decoded("SEQUENCE")) == (1, 2)


# --- updates after a change --------------------------------------------------------------------


def save_in_transaction(capture, sitzung: Sitzung, **changes) -> None:
    with capture(execute=True):
        for name, value in changes.items():
            setattr(sitzung, name, value)
        sitzung.save()


@pytest.mark.django_db
def test_change_of_time_after_invitation_sends_exactly_one_update(
        demo_home, django_capture_on_commit_callbacks):
    sitzung = send_invitation(sitzung_of(), user("agtransfer")).sitzung
    count = len(recipients(sitzung))
    mail.outbox.clear()
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    save_in_transaction(django_capture_on_commit_callbacks, sitzung,
                        starts_at=sitzung.starts_at + datetime.timedelta(hours=1))
    assert len(mail.outbox) == count  # one update per member, once
    assert all(m.subject.startswith("[OM] Aktualisierte Einladung") for m in mail.outbox)
    assert "Beginn" in mail.outbox[0].body
    assert event_of(ics_of(mail.outbox[0])).decoded("SEQUENCE") == 2
    mail.outbox.clear()
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    save_in_transaction(django_capture_on_commit_callbacks, sitzung)  # the same again
    assert mail.outbox == []
    assert Sitzung.objects.get(pk=sitzung.pk).invitation_sequence == 2


@pytest.mark.django_db
def test_unrelated_save_sends_no_update(demo_home, django_capture_on_commit_callbacks):
    sitzung = send_invitation(sitzung_of(), user("agtransfer")).sitzung
    mail.outbox.clear()
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    save_in_transaction(django_capture_on_commit_callbacks, sitzung,
                        attendees="Arne Transfer", public_agenda_titles=True)
    assert mail.outbox == []
    assert Sitzung.objects.get(pk=sitzung.pk).invitation_sequence == 1


@pytest.mark.django_db
def test_agenda_change_saved_after_the_sitzung_sends_an_update(
        demo_home, django_capture_on_commit_callbacks):
    """The admin saves the TOPs after the Sitzung: the comparison waits for the commit."""
    sitzung = send_invitation(sitzung_of(), user("agtransfer")).sitzung
    mail.outbox.clear()
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    with django_capture_on_commit_callbacks(execute=True):
        sitzung.save()
        Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=2, kind=TopKind.FREI,
                                          title="Neuer Punkt")
        assert agenda_changed(sitzung)
    assert mail.outbox and "Tagesordnung" in mail.outbox[0].body
    assert "TOP 3: Neuer Punkt" in mail.outbox[0].body
    assert not agenda_changed(Sitzung.objects.get(pk=sitzung.pk))


@pytest.mark.django_db
def test_no_update_for_a_planned_or_held_sitzung(demo_home, django_capture_on_commit_callbacks):
    planned = sitzung_of()
    save_in_transaction(django_capture_on_commit_callbacks, planned,
                        starts_at=planned.starts_at + datetime.timedelta(hours=1))
    assert mail.outbox == []  # never invited: nothing to update
    invited = send_invitation(sitzung_of(), user("agtransfer")).sitzung
    before = snapshot(invited)
    mail.outbox.clear()
    Sitzung.objects.filter(pk=invited.pk).update(state=SitzungState.GEHALTEN,
                                                 location="Anderswo")
    held = Sitzung.objects.get(pk=invited.pk)
    assert send_update_if_changed(held, before) is None
    assert mail.outbox == []


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["plenum", "redaktion", "leitungskreis", "fg-gefaehrdung",
                                      "ag-mitglied"])
def test_only_the_schriftfuehrung_invites(demo_home, client, username):
    """403 for another body's Schriftführung, the Redaktion, a Fachgruppe editor and a plain
    member of the AG Transfer itself; nothing is sent or recorded."""
    if username == "ag-mitglied":
        member(username, Gremium.AG_TRANSFER)
    sitzung = sitzung_of()
    url = reverse("workflow_sitzung_invite", args=(sitzung.pk,))
    client.force_login(user(username))
    assert client.get(url).status_code == 403
    response = client.post(url)
    assert response.status_code == 403
    assert SECRET_TITLE not in response.content.decode()  # no agenda for the refused
    assert mail.outbox == []
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert (sitzung.state, sitzung.invitation_sequence) == (SitzungState.GEPLANT, 0)
    assert not invitations(sitzung).exists()


@pytest.mark.django_db
def test_fachgruppe_members_invite_to_their_own_sitzung(demo_home, client):
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    own = Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, fachgruppe=fachgruppe,
                                 starts_at=future())
    assert invite(client, own, "fg-gefaehrdung").status_code == 302
    assert mail.outbox
    other = Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, starts_at=future(),
                                   fachgruppe=FachgruppePage.objects.get(slug="digitalisierung"))
    assert invite(client, other, "fg-gefaehrdung").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("state", [SitzungState.GEHALTEN, SitzungState.ABGESCHLOSSEN])
def test_held_or_closed_sitzung_is_refused(demo_home, client, state):
    sitzung = sitzung_of()
    Sitzung.objects.filter(pk=sitzung.pk).update(state=state)
    response = invite(client, Sitzung.objects.get(pk=sitzung.pk))
    assert response.status_code == 409
    assert "eingeladen wird nur zu geplanten Sitzungen" in response.content.decode()
    assert mail.outbox == []
    assert Sitzung.objects.get(pk=sitzung.pk).invitation_sequence == 0


@pytest.mark.django_db
def test_past_sitzung_is_refused(demo_home, client):
    sitzung = sitzung_of(starts_at=timezone.now() - datetime.timedelta(hours=1))
    response = invite(client, sitzung)
    assert response.status_code == 409
    assert "liegt in der Vergangenheit" in response.content.decode()
    assert mail.outbox == []
    assert Sitzung.objects.get(pk=sitzung.pk).state == SitzungState.GEPLANT


# --- the confirmation page and the record ------------------------------------------------------


@pytest.mark.django_db
def test_confirmation_page_lists_recipients_and_agenda(demo_home, client):
    sitzung = sitzung_of()
    client.force_login(user("agtransfer"))
    response = client.get(reverse("workflow_sitzung_invite", args=(sitzung.pk,)),
                          HTTP_REFERER="http://testserver/admin/sitzungen/edit/1/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "agtransfer@example.org" in content and "TOP 1: " in content and SECRET_TITLE in content
    assert 'name="next" value="http://testserver/admin/sitzungen/edit/1/"' in content
    assert mail.outbox == []  # GET sends nothing


@pytest.mark.django_db
def test_post_returns_to_the_referring_page_or_the_listing(demo_home, client):
    sitzung = sitzung_of()
    assert invite(client, sitzung, next="/admin/pages/").url == "/admin/pages/"
    assert invite(client, sitzung, next="https://evil.example.com/").url == "/admin/sitzungen/"


@pytest.mark.django_db
def test_invitation_is_recorded_on_the_sitzung(demo_home, client):
    sitzung = sitzung_of()
    invite(client, sitzung)
    invite(client, sitzung)
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert sitzung.state == SitzungState.EINGELADEN and sitzung.invited_at is not None
    entries = list(invitations(sitzung))
    assert [e.data["sequence"] for e in entries] == [2, 1]
    assert [e.data["is_update"] for e in entries] == [True, False]
    assert all(e.action == LOG_ACTION and e.user.username == "agtransfer" for e in entries)
    assert entries[0].data["recipients"] == len(recipients(sitzung))
    assert entries[0].data["snapshot"]["agenda"] == [SECRET_TITLE, "Verschiedenes"]
    # Wagtail's history shows it in German
    assert "Fassung 2" in registry.get_formatter(entries[0]).format_message(entries[0])


@pytest.mark.django_db
def test_refused_mail_server_records_nothing(demo_home, client, settings):  # noqa: F811
    settings.EMAIL_BACKEND = "tests.workflow.test_notifications.RefusingBackend"
    sitzung = sitzung_of()
    response = invite(client, sitzung)
    assert response.status_code == 503
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert (sitzung.state, sitzung.invitation_sequence) == (SitzungState.GEPLANT, 0)
    assert not invitations(sitzung).exists()


# --- the public calendar (R19) -----------------------------------------------------------------


def feed_events(client, url: str = "/feeds/veranstaltungen.ics") -> list:
    response = client.get(url)
    assert response.status_code == 200
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.mark.django_db
def test_public_feed_lists_upcoming_sitzung_without_agenda(demo_home, client):
    sitzung = sitzung_of(online_url="https://konferenz.example.org/geheim", meeting_kind="hybrid")
    client.logout()
    response = client.get("/feeds/veranstaltungen.ics")
    body = response.content.decode()
    events = [e for e in Calendar.from_ical(response.content).walk("VEVENT")
              if str(e["UID"]) == f"{sitzung.uid}@127.0.0.1"]
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Sitzung der AG Transfer"
    assert event.decoded("DTSTART") == timezone.localtime(sitzung.starts_at)
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    assert str(event["LOCATION"]) == "Haus der Wirtschaft, Raum 3"
    assert SECRET_TITLE not in body and "TOP" not in body  # R19: no agenda
    assert "konferenz.example.org/geheim" not in body  # the link is for the members
    public_page = str(event["URL"])  # the Sitzung's public page, which anyone may open
    assert public_page.endswith(f"/sitzungen/{sitzung.uid}/")
    assert client.get(public_page.removeprefix("http://testserver")).status_code == 200


@pytest.mark.django_db
def test_public_feed_omits_held_and_past_sitzungen(demo_home, client):
    held = sitzung_of()
    Sitzung.objects.filter(pk=held.pk).update(state=SitzungState.GEHALTEN)
    past = sitzung_of(starts_at=timezone.now() - datetime.timedelta(days=2))
    uids = {str(e["UID"]) for e in feed_events(client)}
    assert f"{held.uid}@127.0.0.1" not in uids and f"{past.uid}@127.0.0.1" not in uids


@pytest.mark.django_db
def test_group_feed_lists_only_that_groups_sitzungen(demo_home, client):
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    own = Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, fachgruppe=fachgruppe,
                                 starts_at=future(), meeting_kind="video",
                                 online_url="https://konferenz.example.org/fg")
    body = sitzung_of()
    uids = {str(e["UID"]): e for e in
            feed_events(client, f"/feeds/fachgruppen/{fachgruppe.slug}/veranstaltungen.ics")}
    assert f"{own.uid}@127.0.0.1" in uids and f"{body.uid}@127.0.0.1" not in uids
    assert str(uids[f"{own.uid}@127.0.0.1"]["LOCATION"]) == "Videokonferenz"
    site_wide = {str(e["UID"]) for e in feed_events(client)}
    assert f"{own.uid}@127.0.0.1" in site_wide


@pytest.mark.django_db
def test_restricted_fachgruppe_sitzung_stays_out_of_the_feed(demo_home, client):
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    own = Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, fachgruppe=fachgruppe,
                                 starts_at=future())
    fachgruppe.unpublish()
    assert f"{own.uid}@127.0.0.1" not in {str(e["UID"]) for e in feed_events(client)}


@pytest.mark.django_db
def test_feed_queries_do_not_grow_with_sitzungen(demo_home, client, django_assert_max_num_queries):
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    for days in range(3):
        sitzung_of(starts_at=future(days + 10))
        Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, fachgruppe=fachgruppe,
                               starts_at=future(days + 10))
    client.get("/feeds/veranstaltungen.ics")  # warm per-process caches
    with CaptureQueriesContext(connection) as before:
        client.get("/feeds/veranstaltungen.ics")
    for days in range(20):
        sitzung_of(starts_at=future(days + 40))
        Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, fachgruppe=fachgruppe,
                               starts_at=future(days + 40))
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert len(feed_events(client)) >= 46
