"""``manage.py om_notify``: send the reminders due today, each once (issue 16; run it daily).

Idempotent: every mail is recorded under a unique key (``workflow.mailing.send_once``), so a
second run the same day sends nothing, and a run after a crash sends only what is missing.
A mail the server refuses is counted as an error and sent again by the next run.
"""

from __future__ import annotations

import datetime

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError

from workflow.mailing import already_sent, send_once
from workflow.reminders import due_mails


class Command(BaseCommand):
    help = "Versendet fällige Erinnerungen (Fristen der Vorgänge, Pflichten der Fachgruppen), jede einmal."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="So tun, als wäre heute dieses Datum (JJJJ-MM-TT).")
        parser.add_argument("--dry-run", action="store_true", help="Nur anzeigen, nichts versenden.")

    def handle(self, *args, date=None, dry_run=False, verbosity=1, **options) -> None:
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Ungültiges Datum „{date}“: erwartet JJJJ-MM-TT.") from None
        mails = due_mails(today)
        done = already_sent([mail.key for mail in mails])
        pending = [mail for mail in mails if mail.key not in done]
        if verbosity >= 2:
            self.stdout.write(f"{len(mails)} fällig, {len(done)} bereits versandt, {len(pending)} offen.")
        sent = errors = 0
        connection = get_connection()
        for mail in pending:
            if dry_run:
                self.stdout.write(f"Würde senden: {mail.subject} an {', '.join(mail.to)}")
                continue
            try:
                if not send_once(mail, connection):
                    continue
            except Exception as exc:  # SMTP, DNS, TLS …: not recorded, the next run retries
                errors += 1
                self.stderr.write(f"Fehler bei {mail.key}: {exc}")
                continue
            sent += 1
            if verbosity >= 2:
                self.stdout.write(f"Versandt: {mail.subject} an {', '.join(mail.to)}")
        noun = "Erinnerung" if sent == 1 else "Erinnerungen"
        self.stdout.write(f"{sent} {noun} versandt, {errors} Fehler")
