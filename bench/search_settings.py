"""Settings of one backend phase of ``bench/search.py``: the bench app, one search backend.

``OM_BENCH_BACKEND`` is ``whoosh`` (ours, on SQLite for the database step), ``sqlite``
(modelsearch's database backend, FTS5) or ``postgres`` (modelsearch's database backend with
PostgreSQL's ``german`` text search configuration, database ``OM_BENCH_PG_NAME`` on
``OM_BENCH_PG_URL``'s server). Only that backend is configured, so a save indexes into it alone.
"""

import os

BACKEND = os.environ.get("OM_BENCH_BACKEND", "whoosh")
SECRET_KEY = "bench-only"
USE_TZ = True
INSTALLED_APPS = ["bench.search_app", "modelsearch", "django.contrib.contenttypes"]

if BACKEND == "postgres":
    INSTALLED_APPS.append("django.contrib.postgres")
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["OM_BENCH_PG_NAME"],
        "USER": os.environ.get("OM_BENCH_PG_USER", "postgres"),
        "HOST": os.environ.get("OM_BENCH_PG_HOST", "127.0.0.1"),
        "PORT": os.environ.get("OM_BENCH_PG_PORT", "5432"),
    }}
    MODELSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database",
                                        "SEARCH_CONFIG": "german"}}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                             "NAME": os.environ["OM_BENCH_SQLITE"]}}
    if BACKEND == "whoosh":
        MODELSEARCH_BACKENDS = {"default": {
            "BACKEND": "search.backends.whoosh", "PATH": os.environ["OM_BENCH_WHOOSH_DIR"],
            # worker processes of the rebuild, as in cms/settings.py (0: cores, at most 4)
            "REBUILD_PROCS": int(os.environ.get("OM_SEARCH_REBUILD_PROCS", "0") or 0)}}
    else:
        MODELSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database"}}
