"""`manage.py om_backup FILE`: database, media files and a checksum manifest in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from om_pages.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Sichert Datenbankinhalt und Mediendateien mit Prüfsummen-Manifest in ein .tar.gz-Archiv."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Zieldatei, z. B. om-records-2026-11-25.tar.gz")

    def handle(self, *args, file: str, **options):
        try:
            create_backup(Path(file), log=self.stdout.write)
        except (BackupError, OSError) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
