"""Settings fail loudly when a production secret is missing (run in a subprocess, since
settings are read once per process)."""

import os
import subprocess
import sys


def _settings_in_fresh_process(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IRUM_")}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "irum.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = _settings_in_fresh_process({"IRUM_DEBUG": "false"})
    assert result.returncode != 0
    assert "IRUM_SECRET_KEY" in result.stderr


def test_it_starts_with_a_secret_key_file(tmp_path):
    key = tmp_path / "secret"
    key.write_text("x" * 50)
    result = _settings_in_fresh_process({"IRUM_SECRET_KEY_FILE": str(key)})
    assert result.returncode == 0, result.stderr


def test_it_refuses_a_misspelt_boolean():
    result = _settings_in_fresh_process({"IRUM_DEBUG": "yes please"})
    assert result.returncode != 0
    assert "IRUM_DEBUG" in result.stderr
