"""Subscriptions by e-mail (issue 16, R14, R19): double opt-in, unsubscribe, partners' default,
digests of exactly the new public items, daily and weekly, each sent once."""

from __future__ import annotations

import datetime
import email
import io
import re
from email import policy

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from om_pages.models import FachgruppePage, GremiumPage, Person, ProduktKind, ProduktPage, ProtokollPage
from tests.approval import publish_decided
from tests.workflow.conftest import user
from tests.workflow.mailserver import Crash
from workflow.digests import MAX_ERRORS_IN_A_ROW, due_digests, send_digests
from workflow.models import Benachrichtigung, Vorgang
from workflow.subscriptions import (
    Abonnement,
    Art,
    Herkunft,
    partner_addresses,
    remove_expired,
    sync_partners,
)

# --- helpers --------------------------------------------------------------------------------------

def publish_protokoll(parent, title: str, body: str = "", publish: bool = True,
                      published_at: datetime.datetime | None = None) -> ProtokollPage:
    """A Protokoll below ``parent``; published (optionally as if at ``published_at``) or a draft."""
    page = ProtokollPage(title=title, slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
                         + f"-{ProtokollPage.objects.count()}", date=datetime.date(2026, 11, 20),
                         body=f"<p>{body}</p>", live=False)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        if published_at is not None:
            ProtokollPage.objects.filter(pk=page.pk).update(first_published_at=published_at)
    return ProtokollPage.objects.get(pk=page.pk)


def groups() -> tuple[FachgruppePage, FachgruppePage]:
    first, second = FachgruppePage.objects.live().order_by("pk")[:2]
    return first, second


def subscription(kind: str, email: str = "leserin@example.org", frequency: str = "taeglich",
                 since: datetime.datetime | None = None, **fields) -> Abonnement:
    """An active subscription whose last digest was at ``since`` (default: now)."""
    since = since or timezone.now()
    return Abonnement.objects.create(email=email, kind=kind, frequency=frequency, confirmed_at=since,
                                     last_digest_at=since, **fields)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def run(today: datetime.date, until: datetime.datetime | None = None) -> list:
    """One digest run as ``om_notify`` does it; the mails sent."""
    until = until or timezone.now()
    before = len(mail.outbox)
    send_digests(due_digests(today, until), get_connection(), until)
    return mail.outbox[before:]


