"""Being listed only while recognised (R21, R22, R26; issue 14).

The public list of Fachgruppen (R26) shows recognised groups only; a withdrawn group (R22)
is gone from it and its page says so with the date of the Plenum's decision; a dissolved group
(R21) stays public as an archive under "Ehemalige Fachgruppen"; the page of a group that was
never recognised cannot be published by anyone (R1). The Kriterien-Check tells applicants,
recognised and former groups apart, and a change of topic (R21) is a recorded step announced
in the AG Transfer with the Plenum informed.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.actions.publish_page_revision import PublishPagePermissionError

from om_pages.models import FachgruppenIndexPage, FachgruppePage, ProtokollPage
from tests.workflow.conftest import complete_decision, held_top, user
from tests.workflow.test_fachgruppe_edit_rules import PUBLISH, grant_page_rights, post_edit
from workflow.compliance import Status
from workflow.services import perform_transition
from workflow.vorgang import MACHINES, Eintrag, Vorgang

REPORT_URL = "/admin/kriterien-check/"


def anerkennung(page: FachgruppePage):
    latest = Vorgang.objects.latest_anerkennung(page)
    return MACHINES[latest.kind].objects.get(pk=latest.pk)


def step(page: FachgruppePage, name: str, username: str, **extra) -> Eintrag:
    vorgang = anerkennung(page)
    return perform_transition(vorgang, name, user(username),
                              **(complete_decision(vorgang, name) | extra))


def withdraw(page: FachgruppePage) -> Eintrag:
    """R22: on the Leitungskreis' proposal the Plenum withdraws the recognition."""
    step(page, "aberkennung_vorschlagen", "leitungskreis")
    return step(page, "plenum_aberkennen", "plenum")


def list_html(client) -> str:
    index = FachgruppenIndexPage.objects.get()
    response = client.get(index.url)
    assert response.status_code == 200
    return response.content.decode()


def listed_section(html: str) -> tuple[str, str]:
    """(the list of recognised groups, the section "Ehemalige Fachgruppen" or "")."""
    current, _, former = html.partition('id="ehemalige-fachgruppen"')
    return current, former


def decision_day(entry: Eintrag) -> str:
    return timezone.localtime(entry.sitzung.starts_at).strftime("%d.%m.%Y")


@pytest.fixture
def digitalisierung(demo_home):
    return FachgruppePage.objects.get(slug="digitalisierung")


# --- R26: the list shows recognised groups only ----------------------------------------------


@pytest.mark.django_db
def test_list_shows_the_recognised_groups(demo_home, client):
    current, former = listed_section(list_html(client))
    for slug in ("gefaehrdungsbeurteilung", "digitalisierung", "fachkraeftesicherung"):
        assert FachgruppePage.objects.get(slug=slug).title in current
    assert former == ""  # no dissolved group is public in the demo


@pytest.mark.django_db
def test_withdrawn_group_leaves_the_list_and_its_page_says_why(digitalisierung, client):
    """R22: no longer a Fachgruppe of the OM anywhere on the site, with the Plenum's date."""
    entry = withdraw(digitalisierung)
    digitalisierung.refresh_from_db()
    assert digitalisierung.live  # the record stays (R21, R22); only its name is withdrawn
    html = list_html(client)
    assert digitalisierung.title not in html
    page_html = client.get(digitalisierung.url).content.decode()
    assert (f"Die Anerkennung als Fachgruppe der Offensive Mittelstand wurde am "
            f"{decision_day(entry)} vom Plenum entzogen.") in page_html
    assert "Die Fachgruppe ist offen für alle Partner der Offensive Mittelstand" not in page_html


@pytest.mark.django_db
def test_pending_withdrawal_keeps_the_group_listed(digitalisierung, client):
    """R22: only the Plenum's decision ends the recognition, not the Leitungskreis' proposal."""
    step(digitalisierung, "aberkennung_vorschlagen", "leitungskreis")
    assert digitalisierung.title in listed_section(list_html(client))[0]


