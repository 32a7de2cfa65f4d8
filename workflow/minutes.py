"""„Protokoll entwerfen“: the minutes of a held Sitzung, drafted for its Schriftführung (R19, R24).

The draft is an unpublished ``ProtokollPage`` under the body's ``GremiumPage`` (or the
Fachgruppe's page) that joins the Sitzung (``for_sitzung``, ``workflow.protokoll_sitzung``).
It holds the Sitzung's date, kind, place and attendees and one ``AgendaItem`` per TOP; the
decision of a TOP is the sentence of the step recorded under it (``Step.minutes``), filled
from the record (votes, checklist, reasons), so the minutes say what the record says
(R1, R10, R11). The Schriftführung completes the draft and publishes it; publishing closes the
Sitzung. Minutes are approved under the standing TOP of the next Sitzung, whose draft names
them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Page

from om_pages.models import AgendaItem, GremiumPage, ProtokollPage
from workflow.choices import CHECKLIST, Gremium, Kind
from workflow.permissions import may_run_sitzung
from workflow.sitzung import Sitzung, SitzungState, Tagesordnungspunkt, TopKind
from workflow.steps import step_of
from workflow.vorgang import MACHINES, Eintrag

#: How the decided object is named in a sentence: (dative, accusative, genitive, pronoun).
GRAMMAR: dict[str, tuple[str, str, str, str]] = {
    Kind.PRODUKT: ("dem Produkt", "das Produkt", "des Produkts", "es"),
    Kind.VERANSTALTUNG: ("der Veranstaltung", "die Veranstaltung", "der Veranstaltung", "sie"),
    Kind.ANERKENNUNG: ("der Fachgruppe", "die Fachgruppe", "der Fachgruppe", "sie"),
}

#: A Vorlage not decided in the Sitzung is proposed again for the next one (workflow.agenda).
UNDECIDED = "Keine Entscheidung; die Vorlage wird in der nächsten Sitzung erneut beraten."

NOT_HELD = ("Ein Protokoll wird für eine gehaltene Sitzung entworfen; diese Sitzung ist „{state}“. "
            "Bitte die Sitzung zuerst als gehalten vermerken.")


def votes_text(yes: int, no: int, abstain: int) -> str:
    """„Abstimmung: 24 Ja, 2 Nein, 3 Enthaltungen“ (R1, R10, R11)."""
    return f"Abstimmung: {yes} Ja, {no} Nein, {abstain} {'Enthaltung' if abstain == 1 else 'Enthaltungen'}"


def checklist_text(checklist: dict[str, bool]) -> str:
    """„R6, R8, R9, R15, R23 bestätigt“; rules not confirmed are named as such."""
    confirmed = [rule for rule in CHECKLIST if checklist.get(rule)]
    missing = [rule for rule in CHECKLIST if not checklist.get(rule)]
    text = f"{', '.join(confirmed)} bestätigt" if confirmed else "keine Kriterien bestätigt"
    return text + (f"; nicht bestätigt: {', '.join(missing)}" if confirmed and missing else "")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def decision_text(eintrag: Eintrag) -> str:
    """The sentence the minutes record for one decision (``Step.minutes`` filled from the record)."""
    vorgang = eintrag.vorgang
    transition = MACHINES[vorgang.kind].transition_meta(eintrag.transition)
    step = step_of(transition) if transition is not None else None
    title = f"„{vorgang.page_title}“"
    dative, accusative, genitive, pronoun = GRAMMAR[vorgang.kind]
    if step is None or not step.minutes:
        text = f"{eintrag.label}: {vorgang.page_title}."
    else:
        votes = votes_text(eintrag.votes_yes, eintrag.votes_no, eintrag.votes_abstain) \
            if eintrag.has_votes else ""
        reasons = f"Begründung: {_sentence(eintrag.comment)}" if eintrag.comment.strip() else ""
        text = step.minutes.format(
            subject=f"{dative} {title}", object=f"{accusative} {title}",
            genitive=f"{genitive} {title}", pronoun=pronoun,
            checklist=checklist_text(eintrag.checklist or {}), votes=votes, reasons=reasons)
        text = " ".join(text.replace(" .", "").split())  # an empty {votes}/{reasons} leaves no gap
        if eintrag.comment.strip() and not step.reasons:
            text += f" Anmerkung: {_sentence(eintrag.comment)}"
    return text


def previous_minutes_text(sitzung: Sitzung) -> str:
    """The standing TOP „Genehmigung des Protokolls der letzten Sitzung“ names those minutes."""
    previous = sitzung.previous()
    if previous is None:
        return "Keine vorherige Sitzung."
    if previous.protokoll_id is None:
        return f"Zur Sitzung vom {previous.date_local} liegt noch kein Protokoll vor."
    return (f"Das Protokoll der Sitzung vom {previous.date_local} "
            f"(„{previous.protokoll.title}“) wird genehmigt.")


def agenda_item_for(sitzung: Sitzung, top: Tagesordnungspunkt, entries: list[Eintrag]) -> AgendaItem:
    """One TOP of the minutes: its title and what was decided under it."""
    if top.kind == TopKind.PROTOKOLL:
        decision = previous_minutes_text(sitzung)
    elif top.kind == TopKind.VORGANG and not entries:
        decision = UNDECIDED
    else:
        decision = " ".join(decision_text(e) for e in entries)
    return AgendaItem(title=top.title, discussion=top.notes, decision=decision)


def parent_page(sitzung: Sitzung) -> Page:
    """The page the Sitzung's Protokoll is filed under: the body's or the Fachgruppe's."""
    if sitzung.gremium == Gremium.FACHGRUPPE:
        return sitzung.fachgruppe
    return GremiumPage.objects.get(kind=sitzung.gremium)


