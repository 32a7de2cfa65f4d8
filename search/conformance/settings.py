"""Settings for the conformance run: modelsearch's test app with two backends.

``whoosh`` is ours (a fresh temporary index directory per run); ``db`` is modelsearch's own
database backend, the bar to meet (SQLite).
"""

import os
import tempfile
from pathlib import Path

from modelsearch.test.settings import *  # noqa: F403

SHARED_DIR = Path(os.environ.get("OM_SHARED_DIR", Path(__file__).resolve().parents[2] / ".." / "shared"))
FIXTURE_DIRS = [str(SHARED_DIR / "conformance")]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

MODELSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends.whoosh",
        "PATH": tempfile.mkdtemp(prefix="om-conformance-whoosh-"),
    },
    "db": {"BACKEND": "modelsearch.backends.database"},
}