def to(address: str, messages=None) -> list:
    return [m for m in (mail.outbox if messages is None else messages) if m.to == [address]]


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def notify(*args) -> str:
    out = io.StringIO()
    call_command("om_notify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def whoosh(settings, tmp_path):
    """A fresh search index: only what the test publishes is in it."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(tmp_path / "whoosh"),
                    "LOCK_TIMEOUT": 30}}


# --- double opt-in --------------------------------------------------------------------------------

def confirm_link(message) -> str:
    return re.search(r"http://[^\s]+/abo/bestaetigen/[^\s/]+/", message.body).group(0)


@pytest.mark.django_db
def test_double_opt_in_inactive_until_the_link_is_opened(demo_home, client):
    group, _ = groups()
    response = client.post("/abo/", {"email": "neu@example.org", "kind": "fachgruppe",
                                     "fachgruppe": group.pk, "frequency": "taeglich"})
    assert response.status_code == 302 and response["Location"] == "/abo/angefordert/"
    [confirmation] = mail.outbox
    assert confirmation.to == ["neu@example.org"] and "bestätigen" in confirmation.subject
    abo = Abonnement.objects.get(email="neu@example.org")
    assert not abo.is_active and abo.fachgruppe_id == group.pk
    publish_protokoll(group, "Sitzung vor der Bestätigung")
    assert not to("neu@example.org", run(tomorrow()))  # pending: no digest

    path = confirm_link(confirmation).replace("http://127.0.0.1:8000", "")
    asked = client.get(path)  # a link scanner opening the link confirms nothing
    assert asked.status_code == 200 and "Abonnement bestätigen" in asked.content.decode()
    assert not Abonnement.objects.get(pk=abo.pk).is_active
    page = client.post(path)
    assert page.status_code == 200 and "Abonnement bestätigt" in page.content.decode()
    abo = Abonnement.objects.get(pk=abo.pk)
    assert abo.is_active and abo.last_digest_at == abo.confirmed_at
    publish_protokoll(group, "Sitzung nach der Bestätigung")
    [digest] = to("neu@example.org", run(tomorrow()))
    assert "Sitzung nach der Bestätigung" in digest.body
    assert "Sitzung vor der Bestätigung" not in digest.body  # new since the confirmation only


@pytest.mark.django_db
def test_forged_or_expired_confirmation_links_do_nothing(demo_home, client, settings):
    client.post("/abo/", {"email": "neu@example.org", "kind": "beschluesse", "frequency": "taeglich"})
    path = confirm_link(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    settings.OM_ABO_CONFIRM_DAYS = 0  # every link is expired
    response = client.post(path)
    assert response.status_code == 404 and "abgelaufen" in response.content.decode()
    assert not Abonnement.objects.get(email="neu@example.org").is_active
    assert remove_expired(timezone.now() + datetime.timedelta(seconds=1)) == 1
    assert not Abonnement.objects.filter(email="neu@example.org").exists()


@pytest.mark.django_db
def test_same_answer_for_every_address_and_no_second_mail_soon(demo_home, client):
    subscription(Art.BESCHLUESSE, email="bekannt@example.org")
    answers = []
    for address in ("bekannt@example.org", "unbekannt@example.org", "unbekannt@example.org"):
        response = client.post("/abo/", {"email": address, "kind": "beschluesse", "frequency": "taeglich"},
                               follow=True)
        answers.append(response.content.decode())
    assert answers[0] == answers[1] == answers[2]
    # one mail only: none to the active subscriber, none twice within minutes (rate limit)
    assert [m.to for m in mail.outbox] == [["unbekannt@example.org"]]
    assert Abonnement.objects.filter(email="unbekannt@example.org").count() == 1


@pytest.mark.django_db
def test_bad_input_is_explained_in_german_and_kept(demo_home, client):
    response = client.post("/abo/", {"email": "kein-at", "kind": "suche", "q": "",
                                     "jahr": "2025", "frequency": "taeglich"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in text
    assert "Bitte geben Sie einen Suchbegriff ein." in text
    assert 'value="kein-at"' in text and 'name="jahr" value="2025"' in text
    response = client.post("/abo/", {"email": "a@example.org", "kind": "fachgruppe", "frequency": "taeglich"})
    assert "Bitte wählen Sie eine Fachgruppe." in response.content.decode()
    assert not Abonnement.objects.filter(email="a@example.org").exists()
    assert mail.outbox == []


# --- unsubscribe ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_unsubscribe_get_asks_post_unsubscribes_without_csrf(demo_home):
    abo = subscription(Art.BESCHLUESSE)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/abo/abmelden/{abo.token}/")
    assert page.status_code == 200 and "<form method=\"post\"" in page.content.decode()
    assert Abonnement.objects.get(pk=abo.pk).is_active  # a link scanner's GET changes nothing
    done = client.post(f"/abo/abmelden/{abo.token}/", "List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "abbestellt" in done.content.decode()
    assert Abonnement.objects.get(pk=abo.pk).unsubscribed_at is not None
    assert client.get("/abo/abmelden/erfunden/").status_code == 404


# --- partners' default (R14) -------------------------------------------------------------------

@pytest.mark.django_db
def test_partners_get_the_decisions_digest_by_default_and_their_opt_out_is_kept(demo_home):
    recognised = Vorgang.objects.recognised_fachgruppen()
    addresses = {a.email for a in partner_addresses(recognised)}
    expected = set(Person.objects.filter(
        organisation__fachgruppe_memberships__page__in=recognised).exclude(email="")
        .values_list("email", flat=True))
    assert addresses == expected and addresses
    assert sync_partners(recognised) == len(addresses)
    partner = Abonnement.objects.filter(source=Herkunft.PARTNER)
    assert set(partner.values_list("email", flat=True)) == addresses
    assert all(abo.is_active and abo.kind == Art.BESCHLUESSE and abo.gremium == "" for abo in partner)

    opted_out = partner.first()
    Client().post(f"/abo/abmelden/{opted_out.token}/")
    assert sync_partners(recognised) == 0
    assert sync_partners(Vorgang.objects.recognised_fachgruppen()) == 0
    assert Abonnement.objects.filter(email=opted_out.email, kind=Art.BESCHLUESSE).count() == 1
    assert Abonnement.objects.get(pk=opted_out.pk).unsubscribed_at is not None


@pytest.mark.django_db
def test_decisions_digest_holds_the_bodies_published_protokolle_only(demo_home):
    plenum = GremiumPage.objects.get(kind="plenum")
    leitungskreis = GremiumPage.objects.get(kind="leitungskreis")
    both = subscription(Art.BESCHLUESSE, email="beide@example.org")
    only_ag = subscription(Art.BESCHLUESSE, email="ag@example.org", gremium="ag_transfer")
    publish_protokoll(plenum, "Plenum beschließt Leitfaden")
    publish_protokoll(plenum, "Plenum Entwurf", publish=False)
    publish_protokoll(leitungskreis, "Leitungskreis intern")
    sent = run(tomorrow())
    [digest] = to(both.email, sent)
    assert "Plenum beschließt Leitfaden" in digest.body
    assert "Plenum Entwurf" not in digest.body and "Leitungskreis intern" not in digest.body
    assert to(only_ag.email, sent) == []


# --- digests: exactly the new public items (R19) -------------------------------------------------

@pytest.mark.django_db
def test_group_digest_holds_exactly_the_new_public_items(demo_home):
    group, other = groups()
    abo = subscription(Art.FACHGRUPPE, fachgruppe=group)
    new = publish_protokoll(group, "Neue Sitzung")
    publish_protokoll(group, "Nur ein Entwurf", publish=False)
    restricted = publish_protokoll(group, "Geschützte Sitzung")
    PageViewRestriction.objects.create(page=restricted, restriction_type="password", password="geheim")
    publish_protokoll(other, "Sitzung einer anderen Gruppe")
    decided, undecided = (group.add_child(instance=ProduktPage(
        title=title, slug=slug, kind=ProduktKind.LEITFADEN, live=False)) for title, slug in
        (("Beschlossener Leitfaden", "beschlossener-leitfaden"), ("Offener Leitfaden", "offener-leitfaden")))
    for produkt in (decided, undecided):
        produkt.save_revision()
    publish_decided(decided)  # R11: through AG Transfer and Plenum
    [digest] = to(abo.email, run(tomorrow()))
    items = re.findall(r"^\* (.+)$", digest.body, re.M)
    assert len(items) == 2 and items[0].startswith("Neue Sitzung (Protokoll")
    assert items[1].startswith(f"Beschlossener Leitfaden (Produkt – {group.title}")
    assert "Offener Leitfaden" not in digest.body  # undecided: never live (R11, R19)
    assert f"/{group.slug}/{new.slug}/" in digest.body

    assert to(abo.email, run(tomorrow())) == []  # nothing new, nothing sent
    later = publish_protokoll(group, "Spätere Sitzung")
    [second] = to(abo.email, run(tomorrow() + datetime.timedelta(days=1)))
    assert "Spätere Sitzung" in second.body and "Neue Sitzung" not in second.body
    assert f"/{later.slug}/" in second.alternatives[0][0]


@pytest.mark.django_db
def test_search_digest_holds_exactly_the_new_public_hits(demo_home, whoosh):
    group, other = groups()
    old = publish_protokoll(group, "Schallschutzkabine alt", "Schallschutzkabine im Betrieb")
    abo = subscription(Art.SUCHE, search="q=Schallschutzkabine")
    hit = publish_protokoll(other, "Schallschutzkabine neu", "Die Schallschutzkabine wird erprobt.")
    publish_protokoll(group, "Entwurf", "Schallschutzkabine geheim", publish=False)
    hidden = publish_protokoll(group, "Geschützt", "Schallschutzkabine intern")
    PageViewRestriction.objects.create(page=hidden, restriction_type="password", password="geheim")
    publish_protokoll(group, "Anderes Thema", "Nichts davon.")
    [digest] = to(abo.email, run(tomorrow()))
    assert re.findall(r"^\* (.+)$", digest.body, re.M) == [f"{hit.title} ({other.title})"]
    assert old.title not in digest.body and "geheim" not in digest.body and "Geschützt" not in digest.body
    assert "/suche/?q=Schallschutzkabine" in digest.body

    newer = publish_protokoll(group, "Schallschutzkabine neuer", "Schallschutzkabine zum Zweiten")
    [second] = to(abo.email, run(tomorrow() + datetime.timedelta(days=1)))
    assert re.findall(r"^\* (.+)$", second.body, re.M) == [f"{newer.title} ({group.title})"]


@pytest.mark.django_db
def test_equal_searches_run_once_and_queries_do_not_grow(demo_home, whoosh):
    group, _ = groups()
    since = timezone.now()
    publish_protokoll(group, "Lärmkarte", "Lärmkarte der Werkstatt")

    def count(n: int) -> int:
        Abonnement.objects.all().delete()
        for i in range(n):
            subscription(Art.SUCHE, email=f"s{i}@example.org", search="q=L%C3%A4rmkarte", since=since)
            subscription(Art.FACHGRUPPE, email=f"g{i}@example.org", fachgruppe=group, since=since)
        with CaptureQueriesContext(connection) as queries:
            mails = due_digests(tomorrow())
        assert len(mails) == 2 * n
        return len(queries)

    assert count(3) == count(12)


# --- daily and weekly --------------------------------------------------------------------------

@pytest.mark.django_db
def test_daily_and_weekly(demo_home):
    group, _ = groups()
    monday = datetime.date(2026, 11, 16)
    daily = subscription(Art.FACHGRUPPE, email="taeglich@example.org", fachgruppe=group,
                         since=at(monday - datetime.timedelta(days=1)))
    weekly = subscription(Art.FACHGRUPPE, email="woechentlich@example.org", frequency="woechentlich",
                          fachgruppe=group, since=at(monday - datetime.timedelta(days=1)))
    publish_protokoll(group, "Montagssitzung", published_at=at(monday, 8))
    sent = run(monday, at(monday, 9))
    assert len(to(daily.email, sent)) == len(to(weekly.email, sent)) == 1

    tuesday = monday + datetime.timedelta(days=1)
    publish_protokoll(group, "Dienstagssitzung", published_at=at(tuesday, 8))
    sent = run(tuesday, at(tuesday, 9))
    [day_digest] = to(daily.email, sent)
    assert "Dienstagssitzung" in day_digest.body and "Montagssitzung" not in day_digest.body
    assert to(weekly.email, sent) == []  # already had this week's
    assert run(tuesday, at(tuesday, 10)) == []  # the same day again: nothing

    next_monday = monday + datetime.timedelta(days=7)
    sent = run(next_monday, at(next_monday, 9))
    [week_digest] = to(weekly.email, sent)
    assert "Dienstagssitzung" in week_digest.body and "Montagssitzung" not in week_digest.body
    assert to(daily.email, sent) == []  # nothing new for the daily one
    keys = set(Benachrichtigung.objects.filter(kind="abo").values_list("key", flat=True))
    assert keys == {f"abo:{daily.pk}:2026-11-16", f"abo:{daily.pk}:2026-11-17",
                    f"abo:{weekly.pk}:2026-W47", f"abo:{weekly.pk}:2026-W48"}


# --- sent once across repeated and interrupted runs ----------------------------------------------

def three_digests() -> list[Abonnement]:
    group, _ = groups()
    abos = [subscription(Art.FACHGRUPPE, email=f"leser{i}@example.org", fachgruppe=group) for i in range(3)]
    publish_protokoll(group, "Sitzung für alle")
    return abos


def digests_in(messages) -> list:
    return [m for m in messages if "List-Unsubscribe" in m.extra_headers]


@pytest.mark.django_db
def test_an_interrupted_run_loses_nothing_and_sends_nothing_twice(demo_home, flaky):
    three_digests()
    flaky.fail_after, flaky.error = 1, Crash()
    with pytest.raises(Crash):
        notify("--date", tomorrow().isoformat())
    [first] = digests_in(mail.outbox)
    assert Benachrichtigung.objects.filter(kind="abo").count() == 1
    output = notify("--date", tomorrow().isoformat())
    again = digests_in(mail.outbox[1:])
    assert len(again) == 2 and first.to not in [m.to for m in again]
    assert "2 Zusammenfassungen versandt, 0 Fehler" in output
    assert "0 Zusammenfassungen versandt, 0 Fehler" in notify("--date", tomorrow().isoformat())
    assert Benachrichtigung.objects.filter(kind="abo").count() == 3


@pytest.mark.django_db
def test_a_refused_digest_is_counted_and_sent_by_the_next_run(demo_home, flaky):
    abos = three_digests()
    flaky.fail_after, flaky.error = 1, ConnectionRefusedError("Der Mailserver antwortet nicht.")
    # the second is refused; the third still goes out
    assert "2 Zusammenfassungen versandt, 1 Fehler" in notify("--date", tomorrow().isoformat())
    assert "1 Zusammenfassung versandt, 0 Fehler" in notify("--date", tomorrow().isoformat())
    assert sorted(m.to[0] for m in digests_in(mail.outbox)) == sorted(a.email for a in abos)


class DownBackend(EmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("Der Mailserver antwortet nicht.")


@pytest.mark.django_db
def test_a_run_stops_when_the_server_is_down_and_the_next_sends_all(demo_home, settings):
    group, _ = groups()
    abos = [subscription(Art.FACHGRUPPE, email=f"l{i}@example.org", fachgruppe=group) for i in range(12)]
    publish_protokoll(group, "Sitzung bei Serverausfall")
    settings.EMAIL_BACKEND = "tests.workflow.test_subscriptions.DownBackend"
    until = timezone.now()
    outcome = send_digests(due_digests(tomorrow(), until), get_connection(), until)
    assert (outcome.sent, len(outcome.errors)) == (0, MAX_ERRORS_IN_A_ROW)
    assert "2 Zusammenfassungen warten" in outcome.stopped
    assert not Benachrichtigung.objects.filter(kind="abo").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sorted(m.to[0] for m in run(tomorrow())) == sorted(a.email for a in abos)


# --- the real thing: SMTP round trip --------------------------------------------------------------

@pytest.mark.django_db
def test_smtp_round_trip_of_a_digest(demo_home, smtp_server):
    group, _ = groups()
    abo = subscription(Art.FACHGRUPPE, email="joerg@example.org", fachgruppe=group)
    publish_protokoll(group, "Sitzung zu Lärm & Gehörschutz – Größe ÄÖÜ")
    output = notify("--date", tomorrow().isoformat())
    assert "1 Zusammenfassung versandt" in output
    raw = next(data for _, rcpt, data in smtp_server.messages if rcpt == [abo.email])
    assert raw.split(b"\r\n\r\n", 1)[0].isascii()  # umlauts in the subject travel RFC 2047 encoded
    message = email.message_from_bytes(raw, policy=policy.default)
    url = abo.unsubscribe_url()
    assert message["List-Unsubscribe"].strip() == f"<{url}>"  # long: folded onto a second line
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Subject"].strip() == f"[OM] Neue Protokolle und Produkte: {group.title} – 1 neuer Eintrag"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Sitzung zu Lärm & Gehörschutz – Größe ÄÖÜ" in text
    assert "Sitzung zu Lärm &amp; Gehörschutz – Größe ÄÖÜ" in html
    assert url in text and f'href="{url}"' in html
    path = url.replace("http://127.0.0.1:8000", "")
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert Abonnement.objects.get(pk=abo.pk).unsubscribed_at is not None


# --- public forms and the Redaktion's list --------------------------------------------------------

@pytest.mark.django_db
def test_forms_on_search_group_and_body_pages(demo_home, client):
    search = client.get("/suche/", {"q": "Lärm", "jahr": "2025"}).content.decode()
    assert "Diese Suche abonnieren" in search
    assert 'name="q" value="Lärm"' in search and 'name="jahr" value="2025"' in search
    assert "Diese Suche abonnieren" not in client.get("/suche/").content.decode()
    group, _ = groups()
    assert f'name="fachgruppe" value="{group.pk}"' in client.get(group.url).content.decode()
    for kind, offered in (("plenum", True), ("ag_transfer", True), ("leitungskreis", False)):
        page = client.get(GremiumPage.objects.get(kind=kind).url).content.decode()
        assert ("Beschlüsse abonnieren" in page) is offered


@pytest.mark.django_db
def test_search_subscription_from_the_form_stores_the_normalised_search(demo_home, client):
    client.post("/abo/", {"email": "s@example.org", "kind": "suche", "q": "  Lärm  ", "jahr": "2025",
                          "sort": "relevanz", "frequency": "woechentlich"})
    abo = Abonnement.objects.get(email="s@example.org")
    assert abo.search == "q=L%C3%A4rm&jahr=2025" and abo.frequency == "woechentlich"
    assert abo.describe() == "Suche: „Lärm“ (Jahr 2025)"
    client.post("/abo/", {"email": "s@example.org", "kind": "suche", "q": "Lärm " * 150,
                          "frequency": "woechentlich"})
    assert Abonnement.objects.filter(email="s@example.org").count() == 1  # too long: refused


@pytest.mark.django_db
def test_only_the_redaktion_sees_the_addresses(demo_home, client):
    subscription(Art.BESCHLUESSE, email="geheim@example.org")
    client.force_login(user("redaktion"))
    listing = client.get("/admin/abonnements/")
    assert listing.status_code == 200 and "geheim@example.org" in listing.content.decode()
    assert "/admin/abonnements/" in client.get("/admin/").content.decode()
    for name in ("fg-gefaehrdung", "plenum"):
        client.force_login(user(name))
        response = client.get("/admin/abonnements/")
        assert "geheim@example.org" not in response.content.decode()
        assert response.status_code in (302, 403)
        assert "/admin/abonnements/" not in client.get("/admin/").content.decode()
    client.logout()
    assert client.get("/admin/abonnements/").status_code == 302
