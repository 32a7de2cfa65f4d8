"""The Kriterien-Check (R2-R5, R12, R13, R17, R24): colours, inputs, access and export.

The report is read through the real admin views (HTML and CSV/XLSX export), so a test fails
if a rule check, the colour mapping, the view's permissions or the export breaks.
"""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from openpyxl import load_workbook
from wagtail.models import GroupPagePermission

from om_pages.models import (
    FachgruppeMember,
    FachgruppePage,
    JahresberichtPage,
    Organisation,
    OrganisationKind,
    ProtokollPage,
)
from tests.conftest import DEMO_TODAY
from tests.purge import purge_as_superuser
from workflow import compliance
from workflow.compliance import Status

YEAR = DEMO_TODAY.year  # the demo has Protokolle in YEAR - 1 and YEAR
REPORT_URL = "/admin/kriterien-check/"
RULE_KEYS = ["R2", "R3", "R4", "R5", "R17", "R12", "R13", "R7", "R24-vorjahr", "R24-jahr"]

#: The demo's expected colours (``DEMO_TODAY``): all pass the application rules; one group
#: has filed no Jahresbericht; every group has a member that is not yet an OM partner.
EXPECTED_DEMO = {
    "gefaehrdungsbeurteilung": {"R12": Status.GREEN, "R13": Status.AMBER},
    "digitalisierung": {"R12": Status.GREEN, "R13": Status.AMBER},
    "fachkraeftesicherung": {"R12": Status.RED, "R13": Status.AMBER},
}
#: R1: the Leitungskreis checks applications, so the demo's applicant groups (unpublished
#: drafts, workflow/demo.py APPLICANTS) are in the report too. Their demo data: the topic in
#: the name (R2), open and free (R3), four intermediary members that are all OM partners
#: (R4, R13), Koordination and Moderation from intermediaries (R5), a topic of their own
#: (R17). The duties of a recognised group (R7, R12, R24) are not checked for an applicant,
#: which cannot have met them yet ("—").
APPLICANT_SLUGS = ["nachhaltigkeit", "unternehmensnachfolge", "gesundheitsmanagement",
                   "arbeitszeit", "vertrieb"]
RUNNING_KEYS = ["R12", "R7", "R24-vorjahr", "R24-jahr"]
EXPECTED_DEMO |= dict.fromkeys(APPLICANT_SLUGS, dict.fromkeys(RUNNING_KEYS, Status.NOT_CHECKED))
#: A recognised group with a withdrawal pending (R22) is still checked on every rule: no
#: Jahresbericht (R12 red) and no Protokolle: the past year red, the running year amber (R24).
PENDING_SLUGS = ["innovation"]
EXPECTED_DEMO |= dict.fromkeys(PENDING_SLUGS, {"R12": Status.RED, "R24-vorjahr": Status.RED,
                                               "R24-jahr": Status.AMBER})
#: R21, R22: the withdrawn (energie) and the dissolved (qualitaet) group are former groups:
#: their rules are not checked, no cell is red (issue 14).
FORMER_SLUGS = ["energie", "qualitaet"]
EXPECTED_DEMO |= dict.fromkeys(FORMER_SLUGS, dict.fromkeys(RULE_KEYS, Status.NOT_CHECKED))
LIVE_SLUGS = ["gefaehrdungsbeurteilung", "digitalisierung", "fachkraeftesicherung"]


def titles_of(slugs) -> list[str]:
    """Titles in the report's order (by title)."""
    return list(FachgruppePage.objects.filter(slug__in=slugs).order_by("title")
                .values_list("title", flat=True))


def export_rows(client, **params) -> dict[str, dict[str, str]]:
    """The CSV export of the report, keyed by Fachgruppe title."""
    response = client.get(REPORT_URL, {"jahr": YEAR, "export": "csv", **params})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["Fachgruppe"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}


def heading(key: str) -> str:
    return dict(compliance.headings(YEAR))[key]


