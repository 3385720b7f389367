"""An interrupted `irum rotate-keys` keeps the batches it committed, records them in the
audit log, and a second run finishes the job."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from irum.audit.models import AuditEntry
from irum.vault.rotation import rotate
from irum.vault.tests.archive_builders import assert_archive_reads_back, build_archive, raw_text


class Interrupted(Exception):
    pass


def test_a_second_run_finishes_what_an_interrupted_one_began(actor, field_keys):
    field_keys("A")
    build_archive(actor)
    field_keys("B", "A")

    def stop_after_first_batch(table: str, done: int, total: int) -> None:
        if table == "archive_historicalperson" and done == 1:
            raise Interrupted  # as an operator's Ctrl-C would, between two batches

    with pytest.raises(Interrupted):
        rotate(actor=actor, batch_size=1, progress=stop_after_first_batch)
    text = raw_text()
    assert "v1:A:" in text and "v1:B:" in text
    partial = AuditEntry.objects.filter(record_type="archive.historicalperson").get()
    assert partial.changes["archive_historicalperson"] == 1

    out = io.StringIO()
    call_command("rotate-keys", stdout=out)
    assert "archive_historicalperson: rows re-encrypted 3 / 3" in out.getvalue()
    field_keys("B")
    assert "v1:A:" not in raw_text()
    assert_archive_reads_back()
