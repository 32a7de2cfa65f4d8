"""Backup and restore of a whole installation: database content, media files, manifest.

One ``.tar.gz`` holds ``manifest.json`` (format, time, applied migrations, row counts per
model, SHA-256 of every other member), ``types.omjson`` and ``data.omjson`` (``dumpdata`` of
every installed model, content types and permissions included, with their primary keys) and ``media/…`` (the
uploaded documents). Sessions and the search index are not saved: sessions are throw-away and
the index is rebuilt after the restore (``update_index``).

Why primary keys and not natural keys: Wagtail gives pages a natural key (``url_path``),
collections a path and some permission models a key of objects; log entries keep pointing at
pages that were deleted. Natural foreign keys therefore break on real data. Instead the
restore replaces the target's content types and permissions by the saved ones, so every id,
every generic relation (revisions, log entries) and every JSON reference stays valid.

Restore refuses a tampered or unknown archive before it touches the database, refuses a
target that holds content unless forced, then flushes, loads, copies the files back,
rebuilds the search index and checks the row counts against the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from om_pages import serialization

serialization.register()

FORMAT = "om-records-backup"
VERSION = 1
#: Derived or throw-away data that the target recreates itself.
EXCLUDED_MODELS = frozenset({"sessions.session", "admin.logentry"})
#: Search index tables: rebuilt by ``update_index`` after the restore.
EXCLUDED_APPS = frozenset({"wagtailsearch", "modelsearch"})

TYPE_MODELS = ("contenttypes.contenttype", "auth.permission")
FIXTURES = ("types.omjson", "data.omjson")  # om_pages/serialization.py: full time precision

Log = Callable[[str], None]


class BackupError(ValidationError):
    """A German message for the operator; the commands turn it into a CommandError."""


def model_label(model) -> str:
    return model._meta.label_lower


def backed_up_models() -> list:
    """Every concrete installed model with its own table, except the excluded ones."""
    return [
        model for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        and model_label(model) not in EXCLUDED_MODELS and model._meta.app_label not in EXCLUDED_APPS
    ]


def row_counts() -> dict[str, int]:
    return {model_label(model): model._base_manager.count() for model in backed_up_models()}


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every file under MEDIA_ROOT, sorted."""
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        yield "media/" + path.relative_to(root).as_posix(), path


def media_checksums(root: Path | None = None) -> dict[str, str]:
    return {name: sha256_file(path) for name, path in media_files(root)}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(target: Path, log: Log = print) -> dict:
    """Write the archive to ``target``; return its manifest."""
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="om-backup-") as tmp:
        log("Datenbank wird gesichert …")
        labels = [model_label(m) for m in backed_up_models()]
        with transaction.atomic():  # one consistent view of the data (PostgreSQL: repeatable read)
            counts = row_counts()
            # content types and permissions first and apart: loading them must precede all else
            call_command(
                "dumpdata", *TYPE_MODELS, format=serialization.FORMAT,
                output=str(Path(tmp) / FIXTURES[0]), verbosity=0,
            )
            call_command(
                "dumpdata", *[label for label in labels if label not in TYPE_MODELS],
                format=serialization.FORMAT, output=str(Path(tmp) / FIXTURES[1]), verbosity=0,
            )
        files = {name: sha256_file(Path(tmp) / name) for name in FIXTURES}
        media = list(media_files())
        log(f"{len(media)} Mediendateien werden geprüft …")
        for name, path in media:
            files[name] = sha256_file(path)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database_vendor": connection.vendor,
            "migrations": applied_migrations(),
            "counts": counts,
            "files": files,
        }
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
            for name in FIXTURES:
                archive.add(Path(tmp) / name, arcname=name)
            for number, (name, path) in enumerate(media, start=1):
                archive.add(path, arcname=name)
                if number % 100 == 0:
                    log(f"  {number}/{len(media)} Dateien archiviert")
        os.replace(partial, target)
    log(f"Sicherung geschrieben: {target} ({sum(counts.values())} Datensätze, {len(media)} Dateien)")
    return manifest


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and (
            name == "manifest.json" or name in FIXTURES
            or (path.parts[0] == "media" and len(path.parts) > 1)
        )
    )


