"""Calling off an invited Sitzung: every member gets an "Absage" whose .ics removes the entry
from the calendar (RFC 5546 METHOD:CANCEL, same UID, higher SEQUENCE), or nothing is deleted."""

from __future__ import annotations

from email.mime.base import MIMEBase

import pytest
from django.core import mail
from icalendar import Calendar
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from tests.workflow.conftest import user
from tests.workflow.test_sitzung_invitation import body_addresses, sitzung_of
from workflow.cancellation import LOG_ACTION
from workflow.choices import Gremium
from workflow.invitation import send_invitation
from workflow.models import Sitzung, Tagesordnungspunkt
from workflow.sitzung_ics import sitzung_uid


def delete_url(sitzung: Sitzung) -> str:
    return f"/admin/sitzungen/delete/{sitzung.pk}/"


def calendar_of(message) -> tuple[str, Calendar]:
    parts = [a for a in message.attachments if isinstance(a, MIMEBase)]
    assert len(parts) == 1 and parts[0].get_content_type() == "text/calendar"
    return parts[0].get_param("method"), Calendar.from_ical(parts[0].get_payload(decode=True))


def cancellations() -> ModelLogEntry:
    return ModelLogEntry.objects.filter(action=LOG_ACTION)


@pytest.fixture
def invited(demo_home):
    sitzung = send_invitation(sitzung_of(), user("agtransfer")).sitzung
    mail.outbox.clear()
    return sitzung


@pytest.mark.django_db
def test_deleting_an_invited_sitzung_cancels_it_in_every_calendar(invited, client):
    uid, sequence = sitzung_uid(invited), invited.invitation_sequence
    client.force_login(user("agtransfer"))
    confirm = client.get(delete_url(invited)).content.decode()
    assert "erhalten eine Absage" in confirm

    response = client.post(delete_url(invited))

    assert response.status_code == 302
    assert not Sitzung.objects.filter(pk=invited.pk).exists()
    assert not Tagesordnungspunkt.objects.filter(sitzung_id=invited.pk).exists()
    assert sorted(to for message in mail.outbox for to in message.to) == \
        sorted(body_addresses(Gremium.AG_TRANSFER))
    for message in mail.outbox:
        assert message.subject.startswith("[OM] Absage: Sitzung der AG Transfer am ")
        assert "findet nicht statt" in message.body
        assert "Geheimer Entwurf" not in message.body  # an Absage needs no agenda
        method, calendar = calendar_of(message)
        assert method == "CANCEL" and str(calendar["method"]) == "CANCEL"
        event = calendar.walk("VEVENT")[0]
        assert str(event["uid"]) == uid
        assert int(event["sequence"]) == sequence + 1  # newer than the invitation
        assert str(event["status"]) == "CANCELLED"
        assert str(event["attendee"]) == f"mailto:{message.to[0]}"
    entry = cancellations().get(object_id=str(invited.pk))
    assert entry.data["recipients"] == len(mail.outbox)
    assert "Absage versandt" in registry.get_formatter(entry).format_message(entry)


@pytest.mark.django_db
def test_a_sitzung_never_invited_is_deleted_without_mail(demo_home, client):
    sitzung = sitzung_of()
    client.force_login(user("agtransfer"))
    assert "Absage" not in client.get(delete_url(sitzung)).content.decode()
    assert client.post(delete_url(sitzung)).status_code == 302
    assert not Sitzung.objects.filter(pk=sitzung.pk).exists()
    assert mail.outbox == [] and not cancellations().exists()


@pytest.mark.django_db
def test_refused_mail_server_keeps_the_sitzung(invited, client, settings):
    settings.EMAIL_BACKEND = "tests.workflow.test_notifications.RefusingBackend"
    client.force_login(user("agtransfer"))
    response = client.post(delete_url(invited), follow=True)
    assert "Die Absage konnte nicht versandt werden" in response.content.decode()
    assert Sitzung.objects.filter(pk=invited.pk).exists()
    assert Tagesordnungspunkt.objects.filter(sitzung_id=invited.pk).count() == 2
    assert not cancellations().exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["plenum", "fg-digitalisierung", "redaktion"])
def test_only_who_runs_the_sitzung_calls_it_off(invited, client, username):
    client.force_login(user(username))
    client.post(delete_url(invited))
    assert Sitzung.objects.filter(pk=invited.pk).exists()
    assert mail.outbox == [] and not cancellations().exists()
