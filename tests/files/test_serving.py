"""Documents never bypass the access check through ``/media/``.

The README and docs/operations.md advised the proxy to serve ``MEDIA_ROOT`` under ``/media/``,
so ``/media/documents/<name>`` handed out every file, whatever ``/dokumente/`` decided. Now
documents are served only by Wagtail's view (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``);
the documented proxy setup has no public location for documents; optionally the proxy sends
the bytes after the check from an internal-only location (X-Accel-Redirect, X-Sendfile).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wagtail.utils.sendfile import _get_sendfile

from tests.cms.test_deploy import print_setting
from tests.files.conftest import OWN_GROUP, group, neutral_collection, protokoll_with, upload

ROOT = Path(__file__).resolve().parents[2]


def test_production_serves_documents_through_the_view_only(tmp_path):
    assert print_setting(tmp_path, "settings.WAGTAILDOCS_SERVE_METHOD, settings.DEBUG") == \
        "serve_view False"
    assert print_setting(tmp_path, "hasattr(settings, 'SENDFILE_BACKEND')") == "False"


def test_a_sendfile_setting_that_is_unknown_is_refused(tmp_path):
    from tests.cms.test_deploy import manage

    result = manage(["check"], tmp_path, OM_DOCUMENTS_SENDFILE="apache")
    assert result.returncode != 0
    assert "OM_DOCUMENTS_SENDFILE" in result.stderr


def test_media_documents_are_not_reachable(client, demo_home, settings):
    """With the production URLconf (DEBUG off) nothing serves MEDIA_ROOT."""
    assert settings.DEBUG is False
    document = upload(neutral_collection(), "entwurf-intern.txt", b"Interner Entwurf\n")
    protokoll_with(group(OWN_GROUP), document, slug="entwurf-intern", publish=False)
    assert Path(document.file.path).is_file()
    assert document.url.startswith("/dokumente/")
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(document.url).status_code == 302  # the view asks for a login


def test_docs_no_longer_tell_the_proxy_to_serve_media():
    readme = (ROOT / "README.md").read_text()
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert "serve `MEDIA_ROOT` under `/media/`" not in readme
    assert not re.search(r"location /media/ *\{", operations)
    assert "internal;" in operations  # the X-Accel-Redirect location is internal only
    assert "WAGTAILDOCS_SERVE_METHOD" in operations
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile[makefile.index("\nserve:"):].split("\n\n")[0]
    assert "media" not in serve.lower()


@pytest.fixture
def sendfile(settings):
    def configure(method: str):
        settings.OM_DOCUMENTS_SENDFILE = method
        settings.SENDFILE_BACKEND = "om_pages.sendfile"
        settings.OM_SENDFILE_URL = "/_dokumente_intern/"
        _get_sendfile.clear()
    yield configure
    _get_sendfile.clear()


def test_x_accel_redirect_after_the_check(client, demo_home, sendfile, settings):
    sendfile("nginx")
    public = upload(neutral_collection(), "oeffentlich.txt", b"Oeffentlich\n")
    protokoll_with(group(OWN_GROUP), public, slug="oeffentlich", publish=True)
    response = client.get(public.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_dokumente_intern/{public.file.name}"
    assert response.content == b""
    assert "oeffentlich.txt" in response["Content-Disposition"]
    hidden = upload(neutral_collection(), "geheim.txt", b"Geheim\n")
    protokoll_with(group(OWN_GROUP), hidden, slug="geheim", publish=False)
    response = client.get(hidden.url)
    assert response.status_code == 302 and "X-Accel-Redirect" not in response


def test_x_sendfile_names_the_absolute_path(client, demo_home, sendfile):
    sendfile("xsendfile")
    public = upload(neutral_collection(), "apache.txt", b"Apache\n")
    protokoll_with(group(OWN_GROUP), public, slug="apache", publish=True)
    response = client.get(public.url)
    assert response["X-Sendfile"] == str(Path(public.file.path).resolve())
