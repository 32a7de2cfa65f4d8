"""om_backup / om_restore: the demo content survives a round trip into a fresh
installation; forged, unsigned and malformed archives are refused in German.

The round trip goes from the database the suite runs on (SQLite or PostgreSQL) into a fresh SQLite
file and into a fresh PostgreSQL database, so CI's two runs cover all four combinations.
"""

import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from psycopg import sql
from wagtail.models import Page

from cms.backup import snapshot

ROOT = Path(__file__).resolve().parents[2]
#: The PostgreSQL server for the restore target; .ci/run's CI_POSTGRES_URL names the same one.
POSTGRES_SERVER = os.environ.get(
    "CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/om_records"
).rsplit("/", 1)[0]

SNAPSHOT_SCRIPT = """
import json
from wagtail.models import Page
from cms.backup import snapshot
data = snapshot()
data["search_hits"] = Page.objects.live().search("Unterweisung").count()
print("SNAPSHOT" + json.dumps(data, sort_keys=True))
"""

#: After the restore the installation keeps working: new rows get ids after the restored ones
#: (PostgreSQL: the sequences were moved past the loaded primary keys).
NEW_CONTENT_SCRIPT = """
import datetime, json
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, Revision
from om_pages.models import AgendaItem, GremiumPage, ProtokollDocument, ProtokollPage
User, Document = get_user_model(), get_document_model()
tables = {"wagtailcore.page": Page, "wagtailcore.revision": Revision,
          "wagtailcore.pagelogentry": PageLogEntry, "om_pages.agendaitem": AgendaItem,
          "om_pages.protokolldocument": ProtokollDocument, "auth.user": User,
          "wagtaildocs.document": Document}
highest = {label: model.objects.order_by("-pk").values_list("pk", flat=True).first()
           for label, model in tables.items()}
user = User.objects.create_superuser("nach-der-wiederherstellung")
document = Document.objects.create(
    title="Anlage nach der Wiederherstellung", uploaded_by_user=user,
    file=ContentFile(b"Neu nach der Wiederherstellung", name="anlage-neu.txt"),
)
gremium = GremiumPage.objects.order_by("pk").first()
page = gremium.add_child(instance=ProtokollPage(
    title="Protokoll nach der Wiederherstellung", slug="nach-der-wiederherstellung",
    date=datetime.date(2026, 11, 26), live=False,
    agenda_items=[AgendaItem(title="Bericht", decision="Zur Kenntnis genommen")],
    documents=[ProtokollDocument(document=document)],
))
revision = page.save_revision(user=user, log_action=True)
revision.publish(user=user)
created = {"wagtailcore.page": page.pk, "wagtailcore.revision": revision.pk,
           "wagtailcore.pagelogentry": PageLogEntry.objects.filter(page=page).latest("pk").pk,
           "om_pages.agendaitem": page.agenda_items.get().pk,
           "om_pages.protokolldocument": page.documents.get().pk,
           "auth.user": user.pk, "wagtaildocs.document": document.pk}
live = Page.objects.live().filter(pk=page.pk).exists()
print("NEW" + json.dumps({"highest": highest, "created": created, "live": live}))
"""


