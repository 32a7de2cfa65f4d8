"""A Fachgruppe's whole life in a real browser (issue 14; R1–R5, R13, R17, R19, R22, R26).

A partner's person (demo user ``fg-gruendung``, DGB-Bildungswerk) founds the group from
„Fachgruppe gründen“, fills its concept in the page editor — goals, approach, openness (R3),
the Moderation (R5) and two more member organisations (R4: three intermediaries, all OM
partners, R13) through Wagtail's snippet choosers —, sees the draft's Kriterien-Check green
and applies from the editor's action menu (R1). The bodies' decisions are recorded in the
ORM (``perform_transition`` under held TOPs, as ``tests/workflow/conftest.complete_decision``
builds them): the journey's focus is the group. Once recognised, the Koordination publishes
the page and shares editing with a colleague of a member organisation („Bearbeitende“, R19),
who then opens the editor. After the Plenum withdraws the recognition on the Leitungskreis'
proposal (R22), an anonymous visitor no longer finds the group in the public list (R26),
and its page says why, with the date of the Plenum's Sitzung.
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from om_pages.models import FachgruppePage, Organisation, Person
from tests.browser.helpers import PASSWORD, log_in, log_out
from tests.workflow.conftest import complete_decision, user
from workflow.models import Anerkennung, State
from workflow.services import perform_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Fachgruppe Barrierefreiheit im Betrieb"
TOPIC = "Barrierefreiheit"
GOALS = "Barrierefreie Arbeitsplätze in kleinen und mittleren Unternehmen verbreiten."
APPROACH = "Zwei Sitzungen im Jahr mit Praxisbeispielen der Partner."
#: DGB-Bildungswerk comes with the founder; these two join in the editor (R4: intermediaries).
MORE_MEMBERS = ["RKW Kompetenzzentrum", "Zentralverband des Deutschen Handwerks"]
MODERATION = "Yılmaz"  # RKW Kompetenzzentrum: an intermediary (R5)
#: The Kriterien-Check rows an application is decided on (R1: R2–R5, R17) and R13. The duties
#: of a recognised group (R12 yearly report, R24 Sitzungen, R7) are not checked for an
#: applicant ("—").
APPLICATION_RULES = ["R2 Name zeigt Thema", "R3 offen, keine Beiträge", "R4 drei Intermediäre",
                     "R5 zwei Ansprechpersonen", "R17 eine Gruppe je Thema", "R13 Partner in der OM"]


def choose_snippet(page, chooser_id: str, choice: str) -> None:
    """Open a snippet chooser's modal, search, click the result; wait until it is chosen."""
    chooser = page.locator(f"#{chooser_id}-chooser")
    chooser.locator(".chooser__choose-button").click()
    modal = page.locator(".modal-dialog")
    modal.locator("#id_q").fill(choice)  # the list is paginated: search narrows it
    modal.get_by_role("link", name=choice).first.click()
    chooser.locator("[data-chooser-title]").filter(has_text=choice).wait_for()


def header_action(page, name: str) -> None:
    """Follow a link of the editor header's „Aktionen“ menu (the page header buttons)."""
    page.locator("button.w-h-slim-header[aria-label='Aktionen']").click()
    page.get_by_role("link", name=name, exact=True).click()


def fill_rich_text(page, field: str, text: str) -> None:
    """Type into a Draftail editor (the rich text fields goals and approach)."""
    editor = page.locator(f"[data-contentpath='{field}'] .public-DraftEditor-content")
    editor.click()
    editor.press_sequentially(text)


def step(fachgruppe: FachgruppePage, name: str, username: str):
    """A body's decision on the group's Anerkennung, recorded like the admin form does."""
    vorgang = Anerkennung.objects.filter(page=fachgruppe).order_by("-pk").first()
    return perform_transition(vorgang, name, user(username), **complete_decision(vorgang, name))


def colleague_with_login() -> Person:
    """A person of the member organisation RKW with a CMS account, not yet an editor (R19)."""
    account = get_user_model().objects.create_user(
        "kollegin", "k.kollegin@example.org", PASSWORD, first_name="Karla", last_name="Kollegin")
    return Person.objects.create(first_name="Karla", last_name="Kollegin", user=account,
                                 organisation=Organisation.objects.get(name="RKW Kompetenzzentrum"))


