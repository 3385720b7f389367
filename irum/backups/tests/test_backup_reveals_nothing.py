"""Whoever holds a backup file without its key learns nothing from it: no names, no
titles, no field ciphertext, no table or file names, not even the shape of its content."""

from __future__ import annotations

import base64
import math
import stat
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from irum.backups.archive import HEADER_SIZE, MAGIC
from irum.backups.tests.helpers import (
    CANARY_FILE,
    CANARY_NAME,
    CANARY_NAME_KO,
    CANARY_NARRATIVE,
    CANARY_TITLE,
    fill_archive,
)


@pytest.fixture
def backup(personas, backup_key, media_root, tmp_path):
    fill_archive(personas, media_root)
    path = tmp_path / "archive.irumbak"
    call_command("backup", str(path), stdout=StringIO())
    return path


def _forms(text: str) -> list[bytes]:
    raw = text.encode()
    return [raw, text.encode("utf-16-le"), base64.b64encode(raw), raw.hex().encode()]


def test_no_canary_appears_in_the_file_in_any_encoding(backup):
    data = backup.read_bytes()
    for canary in (CANARY_NAME, CANARY_NAME_KO, CANARY_TITLE, CANARY_NARRATIVE, "alice"):
        for form in _forms(canary):
            assert form not in data, canary
    assert CANARY_FILE not in data


def test_not_even_the_stored_ciphertext_of_an_identity_is_in_the_file(backup):
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM archive_person WHERE ref = 'P-100'")
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:")
    assert stored.encode() not in backup.read_bytes()


def test_no_structure_shows_through(backup):
    data = backup.read_bytes()
    for name in (b"archive_person", b"tables/", b"media/", b"manifest", b"testimony.txt"):
        assert name not in data
    # Past the header the bytes look random: close to 8 bits of entropy per byte.
    body = data[HEADER_SIZE:]
    counts = Counter(body)
    entropy = -sum(n / len(body) * math.log2(n / len(body)) for n in counts.values())
    assert entropy > 7.9


def test_the_header_holds_nothing_but_the_format_and_random_values(backup):
    header = backup.read_bytes()[:HEADER_SIZE]
    assert header.startswith(MAGIC)
    assert header.count(b"\x00") < 16  # no room left for anything readable


def test_the_file_is_readable_by_its_owner_only(backup):
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
