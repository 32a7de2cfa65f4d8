"""`manage.py om_restore FILE`: restore a signed om_backup archive into an empty installation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung von om_backup in einer leeren, frisch migrierten Installation wieder her, "
        "prüft Signatur (OM_BACKUP_KEY) und alle Prüfsummen und baut den Suchindex neu auf."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Archiv von om_backup")
        parser.add_argument(
            "--force", action="store_true",
            help="Auch in eine Installation mit Inhalten einspielen (löscht diese vorher vollständig).",
        )

    def handle(self, *args, file: str, force: bool, **options):
        if not Path(file).is_file():
            raise CommandError(f"Die Datei {file} gibt es nicht.")
        try:
            restore_backup(Path(file), force=force, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(error.message) from error
        except OSError as error:  # e.g. MEDIA_ROOT not writable: a message, never a traceback
            raise CommandError(
                f"Wiederherstellung abgebrochen: {error.strerror or error} ({error.filename or file})."
            ) from error
