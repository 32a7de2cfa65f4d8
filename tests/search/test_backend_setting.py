"""The switch OM_SEARCH_BACKEND (cms/settings.py; issue 18, "Several hosts").

Each case imports the settings in a fresh interpreter with its own environment: settings are
read once per process.
"""

import json
import os
import subprocess
import sys

import pytest

SHOW = ("import json, cms.settings as s; "
        "print(json.dumps({'backend': s.WAGTAILSEARCH_BACKENDS['default'], "
        "'same': s.MODELSEARCH_BACKENDS is s.WAGTAILSEARCH_BACKENDS}))")


def settings_with(tmp_path, **env) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items()
               if key not in {"OM_SEARCH_BACKEND", "DATABASE_URL"}}
    environ.update(OM_VAR_DIR=str(tmp_path), SECRET_KEY="x", DEBUG="1", **env)
    return subprocess.run([sys.executable, "-c", SHOW], env=environ, capture_output=True, text=True,
                          timeout=60)


def test_whoosh_is_the_default(tmp_path):
    result = settings_with(tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["backend"]["BACKEND"] == "search.backends.whoosh"
    assert shown["same"]


def test_postgres_selects_the_postgres_backend_with_german_configuration(tmp_path):
    result = settings_with(tmp_path, OM_SEARCH_BACKEND="postgres",
                           DATABASE_URL="postgres://om@db.example/om")
    assert result.returncode == 0, result.stderr
    backend = json.loads(result.stdout)["backend"]
    assert backend == {"BACKEND": "search.backends.postgres", "SEARCH_CONFIG": "german"}


@pytest.mark.parametrize("database_url", ["", "sqlite:////tmp/om.sqlite3"])
def test_postgres_without_a_postgres_database_is_refused_in_german(tmp_path, database_url):
    env = {"OM_SEARCH_BACKEND": "postgres"}
    if database_url:
        env["DATABASE_URL"] = database_url
    result = settings_with(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "OM_SEARCH_BACKEND=postgres braucht eine PostgreSQL-Datenbank" in result.stderr


def test_an_unknown_backend_is_refused_in_german(tmp_path):
    result = settings_with(tmp_path, OM_SEARCH_BACKEND="elastic")
    assert result.returncode != 0
    assert "OM_SEARCH_BACKEND='elastic' ist unbekannt" in result.stderr
