"""Fixtures for the backup tests: a backup key in the environment and a media folder of
the test's own."""

from __future__ import annotations

import base64

import pytest

from irum.backups.tests.helpers import new_key


@pytest.fixture
def backup_key(monkeypatch) -> bytes:
    text = new_key()
    monkeypatch.delenv("IRUM_BACKUP_KEY_FILE", raising=False)
    monkeypatch.setenv("IRUM_BACKUP_KEY", text)
    return base64.b64decode(text)


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 costs a third of a second per persona, most of each test's time here; what
    # these tests back up and restore is the stored hash, whichever algorithm made it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