def postgres_server() -> psycopg.Connection:
    return psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request, tmp_path) -> Iterator[str]:
    """DATABASE_URL of an empty database of its own for the restore target; dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    try:
        server = postgres_server()
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL server {POSTGRES_SERVER} not reachable, restore into PostgreSQL untested: "
                    f"{' '.join(str(error).split())}")
    name = f"om_restore_{uuid.uuid4().hex[:16]}"
    with server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with postgres_server() as server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run_in_fresh_installation(
    tmp_path: Path, database_url: str, *commands: list[str]
) -> list[subprocess.CompletedProcess]:
    """Run manage.py commands against an installation of its own (database, media, search index)."""
    env = dict(os.environ)
    env.pop("MEDIA_ROOT", None)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings_test",
        OM_VAR_DIR=str(tmp_path / "target"),
        OM_SEARCH_INDEX_DIR=str(tmp_path / "target" / "whoosh"),  # not the test process's index
        DATABASE_URL=database_url,
    )
    return [
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300)
        for command in commands
    ]


@pytest.mark.django_db
def test_round_trip_into_a_fresh_installation(demo_home, tmp_path, fresh_database):
    archive = tmp_path / "sicherung.tar.gz"
    out = io.StringIO()
    call_command("om_backup", str(archive), stdout=out)
    assert "Sicherung geschrieben" in out.getvalue()
    source = snapshot()

    migrate, restore, again, forced, check, new = run_in_fresh_installation(
        tmp_path, fresh_database,
        ["migrate", "--noinput", "-v0"],
        ["om_restore", str(archive)],
        ["om_restore", str(archive)],
        ["om_restore", str(archive), "--force"],
        ["shell", "--no-imports", "-c", SNAPSHOT_SCRIPT],
        ["shell", "--no-imports", "-c", NEW_CONTENT_SCRIPT],
    )
    assert migrate.returncode == 0, migrate.stderr
    assert restore.returncode == 0, restore.stderr
    assert "Prüfsummen in Ordnung" in restore.stdout and "Suchindex" in restore.stdout
    assert again.returncode != 0 and "enthält bereits Inhalte" in again.stderr  # not into a used one
    assert forced.returncode == 0, forced.stderr
    assert check.returncode == 0, check.stderr
    target = json.loads(check.stdout.split("SNAPSHOT", 1)[1])

    for label in ("wagtailcore.page", "wagtailcore.revision", "wagtailcore.pagelogentry",
                  "om_pages.protokollpage", "wagtaildocs.document"):
        assert source["models"][label]["count"] > 0, label
    differing = [
        label for label in source["models"] if source["models"][label] != target["models"].get(label)
    ]
    assert differing == [], f"rows differ after restore in {differing}"
    assert set(target["models"]) == set(source["models"])
    assert target["media"] == source["media"] and source["media"]
    assert target["search_hits"] > 0  # the index was rebuilt

    # R19: the groups go on maintaining their pages after a restore; no id collides with a restored one.
    assert new.returncode == 0, new.stderr
    result = json.loads(new.stdout.split("NEW", 1)[1])
    assert result["live"]
    for label, pk in result["created"].items():
        highest = result["highest"][label]
        if label in source["models"] and source["models"][label]["count"]:
            assert highest is not None, label
        assert highest is None or pk > highest, (label, pk, highest)


def rewrite_archive(source: Path, target: Path, change) -> None:
    """Copy a backup archive member by member, letting ``change`` alter (name, bytes)."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            name, data = change(member.name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))


@pytest.fixture
def backup_file(demo_home, tmp_path):
    path = tmp_path / "sicherung.tar.gz"
    call_command("om_backup", str(path), stdout=io.StringIO())
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n, d: (n, d.replace(b"Unterweisung", b"Unterwanderung")) if n == "data.omjson" else (n, d),
         "Prüfsumme"),
        (lambda n, d: ("media/../../evil.txt" if n.startswith("media/") else n, d), "Unzulässiger Eintrag"),
        (lambda n, d: (n.replace("media/documents/", "media/documents/extra-"), d), "nicht im Manifest"),
    ],
    ids=["tampered-data", "path-traversal", "unknown-file"],
)
def test_tampered_archive_is_refused_before_anything_changes(backup_file, tmp_path, change, message):
    tampered = tmp_path / "manipuliert.tar.gz"
    rewrite_archive(backup_file, tampered, change)
    pages_before = Page.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("om_restore", str(tampered), "--force", stdout=io.StringIO())
    assert Page.objects.count() == pages_before


@pytest.mark.django_db
def test_restore_refuses_a_non_empty_installation(backup_file):
    with pytest.raises(CommandError, match="enthält bereits Inhalte"):
        call_command("om_restore", str(backup_file), stdout=io.StringIO())


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    junk = tmp_path / "kein-archiv.tar.gz"
    junk.write_bytes(b"kein tar")
    with pytest.raises(CommandError, match="kann nicht gelesen werden"):
        call_command("om_restore", str(junk), stdout=io.StringIO())


# --- Archives that cannot be forged, read by others, or crash the restore ------------

