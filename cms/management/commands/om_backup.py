"""`manage.py om_backup FILE`: database, media files and a signed checksum manifest in one 0600 archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sichert Datenbankinhalt und Mediendateien mit Prüfsummen-Manifest, signiert mit OM_BACKUP_KEY, "
        "in ein nur für den Eigentümer lesbares .tar.gz-Archiv."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Zieldatei, z. B. om-records-2026-11-25.tar.gz")

    def handle(self, *args, file: str, **options):
        try:
            create_backup(Path(file), log=self.stdout.write)
        except BackupError as error:
            raise CommandError(error.message) from error
        except OSError as error:
            raise CommandError(
                "Die Sicherung kann nicht geschrieben werden: "
                f"{error.strerror or error} ({error.filename or file})."
            ) from error
