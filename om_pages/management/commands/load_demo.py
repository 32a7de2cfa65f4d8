"""``manage.py load_demo``: load the German demo content (safe to run again)."""

from django.core.management.base import BaseCommand

from om_pages.demo.loader import load_demo_content


class Command(BaseCommand):
    help = "Lädt deutsche Demo-Inhalte (Gremien, Organisationen, Fachgruppen, Protokolle). Idempotent."

    def handle(self, *args, **options):
        load_demo_content(log=lambda message: self.stdout.write(message))
        self.stdout.write(self.style.SUCCESS("Demo-Inhalte sind geladen."))