def cell(client, slug: str, key: str) -> tuple[str, str]:
    """(label, reason) of one cell, read from the exported report."""
    title = FachgruppePage.objects.get(slug=slug).title
    row = export_rows(client)[title]
    return row[heading(key)], row[f"{heading(key)}: Begründung"]


@pytest.fixture
def gefaehrdung(demo_home):
    return FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")


# --- colours of the demo --------------------------------------------------------------------


@pytest.mark.django_db
def test_every_demo_group_has_its_expected_colours(demo_home):
    rows = compliance.build_rows(compliance.prepare(FachgruppePage.objects.all()), today=DEMO_TODAY)
    assert {row.fachgruppe.slug for row in rows} == set(EXPECTED_DEMO)
    for row in rows:
        expected = {key: Status.GREEN for key in RULE_KEYS} | EXPECTED_DEMO[row.fachgruppe.slug]
        assert {c.key: c.status for c in row.cells} == expected, row.title
    by_slug = {row.fachgruppe.slug: row for row in rows}
    assert by_slug["fachkraeftesicherung"].overall is Status.RED
    assert by_slug["digitalisierung"].overall is Status.AMBER
    for slug in APPLICANT_SLUGS:
        assert not by_slug[slug].fachgruppe.live
        assert by_slug[slug].overall is Status.GREEN  # every application rule met (R1)
    for slug in PENDING_SLUGS:
        assert by_slug[slug].overall is Status.RED
    for slug in FORMER_SLUGS:
        assert by_slug[slug].overall is Status.NOT_CHECKED