def minutes_title(sitzung: Sitzung) -> str:
    """„Protokoll der Sitzung der AG Transfer vom 12.01.2027“."""
    return f"Protokoll der Sitzung {sitzung.body_name} vom {sitzung.date_local}"


def build_minutes(sitzung: Sitzung) -> ProtokollPage:
    """The unsaved draft: the Sitzung's facts and one agenda item per TOP with its decision."""
    entries: dict[int, list[Eintrag]] = {}
    for eintrag in (Eintrag.objects.filter(sitzung=sitzung).select_related("vorgang")
                    .order_by("created_at", "pk")):
        entries.setdefault(eintrag.tagesordnungspunkt_id, []).append(eintrag)
    place = sitzung.location or sitzung.online_url
    page = ProtokollPage(
        title=minutes_title(sitzung), date=timezone.localtime(sitzung.starts_at).date(),
        meeting_kind=sitzung.meeting_kind, location=place[:255], attendees=sitzung.attendees,
        live=False)
    page.agenda_items = [agenda_item_for(sitzung, top, entries.get(top.pk, []))
                         for top in sitzung.agenda()]
    page.for_sitzung = sitzung  # workflow.protokoll_sitzung links it to this Sitzung
    return page


def draft_minutes(sitzung: Sitzung, user) -> ProtokollPage:
    """The Sitzung's Protokoll: the existing one, or a new unpublished draft (held Sitzungen only).

    Raises ``PermissionDenied`` (German) for a user who does not run the Sitzung, or who has no
    page right to add its Protokoll, and for a Sitzung that is not held.
    """
    if not may_run_sitzung(sitzung, user):
        raise PermissionDenied("Das Protokoll einer Sitzung entwirft die Schriftführung des "
                               "Gremiums (bei einer Fachgruppe: ihre Mitglieder).")
    with transaction.atomic():
        # Locked, so that a double click drafts one Protokoll, not two.
        sitzung = Sitzung.objects.select_for_update().get(pk=sitzung.pk)
        if sitzung.protokoll_id:
            return sitzung.protokoll
        if sitzung.state != SitzungState.GEHALTEN:
            raise PermissionDenied(NOT_HELD.format(state=sitzung.get_state_display()))
        parent = parent_page(sitzung)
        if not parent.permissions_for_user(user).can_add_subpage():
            raise PermissionDenied(
                f"Sie dürfen unter „{parent.title}“ keine Protokolle anlegen (R19).")
        page = build_minutes(sitzung)
        page.slug = find_available_slug(parent, f"protokoll-{page.date:%Y-%m-%d}")
        page.owner = user
        parent.add_child(instance=page)
        page.save_revision(user=user, log_action=False)
        log(instance=page, action="wagtail.create", user=user)
    return page
