"""om_backup / om_restore (issue 6): the demo content survives a round trip into a fresh installation.

The round trip goes from the database the suite runs on (SQLite or PostgreSQL) into a fresh SQLite
file and into a fresh PostgreSQL database, so CI's two runs cover all four combinations.
"""

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
from django.core.management import CommandError, call_command
from psycopg import sql
from wagtail.models import Page

from om_pages.backup import snapshot

ROOT = Path(__file__).resolve().parents[2]
#: The PostgreSQL server for the restore target; .ci/run's CI_POSTGRES_URL names the same one.
POSTGRES_SERVER = os.environ.get(
    "CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/om_records"
).rsplit("/", 1)[0]

SNAPSHOT_SCRIPT = """
import json
from wagtail.models import Page
from om_pages.backup import snapshot
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
        (lambda n, d: ("media/documents/extra.pdf" if n.startswith("media/") else n, d), "nicht im Manifest"),
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