@pytest.mark.django_db
def test_report_page_shows_every_group_with_coloured_cells(demo_home, admin_client):
    response = admin_client.get(REPORT_URL, {"jahr": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    for group in FachgruppePage.objects.all():
        assert group.title in html
    # Live groups, 30 rule cells: 1 red (Fachkräfte R12), 3 amber (R13), 26 green; their 3
    # overall cells are 1 red (Fachkräfte) and 2 amber.
    # 5 applicants: 6 application rules green, 4 duties "—", overall green.
    # 1 group with a withdrawal pending: 2 red (R12, R24 Vorjahr), 1 amber (R24 Bezugsjahr),
    # 7 green (R7: the founding partners joined this year), overall red.
    # The 2 former groups' cells say "—".
    applicants = len(APPLICANT_SLUGS)
    assert html.count("om-check--red") == (1 + 1) + (2 + 1)
    assert html.count("om-check--amber") == (3 + 2) + 1
    assert html.count("om-check--green") == 26 + applicants * (6 + 1) + 7
    assert html.count("om-check--none") == (len(FORMER_SLUGS) * (len(RULE_KEYS) + 1)
                                            + applicants * len(RUNNING_KEYS))
    assert "Für 2025 liegt kein Jahresbericht an das Plenum vor." in html


@pytest.mark.django_db
def test_green_cell_says_erfuellt(demo_home, admin_client):
    label, reason = cell(admin_client, "digitalisierung", "R4")
    assert (label, reason) == ("erfüllt", "")  # nothing to explain: the reason column stays empty


# --- each input turns the right cell --------------------------------------------------------


def remove_intermediaries(group):
    """The demo group has four intermediaries; removing two leaves one too few."""
    intermediaries = [m.pk for m in group.members.all() if m.organisation.is_intermediary]
    assert len(intermediaries) == 4
    FachgruppeMember.objects.filter(pk__in=intermediaries[2:]).delete()


def delete_protokoll_last_year(group):
    purge_as_superuser(ProtokollPage.objects.child_of(group).filter(date__year=YEAR - 1).first())


def unpublish_jahresbericht(group):
    JahresberichtPage.objects.child_of(group).get(year=YEAR - 1).unpublish()


def delete_jahresbericht(group):
    JahresberichtPage.objects.child_of(group).get(year=YEAR - 1).delete()


def add_non_partner(group):
    Organisation.objects.update(is_om_partner=True)  # start from a clean R13
    newcomer = Organisation.objects.create(name="Neue Beratung GmbH", kind=OrganisationKind.UNTERNEHMEN)
    FachgruppeMember.objects.create(page=group, organisation=newcomer)


def set_fee(group):
    group.mandatory_fee = True
    group.save()


def close_group(group):
    group.open_to_all_partners = False
    group.save()


def drop_moderation(group):
    group.moderation = None
    group.save()


def rename_unrelated(group):
    group.title = "Fachgruppe Nord-West"
    group.save()


def duplicate_topic(group):
    other = FachgruppePage.objects.get(slug="digitalisierung")
    other.topic_area = group.topic_area
    other.save()


def overlapping_topic(group):
    other = FachgruppePage.objects.get(slug="digitalisierung")
    other.topic_area = f"{group.topic_area} psychischer Belastung"
    other.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "key", "label", "reason_part"),
    [pytest.param(*case, id=case[0].__name__) for case in [
        (remove_intermediaries, "R4", "nicht erfüllt", "Nur 2 intermediäre"),
        (delete_protokoll_last_year, "R24-vorjahr", "nicht erfüllt", "1 Protokoll(e) für 2025"),
        (unpublish_jahresbericht, "R12", "Hinweis", "nicht veröffentlicht"),
        (delete_jahresbericht, "R12", "nicht erfüllt", "kein Jahresbericht"),
        (add_non_partner, "R13", "Hinweis", "Neue Beratung GmbH"),
        (set_fee, "R3", "nicht erfüllt", "Mitgliedsbeitrag"),
        (close_group, "R3", "nicht erfüllt", "nicht für alle Partner offen"),
        (drop_moderation, "R5", "nicht erfüllt", "Moderation"),
        (rename_unrelated, "R2", "nicht erfüllt", "nicht erkennbar"),
        (duplicate_topic, "R17", "nicht erfüllt", "bereits die Fachgruppe Digitalisierung"),
        (overlapping_topic, "R17", "Hinweis", "überschneidet sich"),
    ]],
)
def test_changed_input_turns_its_cell(gefaehrdung, admin_client, change, key, label, reason_part):
    before, _ = cell(admin_client, "gefaehrdungsbeurteilung", key)
    assert before == "erfüllt" or change is add_non_partner
    change(FachgruppePage.objects.get(pk=gefaehrdung.pk))
    after, reason = cell(admin_client, "gefaehrdungsbeurteilung", key)
    assert after == label
    assert reason_part in reason


@pytest.mark.django_db
def test_all_partners_turn_r13_green(gefaehrdung, admin_client):
    Organisation.objects.update(is_om_partner=True)
    assert cell(admin_client, "gefaehrdungsbeurteilung", "R13") == ("erfüllt", "")


@pytest.mark.django_db
def test_current_year_short_of_meetings_is_amber_then_red_after_the_year(gefaehrdung):
    """R24: the running year can still be made up (amber); a past year cannot (red)."""
    ProtokollPage.objects.child_of(gefaehrdung).filter(date__year=YEAR).first().unpublish()
    groups = compliance.prepare(FachgruppePage.objects.filter(pk=gefaehrdung.pk))
    [during] = compliance.build_rows(groups, year=YEAR, today=DEMO_TODAY)
    assert during.cell("R24-jahr").status is Status.AMBER
    [after] = compliance.build_rows(groups, year=YEAR + 1, today=datetime.date(YEAR + 1, 3, 1))
    assert after.cell("R24-vorjahr").status is Status.RED


@pytest.mark.django_db
def test_unpublished_protokoll_does_not_count(gefaehrdung, admin_client):
    ProtokollPage.objects.child_of(gefaehrdung).filter(date__year=YEAR - 1).first().unpublish()
    assert cell(admin_client, "gefaehrdungsbeurteilung", "R24-vorjahr")[0] == "nicht erfüllt"


