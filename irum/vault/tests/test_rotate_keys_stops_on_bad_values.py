"""A value that does not decrypt stops `irum rotate-keys` with a clear error that names the
table, the row and the key id, and the batch it was found in is not written at all."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from irum.archive.models import Person
from irum.audit.verify import verify_chain
from irum.vault.tests.archive_builders import build_archive


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _set_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def _flip_last_byte(token: str) -> str:
    head, payload = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    return f"{head}:{base64.b64encode(bytes(raw)).decode()}"


def _rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate-keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def persons(actor, field_keys) -> list[int]:
    field_keys("A")
    build_archive(actor)
    return list(Person.objects.order_by("pk").values_list("pk", flat=True))


def test_a_corrupt_value_stops_the_run_and_its_batch_is_not_written(persons, field_keys):
    first, second, _third = persons
    corrupt = _flip_last_byte(_raw("archive_person", "full_name", second))
    _set_raw("archive_person", "full_name", second, corrupt)
    field_keys("B", "A")
    with pytest.raises(CommandError) as caught:
        _rotate("--batch-size", "10")
    message = str(caught.value)
    assert f"archive_person row {second} (key id 'A')" in message
    assert "does not open" in message
    assert "Traceback" not in message
    # The first person was in the same batch: still under the old key, as before the run.
    for column in ("full_name", "full_name_ko", "address"):
        assert _raw("archive_person", column, first).startswith("v1:A:")
    # Tables after the one that failed are not touched.
    with connection.cursor() as cursor:
        cursor.execute("SELECT content_restricted FROM archive_source")
        assert cursor.fetchone()[0].startswith("v1:A:")
    assert verify_chain().ok


def test_batches_before_the_bad_row_keep_their_new_ciphertext(persons, field_keys):
    first, second, _third = persons
    _set_raw("archive_person", "full_name_ko", second, "v1:A:not-base64!")
    field_keys("B", "A")
    with pytest.raises(CommandError, match=f"archive_person row {second} .*corrupt"):
        _rotate("--batch-size", "1")
    assert _raw("archive_person", "full_name", first).startswith("v1:B:")
    assert _raw("archive_person", "full_name", second).startswith("v1:A:")


def test_a_key_removed_too_early_is_named(persons, field_keys):
    field_keys("B")  # A was dropped before its rows were re-encrypted
    with pytest.raises(CommandError) as caught:
        _rotate()
    message = str(caught.value)
    assert "(key id 'A')" in message
    assert "no field key with id 'A' is configured" in message


def test_plaintext_in_an_encrypted_column_is_refused(persons, field_keys):
    first = persons[0]
    _set_raw("archive_person", "address", first, "12 Namun-dong, Hoeryong")
    field_keys("B", "A")
    with pytest.raises(CommandError, match=f"archive_person row {first} \\(key id none\\)"):
        _rotate()


def test_a_batch_size_below_one_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        _rotate("--batch-size", "0")