def archive_members(path: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(path, "r:gz") as archive:
        return [
            (member, archive.extractfile(member).read() if member.isfile() else b"")
            for member in archive.getmembers()
        ]


def write_archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for info, data in members:
            if info.isfile():
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            else:
                archive.addfile(info)


def forge(source: Path, target: Path, edit_data, sign_with: str | None = None) -> None:
    """What an attacker with write access to the archive does: edit data.omjson, recompute its
    SHA-256 in the manifest, keep everything else (the old MAC included, unless ``sign_with``)."""
    members = archive_members(source)
    by_name = {info.name: data for info, data in members}
    data = edit_data(by_name["data.omjson"])
    manifest = json.loads(by_name["manifest.json"])
    manifest["files"]["data.omjson"] = hashlib.sha256(data).hexdigest()
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
    replaced = {"data.omjson": data, "manifest.json": manifest_bytes}
    if sign_with is not None:
        mac = hmac.new(sign_with.encode(), manifest_bytes, hashlib.sha256).hexdigest()
        replaced["manifest.hmac"] = mac.encode()
    write_archive(target, [(info, replaced.get(info.name, data)) for info, data in members])


def make_superuser(username: str):
    def edit(data: bytes) -> bytes:
        rows = json.loads(data)
        for row in rows:
            if row["model"] == "auth.user" and row["fields"]["username"] == username:
                row["fields"].update(is_superuser=True, is_staff=True)
                break
        else:
            raise AssertionError(f"user {username} not in the backup")
        return json.dumps(rows).encode()
    return edit


def reseal(members: list[tuple[tarfile.TarInfo, bytes]]) -> list[tuple[tarfile.TarInfo, bytes]]:
    """Give a structurally broken archive a manifest that lists every regular member with its right
    SHA-256 and a valid MAC, as a careless tool holding the key would: the structure check alone
    must refuse it."""
    manifest = json.loads(next(data for info, data in members if info.name == "manifest.json"))
    manifest["files"] = {
        info.name: hashlib.sha256(data).hexdigest() for info, data in members
        if info.isfile() and info.name not in ("manifest.json", "manifest.hmac")
    }
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
    key = getattr(settings, "OM_BACKUP_KEY", "")  # empty if unset
    mac = hmac.new(key.encode(), manifest_bytes, hashlib.sha256).hexdigest().encode()
    return [
        (info, {"manifest.json": manifest_bytes, "manifest.hmac": mac}.get(info.name, data))
        for info, data in members
    ]


@pytest.mark.django_db
def test_forged_archive_cannot_make_a_group_editor_superuser(backup_file, tmp_path):
    """The attack: edit the data, recompute the checksums; the restore must refuse it."""
    User = get_user_model()
    assert not User.objects.get(username="fg-gefaehrdung").is_superuser
    forged = tmp_path / "gefaelscht.tar.gz"
    forge(backup_file, forged, make_superuser("fg-gefaehrdung"))
    with pytest.raises(CommandError, match="Signatur"):
        call_command("om_restore", str(forged), "--force", stdout=io.StringIO())
    assert not User.objects.get(username="fg-gefaehrdung").is_superuser
    # signed with a key of the attacker's own choosing: refused just the same
    forge(backup_file, forged, make_superuser("fg-gefaehrdung"), sign_with="angreifer-schluessel-" + "x" * 32)
    with pytest.raises(CommandError, match="Signatur"):
        call_command("om_restore", str(forged), "--force", stdout=io.StringIO())
    assert not User.objects.get(username="fg-gefaehrdung").is_superuser


@pytest.mark.django_db
def test_archive_without_mac_is_refused(backup_file, tmp_path):
    stripped = tmp_path / "ohne-signatur.tar.gz"
    write_archive(stripped, [m for m in archive_members(backup_file) if m[0].name != "manifest.hmac"])
    with pytest.raises(CommandError, match="keine Signatur"):
        call_command("om_restore", str(stripped), "--force", stdout=io.StringIO())


@pytest.mark.django_db
def test_wrong_or_missing_key_is_refused(backup_file, tmp_path):
    pages_before = Page.objects.count()
    with override_settings(OM_BACKUP_KEY="ein-anderer-schluessel-0123456789abcdef"):
        with pytest.raises(CommandError, match="anderen Schlüssel"):
            call_command("om_restore", str(backup_file), "--force", stdout=io.StringIO())
    with override_settings(OM_BACKUP_KEY=""):
        with pytest.raises(CommandError, match="OM_BACKUP_KEY"):
            call_command("om_restore", str(backup_file), "--force", stdout=io.StringIO())
        with pytest.raises(CommandError, match="OM_BACKUP_KEY ist nicht gesetzt"):
            call_command("om_backup", str(tmp_path / "ohne-schluessel.tar.gz"), stdout=io.StringIO())
    with override_settings(OM_BACKUP_KEY="kurz"):
        with pytest.raises(CommandError, match="zu kurz"):
            call_command("om_backup", str(tmp_path / "kurzer-schluessel.tar.gz"), stdout=io.StringIO())
    assert not list(tmp_path.glob("*schluessel*"))  # nothing written without a usable key
    assert Page.objects.count() == pages_before


@pytest.mark.django_db
def test_archive_is_written_owner_only_even_with_umask_zero(demo_home, tmp_path, monkeypatch):
    """Mode 0600 from the first byte: the partial file is never readable by others either."""
    seen_modes = []
    original_addfile = tarfile.TarFile.addfile

    def addfile(self, tarinfo, fileobj=None):
        seen_modes.extend(path.stat().st_mode & 0o777 for path in tmp_path.glob(".*.part"))
        return original_addfile(self, tarinfo, fileobj)

    monkeypatch.setattr(tarfile.TarFile, "addfile", addfile)
    archive = tmp_path / "sicherung.tar.gz"
    archive.write_bytes(b"alte, lesbare Datei")
    archive.chmod(0o644)
    old_umask = os.umask(0)
    try:
        call_command("om_backup", str(archive), stdout=io.StringIO())
    finally:
        os.umask(old_umask)
    assert seen_modes and set(seen_modes) == {0o600}
    assert archive.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["sicherung.tar.gz"]  # no partial file left


def media_member(members) -> tuple[tarfile.TarInfo, bytes]:
    return next((info, data) for info, data in members if info.name.startswith("media/"))


def duplicate_member(members):
    return members + [media_member(members)]


def duplicate_data(members):
    info, data = next(m for m in members if m[0].name == "data.omjson")
    return members + [(info, data)]


def file_and_directory_clash(members):
    info, data = media_member(members)
    below = tarfile.TarInfo(info.name + "/darunter.txt")
    return members + [(below, b"x")]


def symlink_member(members):
    link = tarfile.TarInfo("media/documents/passwd.txt")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return members + [(link, b"")]


def hardlink_member(members):
    link = tarfile.TarInfo("media/documents/shadow.txt")
    link.type, link.linkname = tarfile.LNKTYPE, "/etc/shadow"
    return members + [(link, b"")]


def traversal_member(members):
    info, data = media_member(members)
    evil = tarfile.TarInfo("media/../../../tmp/om-evil.txt")
    return [(evil if i is info else i, d) for i, d in members]


def absolute_member(members):
    return members + [(tarfile.TarInfo("/tmp/om-evil.txt"), b"x")]


def dot_member(members):
    info, data = media_member(members)
    dotted = tarfile.TarInfo("media/./" + info.name[len("media/"):])
    return [(i, d) for i, d in members if i is not info] + [(dotted, data)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (duplicate_member, "mehrfach"),
        (duplicate_data, "mehrfach"),
        (file_and_directory_clash, "zugleich Datei und Ordner"),
        (symlink_member, "Unzulässiger Eintrag"),
        (hardlink_member, "Unzulässiger Eintrag"),
        (traversal_member, "Unzulässiger Eintrag"),
        (absolute_member, "Unzulässiger Eintrag"),
        (dot_member, "Unzulässiger Eintrag"),
    ],
    ids=["duplicate-media", "duplicate-data", "file-and-directory", "symlink", "hardlink", "traversal",
         "absolute", "dot-segment"],
)
def test_malformed_archive_is_refused_in_german(backup_file, tmp_path, change, message):
    """Name clashes and unsafe members: a German refusal, never a traceback, nothing changed."""
    broken = tmp_path / "kaputt.tar.gz"
    write_archive(broken, reseal(change(archive_members(backup_file))))
    pages_before = Page.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("om_restore", str(broken), "--force", stdout=io.StringIO())
    assert Page.objects.count() == pages_before
    assert not Path("/tmp/om-evil.txt").exists()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def corrupted(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 64]) + data[middle + 64:]