# --- filters --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_filter_by_rule_and_result(demo_home, admin_client):
    rows = export_rows(admin_client, regel="R12", ergebnis="red")
    assert list(rows) == titles_of(["fachkraeftesicherung", *PENDING_SLUGS])
    assert list(export_rows(admin_client, regel="R13", ergebnis="amber")) == titles_of(LIVE_SLUGS)
    assert list(export_rows(admin_client, regel="R24-jahr", ergebnis="amber")) == \
        titles_of(PENDING_SLUGS)
    assert export_rows(admin_client, regel="R4", ergebnis="red") == {}


@pytest.mark.django_db
def test_filter_by_overall_result(demo_home, admin_client):
    assert list(export_rows(admin_client, ergebnis="red")) == \
        titles_of(["fachkraeftesicherung", *PENDING_SLUGS])
    assert list(export_rows(admin_client, ergebnis="amber")) == \
        titles_of(["gefaehrdungsbeurteilung", "digitalisierung"])


@pytest.mark.django_db
def test_filter_by_fachgruppe_and_page_status(demo_home, admin_client):
    group = FachgruppePage.objects.get(slug="digitalisierung")
    assert list(export_rows(admin_client, fachgruppe=group.pk)) == [group.title]
    assert list(export_rows(admin_client, seite="entwurf")) == \
        titles_of([*APPLICANT_SLUGS, *PENDING_SLUGS, *FORMER_SLUGS])
    group.unpublish()
    assert list(export_rows(admin_client, seite="entwurf")) == \
        titles_of(["digitalisierung", *APPLICANT_SLUGS, *PENDING_SLUGS, *FORMER_SLUGS])
    assert export_rows(admin_client, seite="entwurf")[group.title]["Seite"] == "nicht veröffentlicht"
    assert group.title not in export_rows(admin_client, seite="veroeffentlicht")


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"jahr": "abc"}, {"jahr": "1800"}, {"regel": "R99"},
                                    {"ergebnis": "lila"}, {"fachgruppe": "999999"}, {"p": "x"}])
def test_bad_filter_values_never_fail(demo_home, admin_client, params):
    response = admin_client.get(REPORT_URL, params)
    assert response.status_code == 200


