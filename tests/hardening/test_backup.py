"""om_backup / om_restore (issue 6): the demo content survives a round trip into a fresh installation."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from om_pages.backup import snapshot

ROOT = Path(__file__).resolve().parents[2]

SNAPSHOT_SCRIPT = """
import json
from wagtail.models import Page
from om_pages.backup import snapshot
data = snapshot()
data["search_hits"] = Page.objects.live().search("Unterweisung").count()
print("SNAPSHOT" + json.dumps(data, sort_keys=True))
"""


def run_in_fresh_installation(tmp_path: Path, *commands: list[str]) -> list[subprocess.CompletedProcess]:
    """Run manage.py commands against an installation of its own (SQLite file, media, index)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings_test",
        OM_VAR_DIR=str(tmp_path / "target"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'target.sqlite3'}",
    )
    return [
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300)
        for command in commands
    ]


@pytest.mark.django_db
def test_round_trip_into_a_fresh_installation(demo_home, tmp_path):
    archive = tmp_path / "sicherung.tar.gz"
    out = io.StringIO()
    call_command("om_backup", str(archive), stdout=out)
    assert "Sicherung geschrieben" in out.getvalue()
    source = snapshot()

    migrate, restore, again, forced, check = run_in_fresh_installation(
        tmp_path,
        ["migrate", "--noinput", "-v0"],
        ["om_restore", str(archive)],
        ["om_restore", str(archive)],
        ["om_restore", str(archive), "--force"],
        ["shell", "--no-imports", "-c", SNAPSHOT_SCRIPT],
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
