"""The bodies decide in their Sitzungen, in a real browser (issue 13; R10, R11, R19, R24).

The AG Transfer's Schriftführung plans a Sitzung; the pending Produkt is on the proposed
agenda; the invitation goes out with its .ics; a member opens the item's review view and reads
the Produkt's text and file; after the Sitzung the decision is recorded under its TOP and the
minutes are drafted, completed and published. The Plenum does the same with its vote; the
Redaktion publishes; the body's public page lists the decision.
"""

import datetime

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from om_pages.models import FachgruppePage, ProduktKind, ProduktPage
from tests.browser.helpers import PASSWORD, log_in, log_out
from tests.workflow.conftest import user
from workflow.models import CHECKLIST, Sitzung, Vorgang
from workflow.services import current_vorgang, perform_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Leitfaden Datensicherung im Kleinbetrieb"
SUMMARY = "Wie kleine Betriebe ihre Daten täglich und sicher sichern."
FILE_TEXT = b"Checkliste Datensicherung: Sicherung, Wiederherstellung, Aufbewahrung.\n"
MINUTES_TEXT = "Die Sitzung wurde ordnungsgemäß einberufen."


def submitted_produkt() -> ProduktPage:
    """A Produkt with a file, submitted by its Fachgruppe to the AG Transfer (R11)."""
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    editor = user("fg-digitalisierung")
    document = get_document_model().objects.create(
        title="Checkliste Datensicherung", collection=fachgruppe.zugang.collection,
        file=ContentFile(FILE_TEXT, name="checkliste-datensicherung.txt"))
    produkt = ProduktPage(title=TITLE, slug="leitfaden-datensicherung", kind=ProduktKind.LEITFADEN,
                          summary=SUMMARY, document=document, live=False)
    fachgruppe.add_child(instance=produkt)
    produkt.save_revision(user=editor)
    perform_transition(current_vorgang(produkt), "einreichen", editor, comment="Bitte beraten.")
    return produkt


def plain_member(body_group: str, username: str):
    """A member of the body who is not its Schriftführung (reads, does not record)."""
    member = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD,
                                                  first_name="Mia", last_name="Mitglied")
    member.groups.add(Group.objects.get(name=body_group))
    return member


def ics_of(message) -> bytes:
    """The calendar attached to an invitation (text/calendar; method=REQUEST)."""
    part = next(a for a in message.attachments if a.get_content_type() == "text/calendar")
    return part.get_payload(decode=True)