def test_group_from_founding_to_withdrawal(demo_home, browser_page, screenshot):
    page = browser_page

    # 1. A partner's person founds the group: a draft, opened in the page editor (R1, R19).
    log_in(page, "fg-gruendung")
    page.get_by_role("link", name="Fachgruppe gründen").first.click()
    page.get_by_label("Name der Fachgruppe").fill(TITLE)
    page.get_by_label("Themenbereich").fill(TOPIC)
    page.get_by_label("Kurzbeschreibung").fill("Barrierefreie Arbeitsplätze in KMU.")
    screenshot(page, "50-fachgruppe-gruenden")
    page.get_by_role("button", name="Fachgruppe als Entwurf anlegen").click()
    page.get_by_text(f"Die Fachgruppe „{TITLE}“ ist als Entwurf angelegt").wait_for()
    fachgruppe = FachgruppePage.objects.get(title=TITLE)
    assert page.url.endswith(f"/admin/pages/{fachgruppe.pk}/edit/")
    assert not fachgruppe.live

    # 2. The concept in the editor: goals, approach, R3, the Moderation (R5), members (R4).
    fill_rich_text(page, "goals", GOALS)
    fill_rich_text(page, "approach", APPROACH)
    page.locator("#id_open_to_all_partners").check()
    page.locator("#id_mandatory_fee").uncheck()
    choose_snippet(page, "id_moderation", MODERATION)
    for index, name in enumerate(MORE_MEMBERS, start=1):
        page.locator("#id_members-ADD").click()
        choose_snippet(page, f"id_members-{index}-organisation", name)
    screenshot(page, "51-konzept-im-editor")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_text("wurde aktualisiert").first.wait_for()
    draft = FachgruppePage.objects.get(pk=fachgruppe.pk).get_latest_revision_as_object()
    assert GOALS in draft.goals and draft.moderation.last_name == MODERATION
    assert sorted(m.organisation.name for m in draft.members.all()) == sorted(
        ["DGB-Bildungswerk", *MORE_MEMBERS])

    # 3. The draft's Kriterien-Check is green; then „Anerkennung beantragen“ (R1).
    header_action(page, "Kriterien-Check (Entwurf)")
    page.wait_for_url(f"**/admin/kriterien-check/{fachgruppe.pk}/?*fassung=entwurf*")
    page.get_by_role("row").filter(has_text=APPLICATION_RULES[0]).wait_for()
    screenshot(page, "52-kriterien-check-entwurf")
    for rule in APPLICATION_RULES:
        cell = page.get_by_role("row").filter(has_text=rule).locator(".om-check__label")
        assert cell.inner_text() == "erfüllt", rule
    assert page.get_by_text("nicht erfüllt").count() == 0  # the whole check is green
    page.goto(f"/admin/pages/{fachgruppe.pk}/edit/")
    page.locator("footer .w-dropdown__toggle").click()
    page.locator("footer").get_by_role("link", name="Anerkennung beantragen").click()
    page.get_by_role("heading", name="Anerkennung beantragen").wait_for()
    page.get_by_label("Kommentar / Begründung").fill("Wir beantragen die Anerkennung.")
    screenshot(page, "53-anerkennung-beantragen")
    page.get_by_role("button", name="Anerkennung beantragen").click()
    page.get_by_text("jetzt „").first.wait_for()
    vorgang = Anerkennung.objects.get(page=fachgruppe)
    assert vorgang.state == State.BEIM_LEITUNGSKREIS

    # 4. The bodies recognise it (ORM, under held TOPs); the Koordination publishes the page
    # and shares editing with a colleague of a member organisation (R19).
    step(fachgruppe, "lk_weiterleiten", "leitungskreis")
    step(fachgruppe, "ag_vorschlagen", "agtransfer")
    step(fachgruppe, "plenum_anerkennen", "plenum")
    assert Anerkennung.objects.get(page=fachgruppe).state == State.ANERKANNT
    colleague = colleague_with_login()
    page.goto(f"/admin/pages/{fachgruppe.pk}/edit/")
    page.locator("footer .w-dropdown__toggle").click()
    page.locator("footer").get_by_role("button", name="Veröffentlichen").click()
    page.get_by_text("wurde veröffentlicht").first.wait_for()
    assert FachgruppePage.objects.get(pk=fachgruppe.pk).live
    header_action(page, "Bearbeitende")
    page.get_by_role("heading", name="Bearbeitende").first.wait_for()
    page.get_by_label("Person").select_option(label="Karla Kollegin (RKW Kompetenzzentrum)")
    page.get_by_role("button", name="Hinzufügen").click()
    page.get_by_text("Karla Kollegin bearbeitet jetzt die Seiten der Fachgruppe mit.").wait_for()
    editors = page.locator(".om-sharing-editors")
    assert "Karla Kollegin" in editors.inner_text()
    screenshot(page, "54-bearbeitende")
    log_out(page)
    log_in(page, colleague.user.username)
    page.goto(f"/admin/pages/{fachgruppe.pk}/edit/")
    assert page.locator("#id_title").input_value() == TITLE
    screenshot(page, "55-mitbearbeiterin-im-editor")
    log_out(page)
    page.goto("/fachgruppen/")
    page.get_by_role("link", name=TITLE).wait_for()  # recognised and published: listed (R26)

    # 5. The Plenum withdraws the recognition on the Leitungskreis' proposal (R22, ORM): the
    # group leaves the public list, and its page says why with the Plenum's date.
    step(fachgruppe, "aberkennung_vorschlagen", "leitungskreis")
    entry = step(fachgruppe, "plenum_aberkennen", "plenum")
    day = timezone.localtime(entry.sitzung.starts_at).strftime("%d.%m.%Y")
    page.goto("/fachgruppen/")
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_text(TITLE).count() == 0
    screenshot(page, "56-liste-ohne-aberkannte-fachgruppe")
    page.goto(FachgruppePage.objects.get(pk=fachgruppe.pk).url)
    page.get_by_role("heading", level=1, name=TITLE).wait_for()
    notice = page.get_by_role("status").filter(has_text="entzogen")
    notice.wait_for(timeout=5_000)
    assert notice.inner_text() == (f"Die Anerkennung als Fachgruppe der Offensive Mittelstand "
                                   f"wurde am {day} vom Plenum entzogen.")
    screenshot(page, "57-seite-aberkannt")
