"""E-mail on every transition: to the body that must act next and to the group's contacts.

Sent after the database transaction commits (``on_commit``), so a transition that loses a
race or fails sends nothing. Django's mail; the console backend by default. A mail server
that refuses never undoes a decision: the step stays recorded and the failure is logged
with the Vorgang, so operators can inform the recipients by hand.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from workflow.permissions import BODY_GROUP_NAMES, Gremium

logger = logging.getLogger("workflow")


def group_emails(**group_lookup) -> set[str]:
    """Addresses of the active users in the Django group matching ``group_lookup`` (name=…, pk=…)."""
    User = get_user_model()
    lookup = {f"groups__{key}": value for key, value in group_lookup.items()}
    users = User.objects.filter(is_active=True, **lookup).exclude(email="")
    return set(users.values_list("email", flat=True))


def body_emails(gremium: str) -> set[str]:
    return group_emails(name=BODY_GROUP_NAMES[gremium])


def fachgruppe_emails(fachgruppe) -> set[str]:
    """The Fachgruppe's contacts (Koordination, Moderation; R5)."""
    if fachgruppe is None:
        return set()
    people = [fachgruppe.koordination, fachgruppe.moderation]
    return {p.email for p in people if p is not None and p.email}


def recipients(vorgang, notify: tuple[str, ...]) -> list[str]:
    """The body that must act next, bodies named by the step (e.g. the Plenum, R21), the contacts."""
    bodies = set(notify)
    if vorgang.awaiting and vorgang.awaiting != Gremium.FACHGRUPPE:
        bodies.add(vorgang.awaiting)
    addresses = set().union(*(body_emails(b) for b in bodies if b in BODY_GROUP_NAMES))
    return sorted(addresses | fachgruppe_emails(vorgang.fachgruppe))


def message(vorgang, entry) -> tuple[str, str]:
    subject = f"[OM] {vorgang.get_kind_display()}: {vorgang.page_title} – {vorgang.get_state_display()}"
    lines = [
        "Guten Tag,",
        "",
        f"im Vorgang „{vorgang}“ wurde ein Schritt erfasst: {entry.label}.",
        f"Stand: {entry.get_source_display()} → {entry.get_target_display()}",
        f"Erfasst von: {entry.user_name}",
    ]
    if entry.sitzung_id:
        top = f", TOP {entry.tagesordnungspunkt.number}" if entry.tagesordnungspunkt_id else ""
        lines.append(f"Beschlossen in der {entry.sitzung}{top}")
    elif entry.protokoll_id:
        lines.append(f"Protokoll: {entry.protokoll.title}")
    if entry.has_votes:
        lines.append(f"Abstimmung: {entry.votes_yes} Ja, {entry.votes_no} Nein, "
                     f"{entry.votes_abstain} Enthaltungen")
    if entry.comment:
        lines += ["", "Begründung / Kommentar:", entry.comment]
    if vorgang.awaiting:
        lines += ["", f"Als Nächstes ist am Zug: {vorgang.get_awaiting_display()}."]
    lines += ["", f"Zum Vorgang: {settings.WAGTAILADMIN_BASE_URL}/admin/vorgaenge/inspect/{vorgang.pk}/",
              "", "Diese Nachricht wurde von om-records automatisch versandt."]
    return subject, "\n".join(lines)


def notify_transition(vorgang, entry, notify: tuple[str, ...]) -> None:
    to = recipients(vorgang, notify)
    if not to:
        return
    subject, body = message(vorgang, entry)
    transaction.on_commit(lambda: deliver(subject, body, to, vorgang.pk))


def deliver(subject: str, body: str, to: list[str], vorgang_pk: int | None) -> bool:
    """Send one notification; on failure log it (never raise: the step is already recorded)."""
    try:
        send_mail(subject, body, None, to, fail_silently=False)
    except Exception:  # SMTP, DNS, TLS, a full disk for the file backend …
        logger.error("Benachrichtigung zu Vorgang %s nicht versandt an %s: %s", vorgang_pk,
                     ", ".join(to), subject, exc_info=True)
        return False
    return True
