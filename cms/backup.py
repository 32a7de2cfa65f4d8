"""Backup and restore of a whole installation: database content, media files, manifest.

One ``.tar.gz`` holds ``manifest.json`` (format, time, applied migrations, row counts per
model, SHA-256 of every other member), ``manifest.hmac`` (HMAC-SHA256 of the manifest's bytes
with the operator's key ``OM_BACKUP_KEY``), ``types.omjson`` and ``data.omjson`` (``dumpdata`` of
every installed model, content types and permissions included, with their primary keys) and ``media/…`` (the
uploaded documents). Sessions and the search index are not saved: sessions are throw-away and
the index is rebuilt after the restore (``update_index``).

Why primary keys and not natural keys: Wagtail gives pages a natural key (``url_path``),
collections a path and some permission models a key of objects; log entries keep pointing at
pages that were deleted. Natural foreign keys therefore break on real data. Instead the
restore replaces the target's content types and permissions by the saved ones, so every id,
every generic relation (revisions, log entries) and every JSON reference stays valid.

Checksums alone prove nothing: whoever can edit an archive can recompute them (an
edited ``data.omjson`` could make a group editor superuser). The MAC binds the manifest, and through
its checksums every member, to a key the operator keeps apart from the archives; without the key
no valid archive can be made. The archive holds every password hash, the plaintext passwords of
password-protected pages and every document, published or not: it is written owner-only (0600)
from its first byte.

Restore refuses an archive that is unsigned, signed with another key, tampered, damaged or
malformed (duplicate names, a name that is both file and folder, links, absolute or ``..``
paths) before it touches the database, each with a German message; it refuses a target that
holds content unless forced, then flushes, loads, copies the files back, rebuilds the search
index and checks the row counts against the manifest.
"""

from __future__ import annotations

import collections
import datetime
import gzip
import hashlib
import hmac
import io
import json
import os
import secrets
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from cms import serialization

serialization.register()

FORMAT = "om-records-backup"
VERSION = 2  # 2: signed with OM_BACKUP_KEY; unsigned version 1 archives are refused
MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
#: The key must be a random secret, not a word: ``secrets.token_urlsafe(32)`` gives 43 characters.
MIN_KEY_LENGTH = 32
#: Manifest and MAC are read into memory; anything larger is not one of ours.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_SIGNATURE_BYTES = 1024
#: What reading a damaged .tar.gz can raise: truncated (EOFError), bad CRC or data (zlib, gzip).
DAMAGED = (OSError, EOFError, tarfile.TarError, zlib.error)
#: Derived or throw-away data that the target recreates itself.
EXCLUDED_MODELS = frozenset({"sessions.session", "admin.logentry"})
#: Search index tables: rebuilt by ``update_index`` after the restore.
EXCLUDED_APPS = frozenset({"wagtailsearch", "modelsearch"})

TYPE_MODELS = ("contenttypes.contenttype", "auth.permission")
FIXTURES = ("types.omjson", "data.omjson")  # cms/serialization.py: full time precision

Log = Callable[[str], None]


class BackupError(ValidationError):
    """A German message for the operator; the commands turn it into a CommandError."""


def backup_key() -> bytes:
    """The operator's key (setting/environment variable ``OM_BACKUP_KEY``); refuse to work without it."""
    key = getattr(settings, "OM_BACKUP_KEY", "") or ""
    if not key:
        raise BackupError(
            "OM_BACKUP_KEY ist nicht gesetzt: ohne diesen Schlüssel wird keine Sicherung geschrieben "
            "und keine eingespielt. Einmal erzeugen (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'), getrennt von den Sicherungen aufbewahren und für "
            "om_backup und om_restore als Umgebungsvariable setzen."
        )
    if len(key) < MIN_KEY_LENGTH:
        raise BackupError(
            f"OM_BACKUP_KEY ist zu kurz ({len(key)} Zeichen, mindestens {MIN_KEY_LENGTH}): "
            "bitte einen zufälligen Schlüssel erzeugen (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))')."
        )
    return key.encode()


def manifest_mac(manifest_bytes: bytes, key: bytes) -> str:
    return hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short, one-way fingerprint of the key in the manifest: tells "other key" from "tampered"."""
    return hashlib.sha256(b"om-records-backup-key-id\0" + key).hexdigest()[:16]


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


def _create_private(path: Path):
    """A new file only its owner can read, created so (not chmod-ed later): never readable by others."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, 0o600)
    os.fchmod(descriptor, 0o600)  # the mode alone, whatever the umask took away (it can only take)
    return os.fdopen(descriptor, "wb")


