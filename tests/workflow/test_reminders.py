"""Deadlines and reminders (issue 16): due dates, overdue marking, ``om_notify`` sends once."""

from __future__ import annotations

import datetime
import email
import io
from email import policy

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from om_pages.models import JahresberichtPage
from tests.workflow.conftest import complete_decision, make_vorgang, user
from tests.workflow.mailserver import Crash
from workflow.deadlines import Due, annotate_due, due_date, next_sitzungen
from workflow.models import Benachrichtigung, Sitzung, Vorgang
from workflow.notifications import fachgruppe_emails
from workflow.reminders import due_mails, meetings_in_year
from workflow.services import perform_transition

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


# --- om_notify: reminders once and only once ------------------------------------------------

def notify(*args) -> str:
    out = io.StringIO()
    call_command("om_notify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def mails_about(vorgang) -> list:
    return [m for m in mail.outbox if f"/admin/vorgaenge/inspect/{vorgang.pk}/" in m.body]


def keys_of(vorgang) -> set[str]:
    return {key.rsplit(":", 1)[1] for key in
            Benachrichtigung.objects.filter(vorgang=vorgang).values_list("key", flat=True)}


@pytest.fixture
def plain_deadlines(settings):
    """Due after the days of the setting only (the demo's Sitzungen do not move the dates)."""
    settings.OM_DUE_AT_NEXT_SITZUNG = ()


@pytest.mark.django_db
def test_overdue_step_reminds_body_and_escalates_to_leitungskreis_once(demo_home, plain_deadlines):
    vorgang = overdue_vorgang(60)  # due after 42 days, escalated 14 days later
    output = notify()
    sent = mails_about(vorgang)
    assert keys_of(vorgang) == {"faellig", "eskalation"}
    assert len(sent) == 2
    faellig = next(m for m in sent if m.subject.startswith("[OM] Fällig"))
    eskalation = next(m for m in sent if m.subject.startswith("[OM] Überfällig"))
    assert faellig.to == ["agtransfer@example.org"] and "überfällig seit" in faellig.body
    assert "leitungskreis@example.org" in eskalation.to and "agtransfer@example.org" not in eskalation.to
    html, mimetype = faellig.alternatives[0]
    assert mimetype == "text/html" and "überfällig seit" in html
    assert f"{len(mail.outbox)} Erinnerungen versandt, 0 Fehler" in output

    mail.outbox.clear()
    assert notify().strip().endswith("0 Erinnerungen versandt, 0 Fehler")
    assert mail.outbox == []


@pytest.mark.django_db
def test_reminder_before_due_then_when_due(demo_home, plain_deadlines):
    vorgang = overdue_vorgang(40)  # due in two days
    notify()
    assert keys_of(vorgang) == {"vorher"}
    [before] = mails_about(vorgang)
    due = annotate_due([vorgang])[0].due
    assert before.subject.startswith("[OM] Erinnerung") and f"am {due.date:%d.%m.%Y} fällig" in before.body
    mail.outbox.clear()
    in_three_days = timezone.localdate() + datetime.timedelta(days=3)
    notify("--date", in_three_days.isoformat())
    assert keys_of(vorgang) == {"vorher", "faellig"}
    assert len(mails_about(vorgang)) == 1


@pytest.mark.django_db
def test_nothing_before_the_reminder_window(demo_home, plain_deadlines):
    vorgang = overdue_vorgang(10)
    notify()
    assert keys_of(vorgang) == set() and mails_about(vorgang) == []


def three_overdue() -> list[Vorgang]:
    return [overdue_vorgang(60 + days) for days in range(3)]


@pytest.mark.django_db
def test_a_refused_mail_is_counted_and_sent_by_the_next_run(demo_home, plain_deadlines, flaky):
    three_overdue()
    expected = {m.key for m in due_mails()}
    flaky.fail_after, flaky.error = 1, ConnectionRefusedError("Der Mailserver antwortet nicht.")
    output = notify()
    assert output.strip().endswith(f"{len(expected) - 1} Erinnerungen versandt, 1 Fehler")
    first = mail.outbox[0]
    mail.outbox.clear()
    assert notify().strip().endswith("1 Erinnerung versandt, 0 Fehler")
    [resent] = mail.outbox
    assert resent.subject != first.subject or resent.to != first.to
    assert set(Benachrichtigung.objects.values_list("key", flat=True)) == expected


@pytest.mark.django_db
def test_an_interrupted_run_loses_nothing_and_sends_nothing_twice(demo_home, plain_deadlines, flaky):
    three_overdue()
    flaky.fail_after, flaky.error = 1, Crash()
    with pytest.raises(Crash):
        notify()
    assert len(mail.outbox) == 1 and Benachrichtigung.objects.count() == 1
    first = mail.outbox[0]
    recorded = Benachrichtigung.objects.get()
    assert recorded.subject == first.subject
    output = notify()
    sent_again = [(m.subject, tuple(m.to)) for m in mail.outbox[1:]]
    assert (first.subject, tuple(first.to)) not in sent_again
    assert len(sent_again) == Benachrichtigung.objects.count() - 1 >= 5
    assert output.strip().endswith(f"{len(sent_again)} Erinnerungen versandt, 0 Fehler")
    assert notify().strip().endswith("0 Erinnerungen versandt, 0 Fehler")


@pytest.mark.django_db
def test_a_new_step_is_reminded_afresh(demo_home, plain_deadlines):
    vorgang = overdue_vorgang(60)
    notify()
    perform_transition(vorgang, "ag_zustimmen", user("agtransfer"),
                       **complete_decision(vorgang, "ag_zustimmen"))
    Vorgang.objects.filter(pk=vorgang.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(days=60))
    mail.outbox.clear()
    notify()
    assert {m.to[0] for m in mails_about(vorgang)} >= {"plenum@example.org"}
    assert len(Benachrichtigung.objects.filter(vorgang=vorgang)) == 4


def test_benachrichtigung_is_append_only():
    with pytest.raises(Exception, match="nicht geändert"):
        Benachrichtigung.objects.update(subject="x")
    with pytest.raises(Exception, match="nicht gelöscht"):
        Benachrichtigung.objects.all().delete()


@pytest.mark.django_db
def test_the_unique_key_refuses_a_second_record(demo_home):
    Benachrichtigung.objects.create(key="erinnerung:1:2:faellig", kind="faellig", recipients="a@b",
                                    subject="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Benachrichtigung.objects.create(key="erinnerung:1:2:faellig", kind="faellig", recipients="a@b",
                                        subject="y")


# --- a group's duties (R12, R24) --------------------------------------------------------------

def duty_keys() -> set[str]:
    return set(Benachrichtigung.objects.filter(key__startswith="pflicht:").values_list("key", flat=True))


@pytest.mark.django_db
def test_group_duties_from_november_once_per_group_and_year(demo_home):
    groups = [g for g in Vorgang.objects.recognised_fachgruppen() if fachgruppe_emails(g)]
    assert groups, "the demo has recognised groups with contacts"
    notify("--date", "2031-10-31")
    assert duty_keys() == set()
    notify("--date", "2031-11-01")
    expected = {f"pflicht:{duty}:{g.pk}:2031" for g in groups for duty in ("jahresbericht", "sitzungen")}
    assert duty_keys() == expected
    group = groups[0]
    to_group = [m for m in mail.outbox if m.to == sorted(fachgruppe_emails(group))
                and group.title in m.subject]
    report = next(m for m in to_group if "Jahresbericht 2031" in m.subject)
    meeting = next(m for m in to_group if "Sitzungen 2031" in m.subject)
    assert "R12" in report.body
    assert "R24" in meeting.body and "0 Sitzung(en)" in meeting.body
    assert "/admin/sitzungen/new/" in meeting.body
    assert 'href="http://127.0.0.1:8000/admin/sitzungen/new/"' in meeting.alternatives[0][0]

    mail.outbox.clear()
    notify("--date", "2031-12-15")
    assert duty_keys() == expected
    assert not [m for m in mail.outbox if m.subject.startswith("[OM] Jahresbericht")
                or m.subject.startswith("[OM] Sitzungen")]
    notify("--date", "2032-11-03")  # a new year, new duties
    assert {f"pflicht:jahresbericht:{group.pk}:2032", f"pflicht:sitzungen:{group.pk}:2032"} <= duty_keys()


@pytest.mark.django_db
def test_a_group_that_reported_and_meets_twice_is_not_reminded(demo_home):
    group = next(g for g in Vorgang.objects.recognised_fachgruppen() if fachgruppe_emails(g))
    year = timezone.localdate().year + 1  # the latest year a Jahresbericht may name
    report = group.add_child(instance=JahresberichtPage(
        title=f"Jahresbericht {year}", slug=f"jahresbericht-{year}-test", year=year, body="<p>Bericht</p>"))
    report.save_revision().publish()
    assert meetings_in_year([group], year).get(group.pk, 0) == 0
    Sitzung.objects.create(gremium="fachgruppe", fachgruppe=group,
                           starts_at=datetime.datetime(year, 3, 2, 10, tzinfo=datetime.UTC))
    notify("--date", f"{year}-11-02")
    assert f"pflicht:jahresbericht:{group.pk}:{year}" not in duty_keys()  # R12 done
    assert f"pflicht:sitzungen:{group.pk}:{year}" in duty_keys()  # one is not enough (R24)
    for month in (3, 12):  # planned Sitzungen count as well as held ones
        Sitzung.objects.create(gremium="fachgruppe", fachgruppe=group,
                               starts_at=datetime.datetime(year + 1, month, 2, 10, tzinfo=datetime.UTC))
    notify("--date", f"{year + 1}-11-02")
    assert f"pflicht:sitzungen:{group.pk}:{year + 1}" not in duty_keys()
    assert f"pflicht:jahresbericht:{group.pk}:{year + 1}" in duty_keys()


# --- real mail: Django's SMTP backend to a local SMTP server --------------------------------

@pytest.mark.django_db
def test_smtp_round_trip(demo_home, plain_deadlines, smtp_server):
    vorgang = overdue_vorgang(60)
    output = notify()
    sent = Benachrichtigung.objects.get(key__endswith=":faellig", vorgang=vorgang)
    assert f"{Benachrichtigung.objects.count()} Erinnerungen versandt, 0 Fehler" in output
    assert len(smtp_server.messages) == Benachrichtigung.objects.count()
    raw = next(data for _, rcpt, data in smtp_server.messages
               if rcpt == ["agtransfer@example.org"] and f"/inspect/{vorgang.pk}/".encode() in
               b"".join(part.get_payload(decode=True) or b"" for part in
                        email.message_from_bytes(data, policy=policy.default).walk()))
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()  # umlauts in headers travel RFC 2047 encoded
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["From"] == "om-records <noreply@om.example.org>"
    assert message["To"] == "agtransfer@example.org"
    # str.strip: a folded first line decodes with its leading blank (Python's email parser)
    assert message["Subject"].strip() == sent.subject and "Fällig" in message["Subject"]
    assert b"=?utf-8?" in headers.lower()
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    text = plain.get_content()
    assert "Guten Tag," in text and "überfällig seit" in text and "Gefährdungsbeurteilung" in text
    assert f"http://127.0.0.1:8000/admin/vorgaenge/inspect/{vorgang.pk}/" in text
    markup = html.get_content()
    assert '<html lang="de">' in markup and "überfällig seit" in markup
    assert f'<a href="http://127.0.0.1:8000/admin/vorgaenge/inspect/{vorgang.pk}/">Zum Vorgang</a>' in markup
