"""Settings for the test suite: the production settings with test-only secrets and paths."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# pytest-xdist's workers inherit the controller's environment, and with it its directories:
# each worker makes its own (SQLite file, media, Whoosh index, page-cache generation file), and
# the interpreters a test starts (concurrent writers, backups) inherit the worker's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if os.environ.get("OM_TEST_DIRS_OF_WORKER", "") != _worker:
    for _name in ("OM_VAR_DIR", "OM_SEARCH_INDEX_DIR"):
        os.environ.pop(_name, None)
    os.environ["OM_TEST_DIRS_OF_WORKER"] = _worker
os.environ.setdefault("OM_VAR_DIR", tempfile.mkdtemp(prefix="om-records-test-"))
os.environ.setdefault("OM_SEARCH_INDEX_DIR", tempfile.mkdtemp(prefix="om-records-test-whoosh-"))
# Backups are signed; om_backup/om_restore (also in the tests' subprocesses) need the key.
os.environ.setdefault("OM_BACKUP_KEY", "test-only-backup-key-0123456789abcdef")

from cms.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise wants it to exist
# The anonymous page cache outlives each test's rolled-back transaction (its cache and generation
# file are not in the database): off for the suite, on in tests/cms/test_page_cache.py.
OM_PAGE_CACHE_SECONDS = 0
# Production hardening: the test client speaks plain http.
SECURE_SSL_REDIRECT = False
# The extraction task runs at once in tests (publishing a page extracts its
# attachments in the same call); tests of the queue override TASKS with the database backend.
TASKS = {  # noqa: F405
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "extraction": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
