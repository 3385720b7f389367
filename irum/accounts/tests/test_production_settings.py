"""IRUM_PRODUCTION=true refuses an unsafe configuration at start-up, and turns on the
HTTPS-only settings. Each case loads the settings module in a fresh interpreter with
exactly the environment given."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = secrets.token_urlsafe(50)
PRODUCTION = {
    "IRUM_PRODUCTION": "true",
    "IRUM_SECRET_KEY": GOOD_KEY,
    "IRUM_ALLOWED_HOSTS": "irum.example.org",
}

SHOW = (
    "import json, irum.settings as s; print(json.dumps({k: getattr(s, k, None) for k in ["
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER', "
    "'IRUM_REQUIRE_2FA']}))"
)


def load_settings(**env: str) -> subprocess.CompletedProcess:
    # Only what an interpreter needs, plus ENV: nothing from this test run leaks in.
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    base["IRUM_VAR_DIR"] = os.environ.get("IRUM_VAR_DIR", str(ROOT / "var"))
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def refused(**env: str) -> str:
    result = load_settings(**env)
    assert result.returncode != 0, result.stdout
    assert "IRUM_PRODUCTION is set, and Irum refuses to start" in result.stderr
    return result.stderr


def test_a_sound_production_configuration_starts_with_https_only_settings():
    result = load_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["DEBUG"] is False
    assert loaded["SESSION_COOKIE_SECURE"] is True and loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert loaded["SECURE_PROXY_SSL_HEADER"] is None
    assert loaded["IRUM_REQUIRE_2FA"] is True


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted():
    result = load_settings(**PRODUCTION, IRUM_BEHIND_TLS_PROXY="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_it_refuses_debug():
    assert "IRUM_DEBUG is on" in refused(**PRODUCTION, IRUM_DEBUG="true")


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "IRUM_SECRET_KEY (or IRUM_SECRET_KEY_FILE) is not set"),
        ("a-short-secret", "IRUM_SECRET_KEY is too weak"),
        ("ab" * 40, "IRUM_SECRET_KEY is too weak"),
        ("django-insecure-" + GOOD_KEY, "IRUM_SECRET_KEY is a Django default"),
    ],
    ids=["missing", "short", "repetitive", "django-default"],
)
def test_it_refuses_a_missing_short_or_default_secret_key(key, reason):
    assert reason in refused(**{**PRODUCTION, "IRUM_SECRET_KEY": key})


def test_it_refuses_a_weak_key_given_in_a_file(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("too-short\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "IRUM_SECRET_KEY"}
    assert "IRUM_SECRET_KEY is too weak" in refused(**env, IRUM_SECRET_KEY_FILE=str(path))


def test_it_refuses_2fa_turned_off():
    assert "IRUM_REQUIRE_2FA is off" in refused(**PRODUCTION, IRUM_REQUIRE_2FA="false")


def test_it_refuses_insecure_cookies():
    assert "IRUM_SECURE_COOKIES is off" in refused(**PRODUCTION, IRUM_SECURE_COOKIES="false")


def test_it_refuses_any_host():
    assert "IRUM_ALLOWED_HOSTS" in refused(**{**PRODUCTION, "IRUM_ALLOWED_HOSTS": "*"})


def test_it_lists_every_problem_at_once():
    message = refused(IRUM_PRODUCTION="true", IRUM_DEBUG="true", IRUM_REQUIRE_2FA="false")
    for reason in ("IRUM_DEBUG", "IRUM_SECRET_KEY", "IRUM_REQUIRE_2FA"):
        assert reason in message
    # The message names settings, never the key itself.
    assert GOOD_KEY not in message


def test_without_the_switch_a_developer_may_turn_2fa_off():
    result = load_settings(IRUM_DEBUG="true", IRUM_REQUIRE_2FA="false")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["IRUM_REQUIRE_2FA"] is False


def test_the_deploy_check_leaves_only_the_preload_opt_in():
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    result = subprocess.run(
        [sys.executable, "-m", "irum.manage", "check", "--deploy"],
        cwd=ROOT,
        env={**base, **PRODUCTION, "IRUM_VAR_DIR": os.environ.get("IRUM_VAR_DIR", "var")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "(security." in line]
    assert [w.split(")")[0].split("(")[1] for w in warnings] == ["security.W021"]
