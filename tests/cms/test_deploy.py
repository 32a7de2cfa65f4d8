"""Production settings: `check --deploy` is clean, the cache follows CACHE_URL."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "ALLOWED_HOSTS": "fachgruppen.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://fachgruppen.example.org",
}


def manage(args: list[str], tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    """Run manage.py with production settings (DEBUG off) in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest, never in production
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        OM_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **PRODUCTION_ENV,
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_has_no_warnings(tmp_path):
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_notices_a_weakened_setup(tmp_path):
    """The test above would catch a regression: switching HSTS off is reported."""
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def print_setting(tmp_path: Path, expression: str, **overrides: str) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = manage(["shell", "--no-imports", "-c", code], tmp_path, **overrides)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_defaults_are_https_only(tmp_path):
    values = print_setting(
        tmp_path,
        "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS > 0, getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)",
    )
    assert values == "True True True True None"


def test_proxy_header_and_hsts_come_from_the_environment(tmp_path):
    values = print_setting(
        tmp_path, "settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_HSTS_SECONDS",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SECURE_HSTS_SECONDS="600",
    )
    assert values == "('HTTP_X_FORWARDED_PROTO', 'https') 600"


def test_debug_keeps_plain_http(tmp_path):
    values = print_setting(
        tmp_path,
        "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS",
        DEBUG="1",
    )
    assert values == "False False 0"


@pytest.mark.parametrize(
    ("cache_url", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("rediss://cache.example.org:6380/0", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_cache_follows_cache_url(tmp_path, cache_url, backend):
    assert print_setting(tmp_path, "settings.CACHES['default']['BACKEND']", CACHE_URL=cache_url) == backend


def test_unknown_cache_url_is_refused_in_german(tmp_path):
    result = manage(["check"], tmp_path, CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "wird nicht unterstützt" in result.stderr


def test_gunicorn_config_is_loadable():
    """`make serve` starts gunicorn with this file; it must parse and name the WSGI app."""
    namespace: dict = {}
    exec(compile((ROOT / "cms/gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    assert namespace["wsgi_app"] == "cms.wsgi:application"
    assert namespace["workers"] >= 1
