"""Calling off an invited Sitzung: "Absage" by mail with a METHOD:CANCEL calendar entry.

A Sitzung may be deleted while it is planned or invited (``sitzung_access.DELETABLE_STATES``).
Once the members were invited, their calendars hold the entry (UID of the Sitzung); deleting
the Sitzung silently would leave it there. So the delete view sends every member an
"Absage" whose .ics cancels that entry (RFC 5546 3.2.5: METHOD:CANCEL, the same UID, a higher
SEQUENCE, STATUS:CANCELLED). Mail and deletion succeed or fail together, as for the
invitation: if the mail server refuses, the Sitzung stays.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from wagtail.log_actions import log

from workflow.invitation import (
    admin_url,
    deliver,
    ics_attachment,
    local_start,
    recipients,
    when,
)
from workflow.sitzung import Sitzung, SitzungState
from workflow.sitzung_ics import invitation_calendar, member_location, sitzung_event

#: The Wagtail log action of a sent cancellation (registered in invitation_hooks); the entry
#: stays in the site history after the Sitzung is gone.
LOG_ACTION = "om.sitzung.absage"


def needs_cancellation(sitzung: Sitzung) -> bool:
    """The members were invited to a Sitzung still ahead: their calendars hold its entry."""
    return (sitzung.state == SitzungState.EINGELADEN and sitzung.invitation_sequence > 0
            and sitzung.starts_at > timezone.now())


def cancellation_subject(sitzung: Sitzung) -> str:
    return f"[OM] Absage: Sitzung {sitzung.body_name} am {local_start(sitzung):%d.%m.%Y, %H:%M} Uhr"


def cancellation_messages(sitzung: Sitzung) -> list[EmailMultiAlternatives]:
    """One "Absage" per invited member, each with the METHOD:CANCEL entry for its address.

    Built before the Sitzung is deleted (the agenda and members are read from it).
    """
    with translation.override("de"):
        context = {"sitzung": sitzung, "when": when(sitzung)}
        text = render_to_string("workflow/email/sitzung_absage.txt", context)
        html = render_to_string("workflow/email/sitzung_absage.html", context)
        title = cancellation_subject(sitzung)
    cancelled = Sitzung.objects.get(pk=sitzung.pk)  # a copy: the SEQUENCE rises for the entry only
    cancelled.invitation_sequence = sitzung.invitation_sequence + 1
    stamp = timezone.now()
    messages = []
    for address in recipients(sitzung):
        message = EmailMultiAlternatives(title, text, None, [address])
        message.attach_alternative(html, "text/html")
        event = sitzung_event(cancelled, location=member_location(cancelled),
                              url=admin_url(cancelled), stamp=stamp)
        event["status"] = "CANCELLED"
        ics = invitation_calendar(cancelled, event, attendee=address, method="CANCEL")
        message.attach(ics_attachment(ics, method="CANCEL", filename="absage.ics"))
        messages.append(message)
    return messages


def delete_with_cancellation(sitzung: Sitzung, delete, user=None) -> int:
    """Record the cancellation, run ``delete`` and mail every member, in one transaction.

    Returns the number of members told. Raises ``InvitationNotSent`` if the mail server
    refuses: then nothing is deleted and nothing recorded.
    """
    messages = cancellation_messages(sitzung)
    with transaction.atomic():
        log(instance=sitzung, action=LOG_ACTION, user=user,
            data={"recipients": len(messages), "sequence": sitzung.invitation_sequence + 1})
        delete()
        deliver(messages)
    return len(messages)
