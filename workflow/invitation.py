"""The invitation to a Sitzung: e-mail with agenda and calendar entry, its record, its updates.

"Einladung versenden" takes the Sitzung's step ``einladen`` (invited_at, invitation_sequence),
mails every member of the body (or of the Fachgruppe, R19, R24) a German text with an HTML
part and an .ics (METHOD:REQUEST, RFC 5545/5546), and records it on the Sitzung as a Wagtail
log entry (action ``om.sitzung.einladung``, shown in the Sitzung's history). The entry keeps
a ``snapshot`` of what the members were told (start, end, place, link, agenda titles).

A change after the invitation sends an update: a ``post_save`` of an invited Sitzung compares,
once the transaction has committed (the admin saves the TOPs after the Sitzung itself), the
current snapshot with the recorded one; only a difference sends "Aktualisierte Einladung" with
the next SEQUENCE, so saving without such a change sends nothing.

Mail and record succeed or fail together: if the mail server refuses, the step is rolled back
and the failure logged, so the record never claims an invitation nobody received.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email.mime.text import MIMEText
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import ModelLogEntry

from workflow.choices import Gremium
from workflow.notifications import body_emails, fachgruppe_emails, group_emails
from workflow.sitzung import Sitzung, SitzungState
from workflow.sitzung_ics import (
    invitation_calendar,
    local_end,
    local_start,
    member_location,
    sitzung_event,
)
from workflow.vorgang import FachgruppeZugang

logger = logging.getLogger("workflow")

#: The Wagtail log action of a sent invitation or update (registered in invitation_hooks).
LOG_ACTION = "om.sitzung.einladung"
#: What the members were told, field by field, with the German name used in the update mail.
SNAPSHOT_LABELS = {
    "starts_at": "Beginn", "ends_at": "Ende", "location": "Ort", "online_url": "Link",
    "agenda": "Tagesordnung",
}
#: Set on an instance while this module saves it: that save is not a change to announce.
_INVITING = "_om_inviting"


class InvitationNotSent(Exception):
    """The mail server refused; nothing was recorded."""


@dataclass
class InvitationResult:
    sitzung: Sitzung
    recipients: list[str]
    is_update: bool
    changed: list[str] = field(default_factory=list)


# --- who and what ------------------------------------------------------------------------------


def recipients(sitzung: Sitzung) -> list[str]:
    """The body's active members with an address; for a Fachgruppe's own Sitzung its members:
    the users of its Wagtail group and its Koordination and Moderation (R5, R19, R24)."""
    if sitzung.gremium != Gremium.FACHGRUPPE:
        return sorted(body_emails(sitzung.gremium))
    addresses = fachgruppe_emails(sitzung.fachgruppe)
    access = FachgruppeZugang.objects.filter(fachgruppe_id=sitzung.fachgruppe_id).first()
    if access is not None and access.group_id:
        addresses |= group_emails(pk=access.group_id)
    return sorted(addresses)


def snapshot(sitzung: Sitzung) -> dict:
    """What the members are told: start, end, place, link, the agenda titles in order."""
    return {
        "starts_at": local_start(sitzung).isoformat(),
        "ends_at": local_end(sitzung).isoformat(),
        "location": sitzung.location,
        "online_url": sitzung.online_url,
        "agenda": [top.title for top in sitzung.agenda()],
    }


def changes(before: dict, after: dict) -> list[str]:
    """The German names of what differs („Beginn“, „Tagesordnung“ …)."""
    return [label for key, label in SNAPSHOT_LABELS.items() if before.get(key) != after.get(key)]


def invitations(sitzung: Sitzung):
    """The recorded invitations and updates of ``sitzung``, newest first."""
    return ModelLogEntry.objects.for_instance(sitzung).filter(action=LOG_ACTION).order_by(
        "-timestamp", "-pk")


def invited_snapshot(sitzung: Sitzung) -> dict | None:
    """The snapshot recorded with the last invitation, or None before the first."""
    entry = invitations(sitzung).first()
    return entry.data.get("snapshot") if entry is not None else None


def agenda_changed(sitzung: Sitzung) -> bool:
    """True if the agenda differs from the one in the last invitation."""
    before = invited_snapshot(sitzung)
    return before is not None and before.get("agenda") != snapshot(sitzung)["agenda"]


def refusal(sitzung: Sitzung) -> str:
    """Why no invitation can go out now (state, time), in German; "" if it can."""
    if sitzung.state not in (SitzungState.GEPLANT, SitzungState.EINGELADEN):
        return (f"Die Sitzung ist „{sitzung.get_state_display()}“; eingeladen wird nur zu "
                "geplanten Sitzungen.")
    if sitzung.starts_at <= timezone.now():
        return "Die Sitzung liegt in der Vergangenheit; zu ihr wird nicht mehr eingeladen."
    return ""


# --- the message -------------------------------------------------------------------------------


def admin_url(sitzung: Sitzung) -> str:
    """The Sitzung in the admin (its edit view if the viewset is there, else the listing)."""
    try:
        path = reverse("sitzungen:edit", args=(sitzung.pk,))
    except NoReverseMatch:
        path = "/admin/sitzungen/"
    return settings.WAGTAILADMIN_BASE_URL + path


def agenda_lines(sitzung: Sitzung) -> list[dict]:
    """Number, title and the review link of each TOP (members read the submitted version)."""
    return [{
        "number": top.number,
        "title": top.title,
        "url": settings.WAGTAILADMIN_BASE_URL + reverse("workflow_review", args=(top.vorgang_id,))
        if top.vorgang_id else "",
    } for top in sitzung.agenda()]


def when(sitzung: Sitzung) -> str:
    """„Dienstag, 12. Januar 2027, 10:00–12:00 Uhr“ in Berlin time."""
    start, end = local_start(sitzung), local_end(sitzung)
    text = f"{date_format(start, 'l, j. F Y')}, {start:%H:%M}"
    if end.date() == start.date():
        return f"{text}–{end:%H:%M} Uhr"
    return f"{text} Uhr bis {date_format(end, 'l, j. F Y')}, {end:%H:%M} Uhr"


def subject(sitzung: Sitzung, is_update: bool) -> str:
    kind = "Aktualisierte Einladung" if is_update else "Einladung"
    # Berlin time, whatever time zone the sending admin user has chosen for the admin
    return f"[OM] {kind}: Sitzung {sitzung.body_name} am {local_start(sitzung):%d.%m.%Y, %H:%M} Uhr"


def description(agenda: list[dict]) -> str:
    """The agenda as the calendar entry's DESCRIPTION."""
    lines = ["Tagesordnung:"]
    for item in agenda:
        lines.append(f"TOP {item['number']}: {item['title']}")
        if item["url"]:
            lines.append(f"  {item['url']}")
    return "\n".join(lines)