def create_backup(target: Path, log: Log = print) -> dict:
    """Write the archive to ``target`` (mode 0600, signed with ``OM_BACKUP_KEY``); return its manifest."""
    target = Path(target)
    key = backup_key()  # before anything is dumped: no unsigned archive is ever written
    with tempfile.TemporaryDirectory(prefix="om-backup-") as tmp:  # mode 0700
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
            "key_id": key_id(key),
            "migrations": applied_migrations(),
            "counts": counts,
            "files": files,
        }
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
        # beside the target, so the final rename is atomic; a random name, so a stale one never blocks
        partial = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            with _create_private(partial) as handle:
                with tarfile.open(fileobj=handle, mode="w:gz") as archive:
                    _add_bytes(archive, MANIFEST, manifest_bytes)
                    _add_bytes(archive, SIGNATURE, manifest_mac(manifest_bytes, key).encode() + b"\n")
                    for name in FIXTURES:
                        archive.add(Path(tmp) / name, arcname=name)
                    for number, (name, path) in enumerate(media, start=1):
                        archive.add(path, arcname=name)
                        if number % 100 == 0:
                            log(f"  {number}/{len(media)} Dateien archiviert")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)  # keeps 0600; an older file at target is replaced, not reused
        finally:
            partial.unlink(missing_ok=True)
    log(f"Sicherung geschrieben: {target} ({sum(counts.values())} Datensätze, {len(media)} Dateien, "
        "nur für den Eigentümer lesbar)")
    return manifest


def _safe_member_name(name: str) -> bool:
    """A plain relative name in canonical form (no ``.``, ``..``, ``//``, trailing ``/`` or ``\\``)."""
    path = PurePosixPath(name)
    return (
        bool(name) and "\\" not in name and "\0" not in name
        and path.as_posix() == name and not path.is_absolute()
        and not {".", ".."} & set(name.split("/"))
        and (
            name in (MANIFEST, SIGNATURE, *FIXTURES)
            or (path.parts[0] == "media" and len(path.parts) > 1)
        )
    )


def _check_members(members: list[tarfile.TarInfo]) -> None:
    """Every member a regular file with a safe name, no name twice, no name both file and folder."""
    for member in members:
        if not member.isreg() or not _safe_member_name(member.name):
            kind = "Verknüpfung" if member.issym() or member.islnk() else (
                "Ordner" if member.isdir() else "Datei" if member.isreg() else "Sondereintrag")
            raise BackupError(
                f"Unzulässiger Eintrag in der Sicherung: {member.name!r} ({kind}). Eine Sicherung "
                "enthält nur Dateien mit einfachen relativen Namen; Wiederherstellung abgebrochen, "
                "nichts wurde geändert."
            )
    names = collections.Counter(member.name for member in members)
    twice = sorted(name for name, count in names.items() if count > 1)
    if twice:
        raise BackupError(
            f"Die Sicherung enthält den Eintrag {twice[0]} mehrfach"
            + (f" (und {len(twice) - 1} weitere)" if len(twice) > 1 else "")
            + "; sie wurde verändert oder falsch erzeugt. Wiederherstellung abgebrochen, "
            "nichts wurde geändert."
        )
    for name in names:
        for parent in PurePosixPath(name).parents:
            if parent.as_posix() in names:
                raise BackupError(
                    f"Die Sicherung enthält {parent.as_posix()} zugleich Datei und Ordner (für {name}); "
                    "Wiederherstellung abgebrochen, nichts wurde geändert."
                )


def _read_small(archive: tarfile.TarFile, member: tarfile.TarInfo, limit: int) -> bytes:
    if member.size > limit:
        raise BackupError(f"Der Eintrag {member.name} der Sicherung ist zu groß ({member.size} Bytes).")
    with archive.extractfile(member) as stream:
        return stream.read()


def _check_signature(manifest_bytes: bytes, signature: bytes | None, key: bytes) -> dict:
    """The manifest, once its MAC is proven; nothing in it is trusted before."""
    if signature is None:
        raise BackupError(
            "Die Sicherung trägt keine Signatur (manifest.hmac): sie stammt von einer älteren Version "
            "oder wurde verändert. Nur mit OM_BACKUP_KEY signierte Sicherungen werden eingespielt."
        )
    if not hmac.compare_digest(manifest_mac(manifest_bytes, key).encode(), signature.strip()):
        try:
            claimed = json.loads(manifest_bytes).get("key_id")
        except (ValueError, UnicodeDecodeError, AttributeError):
            claimed = None
        if claimed and claimed != key_id(key):
            raise BackupError(
                "Die Signatur der Sicherung ist ungültig: sie wurde mit einem anderen Schlüssel als dem "
                "OM_BACKUP_KEY dieser Installation erzeugt (oder verändert). Den Schlüssel der "
                "Installation setzen, die gesichert hat; Wiederherstellung abgebrochen."
            )
        raise BackupError(
            "Die Signatur der Sicherung ist ungültig: die Sicherung wurde verändert (oder der Schlüssel "
            "OM_BACKUP_KEY ist ein anderer). Wiederherstellung abgebrochen, nichts wurde geändert."
        )
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError("Das Manifest der Sicherung ist beschädigt.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Dies ist keine Sicherung von om-records in einem bekannten Format.")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"Die Sicherung hat das Format {manifest.get('version')!r}; dieser Programmstand liest "
            f"nur Format {VERSION}."
        )
    return manifest


