"""``manage.py om_notify``: send the reminders and the subscription digests due today, each once
(issue 16; run it daily, or hourly: it sends nothing twice).

Idempotent: every mail is recorded under a unique key (``workflow.mailing.send_once`` for the
reminders, ``workflow.digests.send_digests`` for the digests: one key per subscription and
day or ISO week), so a second run sends nothing, and a run after a crash sends only what is
missing. A mail the server refuses is counted as an error and sent again by the next run.
Before the digests, the partners' default subscriptions are added (``sync_partners``, R14)
and expired unconfirmed requests removed.
"""

from __future__ import annotations

import datetime

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflow.digests import due_digests, send_digests
from workflow.mailing import already_sent, send_once
from workflow.models import Vorgang
from workflow.reminders import due_mails
from workflow.subscriptions import remove_expired, sync_partners


class Command(BaseCommand):
    help = ("Versendet fällige Erinnerungen (Fristen der Vorgänge, Pflichten der Fachgruppen) und "
            "die Zusammenfassungen der Abonnements, jede einmal.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="So tun, als wäre heute dieses Datum (JJJJ-MM-TT).")
        parser.add_argument("--dry-run", action="store_true", help="Nur anzeigen, nichts versenden.")

    def handle(self, *args, date=None, dry_run=False, verbosity=1, **options) -> None:
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Ungültiges Datum „{date}“: erwartet JJJJ-MM-TT.") from None
        connection = get_connection()
        self.digests(today, dry_run, verbosity, connection)
        self.reminders(today, dry_run, verbosity, connection)

    def digests(self, today, dry_run: bool, verbosity: int, connection) -> None:
        """R14: partners' defaults, then every due digest with something new (R19: public only)."""
        until = timezone.now()
        if not dry_run:
            added = sync_partners(Vorgang.objects.recognised_fachgruppen(), until)
            removed = remove_expired(until)
            if verbosity >= 2:
                self.stdout.write(f"{added} Partner-Abonnement(s) angelegt, {removed} unbestätigte entfernt.")
        mails = due_digests(today or timezone.localdate(), until)
        if dry_run:
            for mail in mails:
                self.stdout.write(f"Würde senden: {mail.subject} an {', '.join(mail.to)}")
            return
        outcome = send_digests(mails, connection, until)
        for error in outcome.errors:
            self.stderr.write(f"Fehler bei {error}")
        if outcome.stopped:
            self.stderr.write(outcome.stopped)
        noun = "Zusammenfassung" if outcome.sent == 1 else "Zusammenfassungen"
        self.stdout.write(f"{outcome.sent} {noun} versandt, {len(outcome.errors)} Fehler")

    def reminders(self, today, dry_run: bool, verbosity: int, connection) -> None:
        mails = due_mails(today)
        done = already_sent([mail.key for mail in mails])
        pending = [mail for mail in mails if mail.key not in done]
        if verbosity >= 2:
            self.stdout.write(f"{len(mails)} fällig, {len(done)} bereits versandt, {len(pending)} offen.")
        sent = errors = 0
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