def build_messages(sitzung: Sitzung, to: list[str], *, is_update: bool = False,
                   changed: list[str] | None = None) -> list[EmailMultiAlternatives]:
    """One message per member (no one sees the others' addresses), each with its own .ics."""
    with translation.override("de"):
        agenda = agenda_lines(sitzung)
        context = {
            "sitzung": sitzung, "is_update": is_update, "changed": changed or [],
            "when": when(sitzung), "agenda": agenda, "admin_url": admin_url(sitzung),
        }
        text = render_to_string("workflow/email/sitzung_einladung.txt", context)
        html = render_to_string("workflow/email/sitzung_einladung.html", context)
        title = subject(sitzung, is_update)
    stamp = timezone.now()
    messages = []
    for address in to:
        message = EmailMultiAlternatives(title, text, None, [address])
        message.attach_alternative(html, "text/html")
        event = sitzung_event(sitzung, location=member_location(sitzung),
                              description=description(agenda), url=admin_url(sitzung), stamp=stamp)
        message.attach(ics_attachment(invitation_calendar(sitzung, event, attendee=address)))
        messages.append(message)
    return messages


def ics_attachment(ics: bytes, method: str = "REQUEST", filename: str = "einladung.ics") -> MIMEText:
    """text/calendar with the calendar's METHOD, as calendar programs expect an invitation
    (REQUEST) or its cancellation (CANCEL)."""
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def deliver(messages: list[EmailMultiAlternatives]) -> None:
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception as exc:  # SMTP, DNS, TLS …
        raise InvitationNotSent(str(exc)) from exc


# --- sending and recording ---------------------------------------------------------------------


def send_invitation(sitzung: Sitzung, user=None, *, is_update: bool = False,
                    changed: list[str] | None = None) -> InvitationResult:
    """Take the step ``einladen``, mail the members and record it, in one transaction.

    The caller has checked permission and ``refusal``. Raises ``InvitationNotSent`` (nothing
    recorded, state unchanged) if the mail server refuses.
    """
    user = user or get_active_log_context().user
    try:
        with transaction.atomic():
            locked = Sitzung.objects.select_for_update().get(pk=sitzung.pk)
            locked.einladen(user=user)
            setattr(locked, _INVITING, True)
            try:
                locked.save()
            finally:
                delattr(locked, _INVITING)
            to = recipients(locked)
            messages = build_messages(locked, to, is_update=is_update, changed=changed)
            log(instance=locked, action=LOG_ACTION, user=user, data={
                "sequence": locked.invitation_sequence, "recipients": len(to),
                "is_update": is_update, "changed": changed or [], "snapshot": snapshot(locked),
            })
            deliver(messages)
    except InvitationNotSent:
        logger.error("Einladung zur Sitzung %s nicht versandt", sitzung.pk, exc_info=True)
        raise
    return InvitationResult(locked, to, is_update, changed or [])


def send_update_if_changed(sitzung: Sitzung, before: dict | None) -> InvitationResult | None:
    """Send "Aktualisierte Einladung" if what the members were told (``before``) changed.

    Nothing for a Sitzung never invited, no longer invited (held, closed) or already begun.
    """
    if before is None or sitzung.state != SitzungState.EINGELADEN or refusal(sitzung):
        return None
    changed = changes(before, snapshot(sitzung))
    if not changed:
        return None
    try:
        return send_invitation(sitzung, is_update=True, changed=changed)
    except InvitationNotSent:
        return None  # logged; the next save tries again, as the snapshot still differs


def check_for_update(pk: int) -> InvitationResult | None:
    """After the commit: compare the Sitzung as stored now with its last invitation."""
    sitzung = Sitzung.objects.filter(pk=pk).first()
    if sitzung is None or sitzung.state != SitzungState.EINGELADEN:
        return None
    return send_update_if_changed(sitzung, invited_snapshot(sitzung))


def schedule_update_check(sender, instance: Sitzung, created: bool = False, raw: bool = False,
                          **kwargs) -> None:
    """post_save of Sitzung: an invited Sitzung was saved; compare once everything is committed."""
    if raw or created or getattr(instance, _INVITING, False):
        return
    if instance.state != SitzungState.EINGELADEN or not instance.invitation_sequence:
        return
    transaction.on_commit(partial(check_for_update, instance.pk))
