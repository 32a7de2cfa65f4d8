"""Send each reminder mail once (issue 16): German plain text with an HTML part.

Why one transaction per mail, with the row inserted *before* sending: the insert takes the
unique key (a concurrent run waits on it, then skips), the mail is sent, the transaction
commits. A failing send rolls the row back, so the next run sends that mail again; a crash
between sending and committing leaves no row either, so at worst that one mail goes out twice.
Nothing is ever lost: every mail without a committed row is sent by the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from workflow.benachrichtigung import Benachrichtigung

logger = logging.getLogger("workflow")

FOOTER = "Diese Nachricht wurde von om-records automatisch versandt."


@dataclass
class Mail:
    """One reminder: its unique key, the addressees and the text as paragraphs (and one link)."""

    key: str
    kind: str
    to: list[str]
    subject: str
    paragraphs: list[str]
    link: str = ""
    link_text: str = ""
    vorgang_id: int | None = None
    fachgruppe_id: int | None = None

    def text(self) -> str:
        parts = ["Guten Tag,", *self.paragraphs]
        if self.link:
            parts.append(f"{self.link_text}: {self.link}")
        return "\n\n".join([*parts, FOOTER]) + "\n"

    def html(self) -> str:
        return render_to_string("workflow/mail/erinnerung.html", {
            "subject": self.subject, "paragraphs": self.paragraphs, "link": self.link,
            "link_text": self.link_text, "footer": FOOTER})

    def message(self, connection=None) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(self.subject, self.text(), settings.DEFAULT_FROM_EMAIL,
                                         self.to, connection=connection)
        message.attach_alternative(self.html(), "text/html")
        return message


def already_sent(keys: list[str]) -> set[str]:
    """The keys of these mails that were sent already; one query."""
    return set(Benachrichtigung.objects.filter(key__in=keys).values_list("key", flat=True))


def send_once(mail: Mail, connection=None) -> bool:
    """Record and send ``mail`` in one transaction; False if another run had sent it already.

    Raises what the mail backend raises (after rolling the record back).
    """
    try:
        with transaction.atomic():
            Benachrichtigung.objects.create(
                key=mail.key, kind=mail.kind, vorgang_id=mail.vorgang_id,
                fachgruppe_id=mail.fachgruppe_id, recipients="\n".join(mail.to),
                subject=mail.subject[:255])
            mail.message(connection).send(fail_silently=False)
    except IntegrityError:  # a concurrent run recorded (and sent) it
        return False
    return True