# --- export ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_export_contains_every_group_and_reason(demo_home, admin_client):
    response = admin_client.get(REPORT_URL, {"jahr": YEAR, "export": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="kriterien-check-')
    rows = export_rows(admin_client)
    assert set(rows) == set(FachgruppePage.objects.values_list("title", flat=True))
    fachkraefte = rows["Fachgruppe Fachkräftesicherung"]
    assert fachkraefte["Gesamt"] == "nicht erfüllt"
    assert fachkraefte[heading("R12")] == "nicht erfüllt"
    assert "kein Jahresbericht" in fachkraefte[f"{heading('R12')}: Begründung"]


@pytest.mark.django_db
def test_xlsx_export_contains_every_group(demo_home, admin_client):
    response = admin_client.get(REPORT_URL, {"jahr": YEAR, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:4] == ["Fachgruppe", "Themenbereich", "Seite", "Gesamt"]
    assert heading("R24-jahr") in header
    by_title = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert set(by_title) == set(FachgruppePage.objects.values_list("title", flat=True))
    assert by_title["Fachgruppe Fachkräftesicherung"][heading("R12")] == "nicht erfüllt"
    assert by_title["Fachgruppe Digitalisierung im Mittelstand"][heading("R13")] == "Hinweis"


@pytest.mark.django_db
def test_csv_opens_in_german_excel(demo_home, admin_client):
    """Semicolons and a UTF-8 byte-order mark, so Excel shows columns and umlauts."""
    response = admin_client.get(REPORT_URL, {"jahr": YEAR, "export": "csv"})
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Fachgruppe;Themenbereich;Seite;Gesamt;")
    assert "erfüllt" in raw.decode("utf-8-sig") and "erfÃ¼llt" not in raw.decode("utf-8-sig")


@pytest.mark.django_db
def test_xlsx_is_ready_for_a_german_office(demo_home, admin_client):
    """German sheet name, bold frozen header, autofilter, widths, traffic-light fills."""
    response = admin_client.get(REPORT_URL, {"jahr": YEAR, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "Kriterien-Check"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert sheet.column_dimensions["A"].width >= len("Fachgruppe Fachkräftesicherung")
    fills = {cell.value: cell.fill.start_color.rgb for line in sheet.iter_rows(min_row=2)
             for cell in line if cell.value in ("erfüllt", "Hinweis", "nicht erfüllt")}
    assert fills["erfüllt"].endswith("C6EFCE") and fills["nicht erfüllt"].endswith("FFC7CE")
    assert fills["Hinweis"].endswith("FFEB9C")
    header = [cell.value for cell in sheet[1]]
    reason = header.index(f"{heading('R4')}: Begründung")
    greens = [line[reason].value for line in sheet.iter_rows(min_row=2)
              if line[header.index(heading("R4"))].value == "erfüllt"]
    assert greens and all(value in (None, "") for value in greens)


# --- access ---------------------------------------------------------------------------------


def assert_denied(response):
    """Wagtail turns PermissionDenied in the admin into a redirect to the dashboard."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


def make_user(django_user_model, username: str, *groups: Group):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(*groups)
    return user


def admin_group(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return group


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(demo_home, client):
    for url in (REPORT_URL, f"{REPORT_URL}?export=csv",
                f"{REPORT_URL}{FachgruppePage.objects.first().pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_plain_editor_cannot_see_report(demo_home, client, django_user_model):
    client.force_login(make_user(django_user_model, "redakteur", admin_group("Editors")))
    assert_denied(client.get(REPORT_URL))
    assert_denied(client.get(REPORT_URL, {"export": "csv"}))
    assert_denied(client.get(REPORT_URL, {"export": "xlsx"}))
    assert "Kriterien-Check" not in client.get("/admin/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["Leitungskreis", "AG Transfer", "Plenum"])
def test_oversight_bodies_see_report_and_menu(demo_home, client, django_user_model, body):
    client.force_login(make_user(django_user_model, "mitglied", admin_group(body)))
    response = client.get(REPORT_URL, {"jahr": YEAR})
    assert response.status_code == 200
    assert "Fachgruppe Fachkräftesicherung" in response.content.decode()
    assert REPORT_URL in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_group_editor_sees_only_own_group_check(demo_home, client, django_user_model):
    own = FachgruppePage.objects.get(slug="digitalisierung")
    other = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    group = admin_group("Fachgruppe Digitalisierung")
    GroupPagePermission.objects.create(group=group, page=own, permission_type="change")
    client.force_login(make_user(django_user_model, "digital", group))
    assert client.get(f"{REPORT_URL}{own.pk}/").status_code == 200
    assert_denied(client.get(f"{REPORT_URL}{other.pk}/"))
    assert_denied(client.get(REPORT_URL))


# --- per-group view -------------------------------------------------------------------------


@pytest.mark.django_db
def test_group_view_lists_each_rule_with_reason(demo_home, admin_client):
    group = FachgruppePage.objects.get(slug="fachkraeftesicherung")
    response = admin_client.get(f"{REPORT_URL}{group.pk}/", {"jahr": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    for _key, text in compliance.headings(YEAR):
        assert text in html
    assert html.count("om-check--red") == 1
    assert "Institut für Mittelstandsforschung Bonn" in html


@pytest.mark.django_db
def test_group_view_exports(demo_home, admin_client):
    group = FachgruppePage.objects.get(slug="fachkraeftesicherung")
    response = admin_client.get(f"{REPORT_URL}{group.pk}/", {"jahr": YEAR, "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["Regel"] for row in rows] == [text for _key, text in compliance.headings(YEAR)]
    assert {row["Regel"]: row["Ergebnis"] for row in rows}[heading("R12")] == "nicht erfüllt"


@pytest.mark.django_db
def test_group_view_of_missing_page_is_404(demo_home, admin_client):
    assert admin_client.get(f"{REPORT_URL}999999/").status_code == 404


@pytest.mark.django_db
def test_fachgruppe_edit_page_links_to_its_check(demo_home, admin_client):
    group = FachgruppePage.objects.get(slug="digitalisierung")
    html = admin_client.get(f"/admin/pages/{group.pk}/edit/").content.decode()
    assert f"{REPORT_URL}{group.pk}/" in html
    protokoll = ProtokollPage.objects.child_of(group).first()
    html = admin_client.get(f"/admin/pages/{protokoll.pk}/edit/").content.decode()
    assert re.search(r"/admin/kriterien-check/\d+/", html) is None


@pytest.mark.django_db
def test_filter_results_fragment_for_wagtails_filter_ui(demo_home, admin_client):
    """Wagtail's filter drilldown reloads only the results; they honour the same filters."""
    response = admin_client.get(f"{REPORT_URL}ergebnisse/", {"jahr": YEAR, "regel": "R12", "ergebnis": "red"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fachgruppe Fachkräftesicherung" in html
    assert "Fachgruppe Digitalisierung im Mittelstand" not in html
    group = FachgruppePage.objects.get(slug="fachkraeftesicherung")
    assert admin_client.get(f"{REPORT_URL}{group.pk}/ergebnisse/").status_code == 200


# --- which version is checked ---------------------------------------------------------------


@pytest.mark.django_db
def test_draft_changes_are_checked_only_when_asked(gefaehrdung, admin_client):
    """The report shows the published group; the group view can check the newest draft."""
    gefaehrdung.mandatory_fee = True
    gefaehrdung.save_revision()
    assert cell(admin_client, "gefaehrdungsbeurteilung", "R3")[0] == "erfüllt"
    url = f"{REPORT_URL}{gefaehrdung.pk}/"
    published = admin_client.get(url, {"jahr": YEAR}).content.decode()
    draft = admin_client.get(url, {"jahr": YEAR, "fassung": "entwurf"}).content.decode()
    assert "Mitgliedsbeitrag" not in published
    assert "Mitgliedsbeitrag" in draft and "neueste Fassung" in draft


@pytest.mark.django_db
def test_unpublished_application_is_checked_in_its_newest_revision(demo_home, admin_client):
    """An application (R1) lives in revisions only; the report checks what was entered."""
    index = FachgruppePage.objects.first().get_parent()
    # A slug of its own: the demo already has an application "nachhaltigkeit".
    application = FachgruppePage(title="Fachgruppe Kreislaufwirtschaft", slug="kreislaufwirtschaft",
                                 topic_area="Kreislaufwirtschaft", live=False)
    index.add_child(instance=application)
    application.save_revision()
    application.title = "Fachgruppe Nord"
    application.save_revision()
    row = export_rows(admin_client)["Fachgruppe Nord"]  # the newest revision's name
    assert row["Seite"] == "nicht veröffentlicht"
    assert row[heading("R2")] == "nicht erfüllt"
    assert row[heading("R4")] == "nicht erfüllt" and row[heading("R5")] == "nicht erfüllt"


@pytest.mark.django_db
def test_group_editor_reaches_own_check_from_the_dashboard(demo_home, client):
    """The dashboard links the editor's own Kriterien-Check, not another group's."""
    from tests.workflow.conftest import user

    own = FachgruppePage.objects.get(slug="digitalisierung")
    other = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    client.force_login(user("fg-digitalisierung"))
    html = client.get("/admin/").content.decode()
    assert f'href="{REPORT_URL}{own.pk}/"' in html
    assert f'href="{REPORT_URL}{other.pk}/"' not in html
    assert client.get(f"{REPORT_URL}{own.pk}/").status_code == 200