def german(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def plan_sitzung(page, body_label: str, start: datetime.datetime) -> Sitzung:
    """The Schriftführung creates the Sitzung; the proposed agenda is shown for editing."""
    page.goto("/admin/sitzungen/new/")
    page.locator("#id_gremium").select_option(label=body_label)
    page.locator("#id_starts_at").fill(german(start))
    page.locator("#id_location").fill("Geschäftsstelle, Heidelberg")
    page.get_by_role("button", name="Erstellen").click()
    page.get_by_text("Tagesordnung vorgeschlagen").wait_for()
    return Sitzung.objects.order_by("-pk").first()


def mark_held_now(sitzung: Sitzung) -> None:
    """Time passes: the Sitzung begins (no save signal, nothing changed for the invitation)."""
    Sitzung.objects.filter(pk=sitzung.pk).update(starts_at=timezone.now() - datetime.timedelta(seconds=1))


def hold_and_decide(page, sitzung: Sitzung, step_label: str, fill) -> None:
    """In the detail view: held, then the decision under the Produkt's TOP."""
    page.goto(f"/admin/sitzungen/inspect/{sitzung.pk}/")
    page.get_by_role("button", name="Als gehalten vermerken").click()
    top = sitzung.tops.get(vorgang__page__title=TITLE)
    page.locator(f"#top-{top.pk}").get_by_role("link", name=f"Beschluss erfassen: {step_label}").click()
    page.get_by_role("heading", name=step_label).wait_for()
    assert page.get_by_label("Tagesordnungspunkt der entscheidenden Sitzung").input_value() == str(top.pk)
    fill(page)
    page.get_by_role("button", name=step_label).click()
    page.get_by_text("erfasst").first.wait_for()


def draft_and_publish_minutes(page, sitzung: Sitzung) -> Sitzung:
    page.goto(f"/admin/sitzungen/inspect/{sitzung.pk}/")
    page.get_by_role("button", name="Protokoll entwerfen").click()
    page.wait_for_url("**/admin/pages/*/edit/")
    assert page.get_by_text(TITLE).count() >= 1  # the TOP with its decision text is drafted
    editor = page.locator(".Draftail-Editor [contenteditable='true']").first
    editor.click()
    editor.type(MINUTES_TEXT)
    page.locator("footer .w-dropdown__toggle").click()
    page.locator("footer button[name='action-publish']").click()
    page.get_by_text("veröffentlicht").first.wait_for()
    sitzung = Sitzung.objects.get(pk=sitzung.pk)  # a protected FSM field cannot be refreshed
    assert sitzung.state == "abgeschlossen" and sitzung.protokoll.live
    return sitzung


def test_ag_transfer_and_plenum_decide_in_their_sitzungen(demo_home, browser_page, screenshot):
    page = browser_page
    produkt = submitted_produkt()
    vorgang = Vorgang.objects.get(page=produkt)
    member = plain_member("AG Transfer", "ag-mitglied")
    start = (timezone.localtime() + datetime.timedelta(days=7)).replace(hour=10, minute=0,
                                                                        second=0, microsecond=0)

    # 1. The AG Transfer's Schriftführung plans its Sitzung: the Produkt is proposed.
    log_in(page, "agtransfer")
    sitzung = plan_sitzung(page, "AG Transfer", start)
    assert sitzung.tops.filter(vorgang=vorgang).count() == 1
    screenshot(page, "40-sitzung-tagesordnung-vorgeschlagen")

    # 2. The invitation goes out: one mail per member, with the .ics in Berlin time.
    mail.outbox.clear()
    page.goto(f"/admin/sitzungen/inspect/{sitzung.pk}/")
    page.get_by_role("link", name="Einladung versenden …").click()
    page.get_by_role("button", name="Einladung versenden").click()
    page.get_by_text("Einladung").first.wait_for()
    to_member = [m for m in mail.outbox if member.email in m.to]
    assert len(to_member) == 1
    invitation = to_member[0]
    event = next(c for c in icalendar.Calendar.from_ical(ics_of(invitation)).walk("VEVENT"))
    assert event.decoded("DTSTART") == start
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    review_url = f"/admin/vorgaenge/{vorgang.pk}/fassung/"
    assert review_url in invitation.body
    log_out(page)

    # 3. A member reads what is to be decided: the text and the file (R11, R19).
    log_in(page, "ag-mitglied")
    page.goto(review_url)
    page.get_by_role("heading", name="Eingereichte Fassung").first.wait_for()
    page.frame_locator("iframe.workflow-review-frame").get_by_text(SUMMARY).first.wait_for()
    file_link = page.get_by_role("link", name="Checkliste Datensicherung")
    download = page.request.get(file_link.get_attribute("href"))
    assert download.ok and download.body() == FILE_TEXT
    screenshot(page, "41-mitglied-liest-vorlage")
    log_out(page)

    # 4. After the Sitzung the Schriftführung records the decision under the TOP, with the
    # checklist (R6, R8, R9, R15, R23), and completes and publishes the minutes.
    mark_held_now(sitzung)
    log_in(page, "agtransfer")

    def confirm_checklist(form_page):
        for text in CHECKLIST.values():
            form_page.get_by_label(text).check()

    hold_and_decide(page, sitzung, "Zustimmen und dem Plenum vorlegen", confirm_checklist)
    vorgang.refresh_from_db()
    assert vorgang.state == "im_plenum"
    entry = vorgang.entries().last()
    assert entry.sitzung_id == sitzung.pk and entry.tagesordnungspunkt.vorgang_id == vorgang.pk
    sitzung = draft_and_publish_minutes(page, sitzung)
    assert "und legt es dem Plenum vor" in " ".join(
        item.decision for item in sitzung.protokoll.agenda_items.all())
    log_out(page)

    # 5. The Plenum does the same with its vote.
    log_in(page, "plenum")
    plenum = plan_sitzung(page, "Plenum", start + datetime.timedelta(days=7))
    assert plenum.tops.filter(vorgang=vorgang).count() == 1
    mark_held_now(plenum)

    def vote(form_page):
        form_page.get_by_label("Ja-Stimmen").fill("21")
        form_page.get_by_label("Nein-Stimmen").fill("0")
        form_page.get_by_label("Enthaltungen").fill("2")

    hold_and_decide(page, plenum, "Beschließen (Plenumsbeschluss)", vote)
    vorgang.refresh_from_db()
    assert vorgang.state == "beschlossen"
    draft_and_publish_minutes(page, plenum)
    log_out(page)

    # 6. The Redaktion publishes the decided revision (R11).
    log_in(page, "redaktion")
    page.goto(f"/admin/freigabe/{produkt.pk}/veroeffentlichen/")
    page.get_by_role("button", name="Beschlossenen Stand veröffentlichen").click()
    page.get_by_text("jetzt „Veröffentlicht“").wait_for()
    log_out(page)

    # 7. The Plenum's public page lists the decision, linking to the published Produkt.
    page.goto("/plenum/")
    page.get_by_role("heading", name="Sitzungen").first.wait_for()
    decision_link = page.get_by_role("link", name=TITLE).first
    decision_link.wait_for()
    produkt.refresh_from_db()
    assert decision_link.get_attribute("href").rstrip("/").endswith(produkt.url.rstrip("/"))
    screenshot(page, "42-plenum-beschluesse")