def verify_archive(source: Path, workdir: Path, log: Log = print) -> dict:
    """Unpack into ``workdir`` and check every checksum; raise BackupError on any mismatch."""
    try:
        archive = tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Die Sicherung {source} kann nicht gelesen werden: {error}") from error
    with archive:
        members = archive.getmembers()
        names = [member.name for member in members]
        if "manifest.json" not in names:
            raise BackupError(
                "Die Sicherung enthält kein Manifest (manifest.json); Wiederherstellung abgebrochen."
            )
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
        except (ValueError, UnicodeDecodeError) as error:
            raise BackupError("Das Manifest der Sicherung ist beschädigt.") from error
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise BackupError("Dies ist keine Sicherung von om-records in einem bekannten Format.")
        expected = dict(manifest.get("files", {}))
        log(f"{len(expected)} Dateien der Sicherung werden geprüft …")
        for member in members:
            if member.name == "manifest.json":
                continue
            if not member.isfile() or not _safe_member_name(member.name):
                raise BackupError(f"Unzulässiger Eintrag in der Sicherung: {member.name!r}.")
            if member.name not in expected:
                raise BackupError(
                    f"Die Sicherung wurde verändert: {member.name} steht nicht im Manifest."
                )
            destination = workdir / member.name
            destination.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with archive.extractfile(member) as stream, destination.open("wb") as out:
                for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected.pop(member.name):
                raise BackupError(
                    f"Die Sicherung wurde verändert oder ist beschädigt: Prüfsumme von {member.name} "
                    "stimmt nicht. Wiederherstellung abgebrochen, nichts wurde geändert."
                )
        if expected:
            raise BackupError(
                f"Die Sicherung ist unvollständig: es fehlen {', '.join(sorted(expected)[:5])}."
            )
    return manifest


def installation_is_empty() -> bool:
    """True for a freshly migrated installation: no users, no content pages, no documents."""
    from django.contrib.auth import get_user_model
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    return not (
        get_user_model().objects.exists()
        or Page.objects.filter(depth__gt=2).exists()
        or Page.objects.filter(depth=2).exclude(content_type__app_label="wagtailcore").exists()
        or get_document_model().objects.exists()
    )


def _replace_content_types_and_permissions_next() -> None:
    """Drop the target's own content types and permissions; the archive brings the saved ones."""
    Permission._base_manager.all()._raw_delete(connection.alias)
    ContentType._base_manager.all()._raw_delete(connection.alias)
    ContentType.objects.clear_cache()


def restore_backup(source: Path, force: bool = False, log: Log = print) -> dict:
    """Restore ``source`` into this installation; return the manifest."""
    with tempfile.TemporaryDirectory(prefix="om-restore-") as tmp:
        workdir = Path(tmp)
        manifest = verify_archive(Path(source), workdir, log)
        log("Prüfsummen in Ordnung.")
        missing = {tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in applied_migrations()}
        if missing:
            names = ", ".join(f"{app}.{name}" for app, name in sorted(missing)[:5])
            raise BackupError(
                f"Die Zielinstallation ist älter als die Sicherung (fehlende Migrationen: {names}). "
                "Bitte zuerst den passenden Programmstand installieren und `manage.py migrate` ausführen."
            )
        if not installation_is_empty() and not force:
            raise BackupError(
                "Die Zielinstallation enthält bereits Inhalte. Eine Sicherung wird nur in eine leere, "
                "frisch migrierte Installation eingespielt; mit --force werden die vorhandenen Daten "
                "vorher vollständig gelöscht."
            )
        with transaction.atomic():  # all or nothing: a failed load leaves the target as it was
            log("Vorhandene Daten werden geleert …")
            call_command("flush", interactive=False, verbosity=0)
            _replace_content_types_and_permissions_next()
            log("Datenbank wird wiederhergestellt …")
            call_command("loaddata", str(workdir / FIXTURES[0]), verbosity=0)
            ContentType.objects.clear_cache()
            call_command("loaddata", str(workdir / FIXTURES[1]), verbosity=0)
            ContentType.objects.clear_cache()
            counts = row_counts()
            differing = {
                label: (count, counts.get(label)) for label, count in manifest["counts"].items()
                if counts.get(label) != count
            }
            if differing:
                raise BackupError(
                    f"Nach dem Einlesen stimmen die Datensätze nicht (Sicherung, Ziel): {differing}"
                )
        log("Mediendateien werden zurückgeschrieben …")
        media_root = Path(settings.MEDIA_ROOT)
        restored = 0
        for name in manifest["files"]:
            if not name.startswith("media/"):
                continue
            destination = media_root / name[len("media/"):]
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(workdir / name, destination)
            restored += 1
        log(f"  {restored} Dateien wiederhergestellt")
        log("Suchindex wird neu aufgebaut …")
        call_command("update_index", verbosity=0)
    log(f"Wiederherstellung abgeschlossen ({sum(manifest['counts'].values())} Datensätze).")
    return manifest


def snapshot() -> dict:
    """Every backed-up model's rows as a digest, plus media checksums: compares two installations.

    Rows are serialised in primary key order with sorted keys and sorted many-to-many ids (a
    relation to a model without ``Meta.ordering``, such as a user's groups, comes back in
    whatever order the database chooses), so the digest is the same on SQLite and PostgreSQL
    for the same content.
    """
    digests = {}
    for model in backed_up_models():
        rows = serializers.serialize(
            "python", model._base_manager.order_by("pk")
        )
        for row in rows:
            for field in model._meta.many_to_many:
                if isinstance(row["fields"].get(field.name), list):
                    row["fields"][field.name].sort()
        payload = json.dumps(rows, sort_keys=True, default=str)
        digests[model_label(model)] = {
            "count": len(rows), "sha256": hashlib.sha256(payload.encode()).hexdigest()
        }
    return {"models": digests, "media": media_checksums()}
