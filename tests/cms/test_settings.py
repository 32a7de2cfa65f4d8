"""Production settings refuse to start without a secret key (DEBUG off)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_missing_secret_key_without_debug_is_refused():
    result = run_check({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_has_a_development_default():
    assert run_check({"DEBUG": "1"}).returncode == 0
