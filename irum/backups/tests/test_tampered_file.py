"""A changed byte, a cut, a reordered or an appended segment is refused with a clear
message before anything is written."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from irum.backups.archive import CHUNK_SIZE, HEADER_SIZE
from irum.backups.tests.helpers import empty_database, fill_archive
from irum.backups.tests.restore_helpers import assert_refused

SEGMENT = CHUNK_SIZE + 16


@pytest.fixture
def backup(personas, backup_key, media_root, tmp_path):
    fill_archive(personas, media_root, big_file=True)
    path = tmp_path / "archive.irumbak"
    call_command("backup", str(path), stdout=StringIO())
    empty_database()
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    data = path.read_bytes()
    assert len(data) > HEADER_SIZE + 3 * SEGMENT  # several segments to play with
    return path, data


def _write(path, data):
    path.write_bytes(bytes(data))
    return path


def test_it_refuses_a_flipped_byte_in_the_content(backup, media_root):
    path, data = backup
    changed = bytearray(data)
    changed[HEADER_SIZE + SEGMENT + 1000] ^= 0x01
    assert_refused(_write(path, changed), "damaged or was changed: part 2", media_root)


def test_it_refuses_a_flipped_byte_in_the_last_segment(backup, media_root):
    path, data = backup
    changed = bytearray(data)
    changed[-1] ^= 0x80
    assert_refused(_write(path, changed), "damaged or was changed", media_root)


def test_it_refuses_a_changed_header(backup, media_root):
    path, data = backup
    changed = bytearray(data)
    changed[HEADER_SIZE - 10] ^= 0x01  # the salt: every segment's key and data change
    assert_refused(_write(path, changed), "damaged or was changed: part 1", media_root)


def test_it_refuses_a_file_cut_at_a_segment_boundary(backup, media_root):
    path, data = backup
    assert_refused(_write(path, data[: HEADER_SIZE + 2 * SEGMENT]), "truncated", media_root)


def test_it_refuses_a_file_cut_inside_a_segment(backup, media_root):
    path, data = backup
    assert_refused(_write(path, data[:-100]), "damaged or was changed", media_root)


def test_it_refuses_a_file_cut_inside_its_header(backup, media_root):
    path, data = backup
    assert_refused(_write(path, data[:20]), "truncated", media_root)


def test_it_refuses_reordered_segments(backup, media_root):
    path, data = backup
    first = slice(HEADER_SIZE, HEADER_SIZE + SEGMENT)
    second = slice(HEADER_SIZE + SEGMENT, HEADER_SIZE + 2 * SEGMENT)
    swapped = data[: first.start] + data[second] + data[first] + data[second.stop :]
    assert len(swapped) == len(data)
    assert_refused(_write(path, swapped), "damaged or was changed: part 1", media_root)


def test_it_refuses_a_dropped_segment(backup, media_root):
    path, data = backup
    dropped = data[: HEADER_SIZE + SEGMENT] + data[HEADER_SIZE + 2 * SEGMENT :]
    assert_refused(_write(path, dropped), "damaged or was changed: part 2", media_root)


def test_it_refuses_bytes_appended_to_the_file(backup, media_root):
    path, data = backup
    assert_refused(_write(path, data + b"\x00" * 32), "damaged or was changed", media_root)


def test_it_refuses_a_file_that_is_not_a_backup(backup, media_root, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_bytes(b"PK\x03\x04 this is a zip file, not a backup" * 10)
    assert_refused(other, "not an Irum backup", media_root)


def test_the_untouched_file_still_restores(backup, media_root):
    # The control: the fixture's file itself is sound.
    path, _data = backup
    call_command("restore", str(path), stdout=StringIO())
    assert (media_root / "video.bin").stat().st_size == 3 << 20