@pytest.mark.django_db
def test_dissolved_group_stays_public_as_former_group(demo_home, client):
    """R21: listed under "Ehemalige Fachgruppen" with its date; pages and minutes stay public
    and searchable."""
    group = FachgruppePage.objects.get(slug="fachkraeftesicherung")
    entry = step(group, "aufloesung_bekanntgeben", "agtransfer")
    current, former = listed_section(list_html(client))
    assert group.title not in current
    assert group.title in former
    assert f"aufgelöst am {decision_day(entry)}" in former
    page_html = client.get(group.url).content.decode()
    assert f"aufgelöst am {decision_day(entry)}" in page_html
    protokoll = ProtokollPage.objects.child_of(group).live().order_by("-date").first()
    assert client.get(protokoll.url).status_code == 200
    found = client.get("/suche/", {"q": group.topic_area}).content.decode()
    assert f'href="{group.url}"' in found and f'href="{protokoll.url}"' in found


# --- R1: a group never recognised has no public page ------------------------------------------


@pytest.fixture
def applicant(demo_home):
    page = FachgruppePage.objects.get(slug="nachhaltigkeit")
    assert not page.live and not Vorgang.objects.is_recognised(page)
    return page


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["redaktion", "admin"])
def test_nobody_publishes_a_never_recognised_group_in_the_admin(applicant, client, username):
    grant_page_rights("Redaktion", applicant)
    client.force_login(user(username))
    assert not applicant.permissions_for_user(user(username)).can_publish()
    post_edit(client, applicant, {}, PUBLISH)
    response = client.post(f"/admin/bulk/wagtailcore/page/publish/?id={applicant.pk}",
                           {"include_descendants": ""})
    assert response.status_code in (200, 302)
    applicant.refresh_from_db()
    assert not applicant.live
    assert applicant.title not in list_html(client)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["nachhaltigkeit", "vertrieb"])  # draft; refused by the Plenum
def test_never_recognised_group_cannot_be_published_in_code(demo_home, slug):
    page = FachgruppePage.objects.get(slug=slug)
    with pytest.raises(PublishPagePermissionError, match="nie vom Plenum als Fachgruppe anerkannt"):
        page.save_revision().publish(skip_permission_checks=True)
    page.refresh_from_db()
    assert not page.live


@pytest.mark.django_db
def test_never_recognised_group_cannot_be_created_live(demo_home):
    index = FachgruppenIndexPage.objects.get()
    with pytest.raises(PublishPagePermissionError):
        index.add_child(instance=FachgruppePage(title="Fachgruppe Kreislaufwirtschaft",
                                                slug="kreislauf", topic_area="Kreislaufwirtschaft"))


@pytest.mark.django_db
def test_former_groups_pages_may_be_published_as_archive(demo_home, client):
    """R21: a dissolved group's page was recognised once: it may go public as an archive."""
    page = FachgruppePage.objects.get(slug="qualitaet")
    page.save_revision().publish()
    assert page.title in listed_section(list_html(client))[1]


# --- the Kriterien-Check separates applicants, recognised and former groups -------------------


def export_rows(client, **params) -> dict[str, dict[str, str]]:
    response = client.get(REPORT_URL, {"export": "csv", **params})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["Fachgruppe"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}


def titles(*slugs: str) -> set[str]:
    return set(FachgruppePage.objects.filter(slug__in=slugs).values_list("title", flat=True))


@pytest.mark.django_db
def test_compliance_report_has_a_status_column_and_filter(digitalisierung, admin_client):
    rows = export_rows(admin_client)
    assert rows["Fachgruppe Energieeffizienz"]["Status"].startswith("ehemalig (seit ")
    assert rows["Fachgruppe Qualitätsmanagement"]["Status"].startswith("ehemalig (seit ")
    assert rows["Fachgruppe Nachhaltigkeit im Mittelstand"]["Status"] == "Antragsteller"
    assert rows[digitalisierung.title]["Status"] == "anerkannt"
    assert set(export_rows(admin_client, status="ehemalig")) == titles("energie", "qualitaet")
    assert set(export_rows(admin_client, status="antragsteller")) == titles(
        "nachhaltigkeit", "unternehmensnachfolge", "gesundheitsmanagement", "arbeitszeit", "vertrieb")
    assert set(export_rows(admin_client, status="anerkannt")) == titles(
        "gefaehrdungsbeurteilung", "digitalisierung", "fachkraeftesicherung", "innovation")
    html = admin_client.get(REPORT_URL).content.decode()
    assert "Antragsteller" in html and "ehemalig" in html


