"""Optional: the proxy sends a document's bytes after Django has checked access.

Documents are always served through Wagtail's serve view (``WAGTAILDOCS_SERVE_METHOD =
"serve_view"``), which runs the ``before_serve_document`` hooks (``om_pages.files``). By default
Django streams the file. With ``OM_DOCUMENTS_SENDFILE`` set, ``cms/settings.py`` names this
module as Wagtail's ``SENDFILE_BACKEND``: the view answers with an empty response and a header,
and the proxy sends the file from a location it serves **only internally**:

* ``nginx``: ``X-Accel-Redirect: <OM_SENDFILE_URL><path below MEDIA_ROOT>``, with an
  ``internal;`` location aliasing ``MEDIA_ROOT`` (docs/operations.md).
* ``xsendfile``: ``X-Sendfile: <absolute path>`` (Apache ``mod_xsendfile``, lighttpd).

Wagtail's ``sendfile()`` adds Content-Disposition, Content-Type and Content-Length.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse


def internal_url(filename: str) -> str:
    """The proxy-internal URL of a file below ``MEDIA_ROOT``."""
    relative = Path(filename).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    return settings.OM_SENDFILE_URL.rstrip("/") + "/" + quote(relative.as_posix())


def sendfile(request, filename: str, **kwargs) -> HttpResponse:
    """Wagtail's sendfile backend interface: ``sendfile(request, filename, mimetype=…)``."""
    method = getattr(settings, "OM_DOCUMENTS_SENDFILE", "")
    response = HttpResponse()
    if method == "nginx":
        response["X-Accel-Redirect"] = internal_url(filename)
    elif method == "xsendfile":
        response["X-Sendfile"] = str(Path(filename).resolve())
    else:
        raise ImproperlyConfigured(
            f"OM_DOCUMENTS_SENDFILE={method!r}: erlaubt sind „nginx“ und „xsendfile“ (oder leer).")
    return response
