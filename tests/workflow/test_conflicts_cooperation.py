"""Conflicts between groups (R20), cooperations (R16) and growth (R7), issue 14.

R20: a group or the AG Transfer opens a conflict; the attempts at agreement are recorded and
seen by the involved groups, the AG Transfer and the Leitungskreis, by nobody else (R19); only
the Leitungskreis decides, and only after an attempt failed; the outcome stands in every
involved group's page history. R16: the group's public page lists its cooperations and links
a partner Fachgruppe only while that page is publicly visible. R7: the Kriterien-Check counts
the partners won per year from each member's Beitritt.
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageLogEntry

from om_pages.models import FachgruppeMember, FachgruppePage, Kooperation
from tests.conftest import DEMO_TODAY
from tests.workflow.conftest import user
from workflow import compliance, rules
from workflow.compliance import Status
from workflow.konflikt import AppendOnly, Einigungsversuch, Konflikt, KonfliktState
from workflow.konflikt_services import (
    AG_TRANSFER,
    LOG_ACTION,
    add_versuch,
    close_konflikt,
    open_konflikt,
)

PASSWORD = "om-demo-2026"
INVOLVED = ["fg-gefaehrdung", "fg-digitalisierung"]
SEE_ALL = ["agtransfer", "leitungskreis", "admin"]
OUTSIDERS = ["fg-fachkraefte", "plenum", "redaktion"]


def group(slug: str) -> FachgruppePage:
    return FachgruppePage.objects.get(slug=slug)


@pytest.fixture
def groups(demo_home):
    return group("gefaehrdungsbeurteilung"), group("digitalisierung")


@pytest.fixture
def konflikt(groups):
    gefaehrdung, digitalisierung = groups
    return open_konflikt(user("fg-gefaehrdung"), [gefaehrdung, digitalisierung],
                         "Überschneidung: digitale Gefährdungsbeurteilung",
                         "Beide Gruppen planen eine Handlungshilfe zur digitalen GBU (R17).",
                         str(gefaehrdung.pk))


def failed_attempt(konflikt, username: str = "agtransfer", text: str = "Gespräch in der AG Transfer"):
    return add_versuch(konflikt, user(username), DEMO_TODAY, "Koordinationen beider Gruppen",
                       text, "keine_einigung")


def login(client, username: str):
    assert client.login(username=username, password=PASSWORD)
    return client


def inspect(konflikt) -> str:
    return f"/admin/konflikte/inspect/{konflikt.pk}/"


# --- R20: opening ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_group_opens_conflict_with_another_in_the_admin(groups, client):
    gefaehrdung, digitalisierung = groups
    login(client, "fg-gefaehrdung")
    assert client.get("/admin/konflikte/new/").status_code == 200
    response = client.post("/admin/konflikte/new/", {
        "opened_for": str(gefaehrdung.pk), "fachgruppen": [gefaehrdung.pk, digitalisierung.pk],
        "subject": "Gleiches Thema", "description": "Wer macht die Checkliste?"})
    konflikt = Konflikt.objects.get(subject="Gleiches Thema")
    assert response.status_code == 302 and response["Location"] == inspect(konflikt)
    assert konflikt.state == KonfliktState.OFFEN
    assert konflikt.opened_for == gefaehrdung.title
    assert set(konflikt.fachgruppen.all()) == {gefaehrdung, digitalisierung}
    for page in groups:  # R20: in both groups' records from the start
        assert PageLogEntry.objects.filter(page=page, action=LOG_ACTION).count() == 1


@pytest.mark.django_db
def test_ag_transfer_opens_conflict_between_two_groups(groups):
    konflikt = open_konflikt(user("agtransfer"), list(groups), "Thema", "Text", AG_TRANSFER)
    assert konflikt.opened_for == "AG Transfer"


@pytest.mark.django_db
@pytest.mark.parametrize("username, opened_for", [
    ("fg-fachkraefte", "gefaehrdung"),  # a third group cannot open for an involved one
    ("fg-gefaehrdung", AG_TRANSFER),  # a group member is not the AG Transfer
    ("leitungskreis", AG_TRANSFER),
    ("plenum", "gefaehrdung"),
])
def test_only_an_involved_group_or_the_ag_transfer_opens(groups, username, opened_for):
    opened_for = str(groups[0].pk) if opened_for == "gefaehrdung" else opened_for
    with pytest.raises(PermissionDenied):
        open_konflikt(user(username), list(groups), "Thema", "Text", opened_for)
    assert not Konflikt.objects.exists()


@pytest.mark.django_db
def test_a_conflict_needs_two_groups(groups, client):
    with pytest.raises(ValidationError):
        open_konflikt(user("agtransfer"), [groups[0]], "Thema", "Text", AG_TRANSFER)
    login(client, "agtransfer")
    response = client.post("/admin/konflikte/new/", {
        "opened_for": AG_TRANSFER, "fachgruppen": [groups[0].pk], "subject": "S",
        "description": "D"})
    assert response.status_code == 200
    assert "mindestens zwei Fachgruppen" in response.content.decode()
    assert not Konflikt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["plenum", "redaktion"])
def test_bodies_without_a_role_cannot_open(groups, client, username):
    login(client, username)
    assert client.get("/admin/konflikte/new/").status_code in (302, 403)


# --- R20, R19: who sees the attempts -----------------------------------------------------------


@pytest.mark.django_db
def test_attempts_are_seen_by_both_groups_and_the_ag_transfer_only(konflikt, client):
    add_versuch(konflikt, user("fg-digitalisierung"), DEMO_TODAY, "Koordinationen",
                "Telefonat der Koordinationen", "teilweise")
    failed_attempt(konflikt)
    for username in INVOLVED + SEE_ALL:
        client.logout()
        login(client, username)
        html = client.get(inspect(konflikt)).content.decode()
        assert "Telefonat der Koordinationen" in html, username
        assert "Gespräch in der AG Transfer" in html, username
        assert konflikt.subject in client.get("/admin/konflikte/").content.decode(), username
    for username in OUTSIDERS:
        client.logout()
        login(client, username)
        assert client.get(inspect(konflikt)).status_code == 404, username
        listing = client.get("/admin/konflikte/")
        assert konflikt.subject not in listing.content.decode(), username


@pytest.mark.django_db
@pytest.mark.parametrize("username", INVOLVED + ["agtransfer"])
def test_involved_groups_and_ag_transfer_record_attempts_in_the_admin(konflikt, client, username):
    login(client, username)
    response = client.post(f"/admin/konflikte/versuch/{konflikt.pk}/", {
        "date": "2026-11-20", "participants": "beide Gruppen", "text": "Abstimmung per Video",
        "result": "keine_einigung"})
    assert response.status_code == 302
    versuch = Einigungsversuch.objects.get(konflikt=konflikt)
    assert versuch.user.username == username and versuch.text == "Abstimmung per Video"


@pytest.mark.django_db
@pytest.mark.parametrize("username", OUTSIDERS + ["leitungskreis"])
def test_others_cannot_record_attempts(konflikt, client, username):
    login(client, username)
    client.post(f"/admin/konflikte/versuch/{konflikt.pk}/", {
        "date": "2026-11-20", "participants": "x", "text": "y", "result": "keine_einigung"})
    assert not Einigungsversuch.objects.exists()
    with pytest.raises(PermissionDenied):
        failed_attempt(konflikt, username)


@pytest.mark.django_db
def test_attempts_are_append_only(konflikt):
    versuch = failed_attempt(konflikt)
    versuch.text = "nachträglich geändert"
    with pytest.raises(AppendOnly):
        versuch.save()
    with pytest.raises(AppendOnly):
        versuch.delete()
    assert Einigungsversuch.objects.get().text == "Gespräch in der AG Transfer"


# --- R20: agreement or the Leitungskreis' decision ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("username", INVOLVED + ["agtransfer", "plenum", "redaktion"])
def test_only_the_leitungskreis_decides(konflikt, client, username):
    failed_attempt(konflikt)
    login(client, username)
    client.post(f"/admin/konflikte/entscheiden/{konflikt.pk}/", {"outcome": "So nicht."})
    konflikt.refresh_from_db()
    assert konflikt.state == KonfliktState.OFFEN and not konflikt.outcome
    with pytest.raises(PermissionDenied):
        close_konflikt(konflikt, user(username), decide=True, outcome="So nicht.")


@pytest.mark.django_db
def test_leitungskreis_decides_only_after_a_failed_attempt(konflikt):
    with pytest.raises(ValidationError, match="Einigungsversuch ohne Einigung"):
        close_konflikt(konflikt, user("leitungskreis"), decide=True, outcome="Entschieden.")
    konflikt.refresh_from_db()
    assert konflikt.state == KonfliktState.OFFEN


OUTCOME = "Die Fachgruppe Gefährdungsbeurteilung erstellt die Handlungshilfe; Digitalisierung wirkt mit."


@pytest.mark.django_db
def test_leitungskreis_decision_stands_in_both_groups_records(konflikt, groups, client):
    failed_attempt(konflikt)
    login(client, "leitungskreis")
    response = client.post(f"/admin/konflikte/entscheiden/{konflikt.pk}/", {"outcome": OUTCOME})
    assert response.status_code == 302
    konflikt.refresh_from_db()
    assert konflikt.state == KonfliktState.ENTSCHIEDEN and konflikt.outcome == OUTCOME
    assert konflikt.closed_by.username == "leitungskreis"
    for page, editor in zip(groups, INVOLVED, strict=True):
        entry = PageLogEntry.objects.filter(page=page, action=LOG_ACTION).latest("timestamp")
        assert entry.data["event"] == "vom Leitungskreis entschieden"
        assert entry.data["text"] == OUTCOME
        # the group's own editors read it in their page's history
        client.logout()
        login(client, editor)
        history = client.get(f"/admin/pages/{page.pk}/history/").content.decode()
        assert "vom Leitungskreis entschieden" in history
        assert konflikt.subject in history
        # and in the conflict itself
        assert OUTCOME in client.get(inspect(konflikt)).content.decode()


@pytest.mark.django_db
def test_groups_record_their_agreement(konflikt, groups, client):
    login(client, "fg-digitalisierung")
    client.post(f"/admin/konflikte/einigung/{konflikt.pk}/", {"outcome": "Wir teilen auf."})
    konflikt.refresh_from_db()
    assert konflikt.state == KonfliktState.EINIGUNG and konflikt.outcome == "Wir teilen auf."
    for page in groups:
        entry = PageLogEntry.objects.filter(page=page, action=LOG_ACTION).latest("timestamp")
        assert entry.data["event"] == "Einigung erzielt"
    # closed: no more attempts, no decision on top
    with pytest.raises(ValidationError):
        failed_attempt(konflikt)
    with pytest.raises(ValidationError):
        close_konflikt(konflikt, user("leitungskreis"), decide=True, outcome="Doch anders.")


@pytest.mark.django_db
def test_a_third_group_cannot_state_agreement(konflikt, client):
    login(client, "fg-fachkraefte")
    response = client.post(f"/admin/konflikte/einigung/{konflikt.pk}/", {"outcome": "Einig."})
    assert response.status_code == 404
    konflikt.refresh_from_db()
    assert konflikt.state == KonfliktState.OFFEN


# --- R16: cooperations on the public page ------------------------------------------------------


@pytest.mark.django_db
def test_cooperations_are_shown_and_only_public_partners_linked(groups, client):
    gefaehrdung, digitalisierung = groups
    applicant = group("nachhaltigkeit")  # an application: a draft page, not public
    assert not applicant.live
    gefaehrdung.kooperationen = [
        Kooperation(partner_fachgruppe=digitalisierung, description="Digitale GBU",
                    since=datetime.date(2025, 4, 1)),
        Kooperation(partner_fachgruppe=applicant, description="Nachhaltige Arbeitsplätze"),
        Kooperation(partner_name="Regionalnetzwerk Handwerk NRW", description="Pilotbetriebe"),
    ]
    gefaehrdung.save_revision().publish()
    html = client.get(gefaehrdung.url).content.decode()
    assert f'<a href="{digitalisierung.url}">{digitalisierung.title}</a>' in html
    assert "seit April 2025" in html
    assert "Regionalnetzwerk Handwerk NRW" in html and "Pilotbetriebe" in html
    assert applicant.title in html  # named ...
    assert f"/{applicant.slug}/" not in html  # ... never linked


@pytest.mark.django_db
def test_unpublished_cooperation_is_not_shown(groups, client):
    gefaehrdung, _ = groups
    gefaehrdung.kooperationen = [Kooperation(partner_name="Geheimes Netzwerk")]
    gefaehrdung.save_revision()  # a draft only
    assert "Geheimes Netzwerk" not in client.get(gefaehrdung.url).content.decode()


@pytest.mark.django_db
def test_cooperation_needs_a_partner_and_not_itself(groups):
    gefaehrdung, _ = groups
    with pytest.raises(ValidationError):
        Kooperation(page=gefaehrdung).clean()
    with pytest.raises(ValidationError):
        Kooperation(page=gefaehrdung, partner_fachgruppe=gefaehrdung).clean()


@pytest.mark.django_db
def test_group_editor_edits_cooperations(groups, client):
    login(client, "fg-gefaehrdung")
    html = client.get(f"/admin/pages/{groups[0].pk}/edit/").content.decode()
    assert "Kooperationen (R16)" in html and "id_kooperationen-TOTAL_FORMS" in html


# --- R7: partners won per year -----------------------------------------------------------------


def r7_cell(page: FachgruppePage, year: int = 2026):
    rows = compliance.build_rows(compliance.prepare(FachgruppePage.objects.filter(pk=page.pk)),
                                 year=year, today=DEMO_TODAY)
    return rows[0].cell("R7")


def set_joined(page: FachgruppePage, dates: list[datetime.date | None]) -> None:
    members = list(page.members.order_by("sort_order"))
    for member, date in zip(members, dates, strict=False):
        member.joined_on = date
        member.save()
    FachgruppeMember.objects.filter(pk__in=[m.pk for m in members[len(dates):]]).delete()


@pytest.mark.django_db
def test_r7_counts_new_partners_per_year_from_joined_on(groups):
    gefaehrdung, _ = groups
    set_joined(gefaehrdung, [datetime.date(2024, 6, 1), datetime.date(2025, 2, 1),
                             datetime.date(2025, 9, 1), datetime.date(2026, 3, 1), None])
    cell = r7_cell(gefaehrdung)
    assert cell.status is Status.GREEN
    assert cell.evidence == "Neue Partner je Jahr: 2024: 1, 2025: 2, 2026: 1; ohne Beitrittsdatum: 1"
    assert "2025: 2" in cell.reason


@pytest.mark.django_db
def test_r7_without_new_partners_is_a_hint_never_red(groups):
    gefaehrdung, _ = groups
    set_joined(gefaehrdung, [datetime.date(2022, 1, 1)] * 3)
    cell = r7_cell(gefaehrdung)
    assert cell.status is Status.AMBER
    assert "Keine neuen Partner in 2025 und 2026" in cell.reason
    assert "2022: 3" in cell.reason
    # a partner won in the year before still counts for the running year
    set_joined(gefaehrdung, [datetime.date(2022, 1, 1), datetime.date(2025, 12, 1)])
    assert r7_cell(gefaehrdung).status is Status.GREEN


@pytest.mark.django_db
def test_r7_is_in_the_report(demo_home, admin_client):
    html = admin_client.get("/admin/kriterien-check/", {"jahr": 2026}).content.decode()
    assert "R7 neue Partner 2025/2026" in html
    assert "Neue Partner je Jahr: 2025: 3, 2026: 2" in html  # the demo's Gefährdungsbeurteilung


@pytest.mark.django_db
def test_kriterien_check_queries_stay_fixed_with_r7(demo_home):
    """R7 reads the members ``prepare`` loaded: no query at all, however many groups."""
    prepared = compliance.prepare(FachgruppePage.objects.all())
    with CaptureQueriesContext(connection) as context:
        for page in prepared:
            rules.check_r7_growth(page, 2026)
            rules.r7_evidence(page)
    assert len(context.captured_queries) == 0
    assert any(rules.r7_evidence(page) for page in prepared)


@pytest.mark.django_db
def test_migration_dates_existing_members_from_first_publication(groups):
    gefaehrdung, _ = groups
    FachgruppeMember.objects.update(joined_on=None)
    migration = importlib.import_module("om_pages.migrations.0002_kooperationen")
    migration.joined_when_published(apps, None)
    expected = gefaehrdung.first_published_at.date()
    assert set(gefaehrdung.members.values_list("joined_on", flat=True)) == {expected}
    applicant = group("nachhaltigkeit")  # never published: left empty for the editor
    assert set(applicant.members.values_list("joined_on", flat=True)) == {None}


@pytest.mark.django_db
def test_a_third_group_reads_nothing_of_it_in_the_site_history(konflikt, client):
    failed_attempt(konflikt)
    login(client, "fg-gefaehrdung")
    assert konflikt.subject in client.get("/admin/reports/site-history/").content.decode()
    client.logout()
    login(client, "fg-fachkraefte")
    html = client.get("/admin/reports/site-history/").content.decode()
    assert konflikt.subject not in html
    assert "Gespräch in der AG Transfer" not in html


@pytest.mark.django_db
def test_preview_of_a_draft_shows_its_cooperations(groups, admin_client):
    """The editor's preview reads the draft's inline rows (R16), the public page the live ones."""
    gefaehrdung, digitalisierung = groups
    gefaehrdung.kooperationen = [Kooperation(partner_fachgruppe=digitalisierung)]
    revision = gefaehrdung.save_revision()
    page = revision.as_object()
    pairs = page.cooperations()
    assert [(k.partner_label, partner) for k, partner in pairs] == [
        (digitalisierung.title, digitalisierung)]


@pytest.mark.django_db
def test_listing_filters_one_groups_conflicts(konflikt, client):
    other = open_konflikt(user("agtransfer"), [group("digitalisierung"), group("fachkraeftesicherung")],
                          "Fachkräfte und Digitales", "Text", AG_TRANSFER)
    login(client, "fg-gefaehrdung")
    html = client.get("/admin/konflikte/").content.decode()
    assert konflikt.subject in html and other.subject not in html  # R19
    login(client, "agtransfer")
    gefaehrdung = group("gefaehrdungsbeurteilung")
    html = client.get("/admin/konflikte/", {"fachgruppe": gefaehrdung.pk}).content.decode()
    assert konflikt.subject in html and other.subject not in html
