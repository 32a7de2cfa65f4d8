"""``manage.py import_protokolle DIR --fachgruppe SLUG``: legacy minutes as published Protokolle.

Each PDF, DOCX, ODT, TXT or Markdown file in DIR becomes a ``ProtokollPage`` under the
Fachgruppe (R19: minutes on the OM homepage), with the file attached as a Wagtail document
and its text indexed through the attachment cache. The meeting date comes from the file
name or else the text; the title from the first heading or line, else the file name.
Idempotent: a file whose SHA-256 was imported before is skipped. The documents go into the
Fachgruppe's own collection (R19, created on recognition by ``workflow.access``), or into the
root collection with a notice when the group has none yet.

The command lives with the Protokoll pages it creates. It is the one om_pages module that
uses the search app, and says so here: the import log (``search.models.ImportedFile``) and
the synchronous, sandboxed text extraction (``search.extraction``) belong to search. The
``OM_ATTACHMENT_TEXT_EXTRACTOR`` hook does not serve: it reads the extraction cache of a
saved document and queues a task, while the import needs the text of a file before any page
or document exists (in a dry run, without saving anything). Like every om_pages module it
imports nothing of search at module level (docs/architecture.md,
tests/test_import_directions.py): ``import_file`` and ``create_page`` import it when the
command runs, and ``manage.py`` is the only caller.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import Collection

from om_pages import legacy
from om_pages.models import FachgruppePage, ProtokollDocument, ProtokollPage

IMPORTABLE = {"pdf", "docx", "odt", "txt", "md", "markdown"}


@dataclass
class Skipped:
    name: str
    kind: str  # the summary groups by this
    detail: str = ""

    @property
    def reason(self) -> str:
        return f"{self.kind}{self.detail}"


class ProgressBar:
    """A tqdm-like bar on stdout: redrawn in place on a terminal, one line per step elsewhere."""

    def __init__(self, stream, total: int, width: int = 30):
        self.stream, self.total, self.width, self.done = stream, max(total, 1), width, 0
        self.in_place = bool(getattr(stream, "isatty", lambda: False)())

    def step(self, label: str) -> None:
        self.done += 1
        filled = self.width * self.done // self.total
        bar = "█" * filled + "·" * (self.width - filled)
        line = f"[{bar}] {self.done}/{self.total} {label[:50]}"
        if self.in_place:
            self.stream.write("\r" + line.ljust(self.width + 60), ending="")
            if self.done == self.total:
                self.stream.write("")
        else:
            self.stream.write(line)
        self.stream.flush()


def group_collection(group) -> Collection | None:
    """The collection recognition gave the Fachgruppe (R19), or None.

    Read through the reverse one-to-one ``zugang`` (``workflow.models.FachgruppeZugang``), so
    this command imports no workflow code; without a Zugang the accessor raises an
    ``AttributeError`` subclass, which ``getattr`` turns into None.
    """
    zugang = getattr(group, "zugang", None)
    return zugang.collection if zugang is not None else None


class Command(BaseCommand):
    help = "Importiert Altprotokolle (PDF, DOCX, ODT, TXT, Markdown) als veröffentlichte Protokolle."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Ordner mit den Protokolldateien")
        parser.add_argument("--fachgruppe", required=True, help="Slug der Fachgruppe")
        parser.add_argument("--dry-run", action="store_true",
                            help="nur anzeigen, was importiert würde; nichts speichern")

    def handle(self, *args, directory: str, fachgruppe: str, dry_run: bool, **options):
        folder = Path(directory)
        if not folder.is_dir():
            raise CommandError(f"Der Ordner „{directory}“ existiert nicht oder ist kein Ordner.")
        group = FachgruppePage.objects.filter(slug=fachgruppe).first()
        if group is None:
            known = ", ".join(FachgruppePage.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"Die Fachgruppe „{fachgruppe}“ gibt es nicht. Vorhandene Fachgruppen: "
                f"{known or 'keine'}."
            )
        files = sorted(path for path in folder.iterdir() if path.is_file())
        self.stdout.write(f"{len(files)} Datei(en) in {folder} für die {group.title}"
                          f"{' (Probelauf, es wird nichts gespeichert)' if dry_run else ''}:")
        self.collection = self.collection_for(group)
        progress = ProgressBar(self.stdout, len(files))
        imported: list[str] = []
        skipped: list[Skipped] = []
        seen: dict[str, str] = {}
        for path in files:
            outcome = self.import_file(path, group, dry_run, seen)
            if isinstance(outcome, Skipped):
                skipped.append(outcome)
            else:
                imported.append(outcome)
            progress.step(path.name)
        self.summary(imported, skipped, dry_run)

    def collection_for(self, group) -> Collection:
        """R19: the group's own collection, else the root collection; says which in the output."""
        collection = group_collection(group)
        if collection is None:
            root = Collection.get_first_root_node()
            self.stdout.write(self.style.WARNING(
                f"Hinweis: Die {group.title} hat keine eigene Sammlung (sie entsteht mit der "
                f"Anerkennung, R19). Die Dokumente kommen in die Wurzelsammlung „{root.name}“."))
            return root
        self.stdout.write(f"Die Dokumente kommen in die Sammlung „{collection.name}“ der Fachgruppe.")
        if collection.get_view_restrictions().exists():
            self.stdout.write(self.style.WARNING(
                f"Hinweis: Die Sammlung „{collection.name}“ ist zugriffsbeschränkt; der Text der "
                "Dokumente erscheint nicht in der öffentlichen Suche."))
        return collection

    def import_file(self, path: Path, group, dry_run: bool, seen: dict[str, str]):
        from search import extraction  # the search app: see the module docstring
        from search.models import ImportedFile

        name = path.name
        extension = path.suffix.lower().lstrip(".")
        if extension not in IMPORTABLE:
            return Skipped(name, "unbekannter Dateityp",
                           f" „.{extension}“" if extension else " (keine Endung)")
        try:
            data = path.read_bytes()
        except OSError as error:
            return Skipped(name, "nicht lesbar", f": {error.strerror or error}")
        digest = extraction.sha256(data)
        if digest in seen:
            return Skipped(name, "Duplikat", f" von „{seen[digest]}“ in diesem Ordner")
        previous = ImportedFile.objects.filter(sha256=digest).first()
        if previous is not None:
            return Skipped(name, "bereits importiert", f" (als „{previous.source_name}“)")
        if dry_run:
            try:
                text = extraction.extract_limited(data, name)  # parsed in a limited child process
            except extraction.ExtractionError as error:
                return Skipped(name, "nicht lesbar", f": {error}")
        else:
            row = extraction.cached_extraction(data, name)
            if not row.ok:
                return Skipped(name, "nicht lesbar", f": {row.error}")
            text = row.text
        date = legacy.date_from_name(name) or legacy.date_from_text(text)
        if date is None:
            return Skipped(name, "kein Datum gefunden", " (weder im Dateinamen noch im Text)")
        seen[digest] = name
        title = legacy.title_from(text, name)
        if not dry_run:
            try:
                self.create_page(group, name, data, digest, title, date)
            except ValidationError as error:
                return Skipped(name, "Seite nicht angelegt", f": {'; '.join(error.messages)}")
        return f"{date:%d.%m.%Y} {title} ← {name}"

    @transaction.atomic
    def create_page(self, group, name: str, data: bytes, digest: str, title: str, date) -> None:
        from search.models import ImportedFile  # the search app: see the module docstring

        Document = get_document_model()
        document = Document(title=f"{title} ({name})"[:255], collection=self.collection)
        document.file.save(name, ContentFile(data), save=False)
        document.save()
        page = ProtokollPage(
            title=title[:255], slug=self.unique_slug(group, date), date=date,
            body=f"<p>Altprotokoll, importiert aus der Datei „{escape(name)}“; "
                 "der vollständige Text steht im Anhang.</p>",
        )
        page.documents = [ProtokollDocument(document=document)]
        group.add_child(instance=page)
        page.save_revision().publish()
        ImportedFile.objects.create(sha256=digest, source_name=name[:255], page=page,
                                    document=document)

    @staticmethod
    def unique_slug(group, date) -> str:
        from wagtail.models import Page

        base = slugify(f"protokoll-{date:%Y-%m-%d}")
        taken = set(Page.objects.child_of(group).filter(slug__startswith=base)
                    .values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    def summary(self, imported: list[str], skipped: list[Skipped], dry_run: bool) -> None:
        verb = "würden importiert" if dry_run else "importiert"
        self.stdout.write(self.style.SUCCESS(f"{len(imported)} Protokoll(e) {verb}."))
        for line in imported:
            self.stdout.write(f"  + {line}")
        if skipped:
            reasons = Counter(item.kind for item in skipped)
            overview = ", ".join(f"{count}× {reason}" for reason, count in reasons.most_common())
            self.stdout.write(self.style.WARNING(f"{len(skipped)} Datei(en) übersprungen: {overview}"))
            for item in skipped:
                self.stdout.write(f"  - {item.name}: {item.reason}")