@pytest.mark.django_db
@pytest.mark.parametrize("damage", [truncated, corrupted, lambda data: data[:100], lambda data: b""],
                         ids=["truncated", "corrupted", "header-only", "empty"])
def test_damaged_archive_is_refused_in_german(backup_file, tmp_path, damage):
    damaged = tmp_path / "beschaedigt.tar.gz"
    damaged.write_bytes(damage(backup_file.read_bytes()))
    # a flipped block in the middle may end the tar stream early: then members are missing
    with pytest.raises(CommandError, match="beschädigt|nicht gelesen|kein Manifest|unvollständig"):
        call_command("om_restore", str(damaged), "--force", stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("change", [duplicate_member, file_and_directory_clash],
                         ids=["duplicate", "file-and-directory"])
def test_name_clash_stops_manage_py_without_a_traceback(backup_file, tmp_path, change):
    """`manage.py om_restore` on such an archive answers with a message, never a traceback."""
    broken = tmp_path / "namenskonflikt.tar.gz"
    write_archive(broken, reseal(change(archive_members(backup_file))))
    (result,) = run_in_fresh_installation(tmp_path, f"sqlite:///{tmp_path / 'leer.sqlite3'}",
                                          ["om_restore", str(broken)])
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert "mehrfach" in result.stderr or "zugleich Datei und Ordner" in result.stderr, result.stderr