@pytest.mark.django_db
def test_former_groups_are_not_red(demo_home, admin_client):
    """R21, R22: a former group's rules are not checked: "—", never "nicht erfüllt"."""
    row = export_rows(admin_client)["Fachgruppe Energieeffizienz"]
    assert row["Gesamt"] == "—"
    assert "nicht erfüllt" not in row.values()
    assert Fachgruppe_titles_red(admin_client).isdisjoint(titles("energie", "qualitaet"))


def Fachgruppe_titles_red(client) -> set[str]:  # noqa: N802 - reads as the filter it applies
    return set(export_rows(client, ergebnis=Status.RED.value))


# --- R21: a change of topic is a recorded step, the Plenum informed ---------------------------


@pytest.mark.django_db
def test_topic_change_is_announced_in_the_ag_transfer_and_the_plenum_informed(
        digitalisierung, django_capture_on_commit_callbacks):
    vorgang = anerkennung(digitalisierung)
    top = held_top(vorgang, "ag_transfer")
    with django_capture_on_commit_callbacks(execute=True):
        entry = perform_transition(vorgang, "themenwechsel_bekanntgeben", user("agtransfer"),
                                   comment="Neuer Themenbereich: Digitale Arbeitswelt", top=top)
    assert (entry.source, entry.target, entry.sitzung_id) == ("anerkannt", "anerkannt", top.sitzung_id)
    assert entry.comment == "Neuer Themenbereich: Digitale Arbeitswelt"
    assert len(mail.outbox) == 1 and "plenum@example.org" in mail.outbox[0].to
    vorgang.refresh_from_db()
    assert vorgang.state == "anerkannt"
    assert Vorgang.objects.is_recognised(digitalisierung)


@pytest.mark.django_db
def test_topic_change_step_needs_the_new_topic_and_a_top(digitalisierung):
    from workflow.services import TransitionError

    vorgang = anerkennung(digitalisierung)
    with pytest.raises(TransitionError):
        perform_transition(vorgang, "themenwechsel_bekanntgeben", user("agtransfer"))
    with pytest.raises(Exception):  # noqa: B017, PT011 - the Plenum may not announce it
        perform_transition(vorgang, "themenwechsel_bekanntgeben", user("plenum"),
                           comment="Digitale Arbeitswelt", top=held_top(vorgang, "ag_transfer"))
    assert not Eintrag.objects.filter(transition="themenwechsel_bekanntgeben").exists()


@pytest.mark.django_db
def test_ag_transfer_enters_only_an_announced_topic(digitalisierung, client):
    """R21: without an announcement the AG Transfer's topic edit is refused; after it, only the
    announced topic area is accepted."""
    grant_page_rights("AG Transfer", digitalisierung)
    client.force_login(user("agtransfer"))
    change = {"title": "Fachgruppe Digitale Arbeitswelt", "topic_area": "Digitale Arbeitswelt"}
    _, response = post_edit(client, digitalisierung, change, PUBLISH)
    assert response.status_code == 200
    assert "zuerst in einer Sitzung der AG Transfer bekanntgegeben (R21)" in response.content.decode()
    vorgang = anerkennung(digitalisierung)
    perform_transition(vorgang, "themenwechsel_bekanntgeben", user("agtransfer"),
                       comment="Neuer Themenbereich: Arbeit 4.0", top=held_top(vorgang, "ag_transfer"))
    _, response = post_edit(client, digitalisierung, change, PUBLISH)
    assert "wurde nicht bekanntgegeben (R21)" in response.content.decode()
    change = {"title": "Fachgruppe Arbeit 4.0", "topic_area": "Arbeit 4.0"}
    _, response = post_edit(client, digitalisierung, change, PUBLISH)
    assert response.status_code == 302
    assert FachgruppePage.objects.get(pk=digitalisierung.pk).topic_area == "Arbeit 4.0"


@pytest.mark.django_db
def test_topic_change_minutes_sentence(digitalisierung):
    from workflow.minutes import decision_text

    entry = step(digitalisierung, "themenwechsel_bekanntgeben", "agtransfer",
                 comment="Neuer Themenbereich: Arbeit 4.0")
    sentence = decision_text(entry)
    assert "gibt einen neuen Themenbereich" in sentence and "(R21)" in sentence
    assert "Arbeit 4.0" in sentence