def _extract_checked(archive: tarfile.TarFile, member: tarfile.TarInfo, destination: Path, expected: str):
    """Copy a member into the private work folder, never over anything there, and compare its SHA-256."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    digest = hashlib.sha256()
    with archive.extractfile(member) as stream, os.fdopen(os.open(destination, flags, 0o644), "wb") as out:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
            out.write(chunk)
    if not hmac.compare_digest(digest.hexdigest().encode(), expected.encode("utf-8", "replace")):
        raise BackupError(
            f"Die Sicherung wurde verändert oder ist beschädigt: Prüfsumme von {member.name} "
            "stimmt nicht. Wiederherstellung abgebrochen, nichts wurde geändert."
        )


def verify_archive(source: Path, workdir: Path, log: Log = print) -> dict:
    """Unpack into ``workdir`` and check the MAC and every checksum; raise BackupError on any fault."""
    key = backup_key()
    try:
        with tarfile.open(source, "r:gz") as archive:
            return _verify_open_archive(archive, workdir, key, log)
    except DAMAGED as error:
        raise BackupError(
            f"Die Sicherung {source} kann nicht gelesen werden, sie ist beschädigt oder unvollständig "
            f"({type(error).__name__}: {error}). Wiederherstellung abgebrochen, nichts wurde geändert."
        ) from error


def _verify_open_archive(archive: tarfile.TarFile, workdir: Path, key: bytes, log: Log) -> dict:
    members = archive.getmembers()  # reads the whole archive: a truncated one fails here
    by_name = {member.name: member for member in members}
    if MANIFEST not in by_name:
        raise BackupError(
            "Die Sicherung enthält kein Manifest (manifest.json); Wiederherstellung abgebrochen."
        )
    _check_members(members)
    manifest_bytes = _read_small(archive, by_name[MANIFEST], MAX_MANIFEST_BYTES)
    signature = (
        _read_small(archive, by_name[SIGNATURE], MAX_SIGNATURE_BYTES) if SIGNATURE in by_name else None
    )
    manifest = _check_signature(manifest_bytes, signature, key)
    log("Signatur in Ordnung.")
    expected = manifest.get("files")
    if not isinstance(expected, dict) or not set(FIXTURES) <= set(expected):
        raise BackupError("Das Manifest der Sicherung ist unvollständig (Dateiliste).")
    content = {name: member for name, member in by_name.items() if name not in (MANIFEST, SIGNATURE)}
    unknown = sorted(set(content) - set(expected))
    if unknown:
        raise BackupError(f"Die Sicherung wurde verändert: {unknown[0]} steht nicht im Manifest.")
    missing = sorted(set(expected) - set(content))
    if missing:
        raise BackupError(
            f"Die Sicherung ist unvollständig: es fehlen {', '.join(missing[:5])}."
        )
    log(f"{len(expected)} Dateien der Sicherung werden geprüft …")
    for name, member in content.items():
        try:
            _extract_checked(archive, member, workdir / name, str(expected[name]))
        except OSError as error:
            if isinstance(error, gzip.BadGzipFile):
                raise  # damaged compressed data: reported as such by verify_archive
            raise BackupError(
                f"Der Eintrag {name} der Sicherung lässt sich nicht entpacken ({error.strerror or error}); "
                "Wiederherstellung abgebrochen, nichts wurde geändert."
            ) from error
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


def _load(workdir: Path, manifest: dict, log: Log) -> None:
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
        try:
            _load(workdir, manifest, log)
        except (DeserializationError, DatabaseError) as error:  # rolled back: the target is unchanged
            ContentType.objects.clear_cache()
            raise BackupError(
                f"Die Daten der Sicherung lassen sich nicht einlesen ({type(error).__name__}: "
                f"{str(error)[:300]}); alles wurde zurückgerollt, die Zielinstallation ist unverändert."
            ) from error
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
