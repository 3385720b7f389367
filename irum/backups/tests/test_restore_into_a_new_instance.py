"""The whole cycle from the command line: `irum backup` here, then `irum migrate` and
`irum restore` in a new instance of its own (a new SQLite database and media folder).
When the suite runs on PostgreSQL this is also the cross-engine case: a backup made on
PostgreSQL restored into SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

from django.core.management import call_command

from irum.backups.tests.helpers import archive_tables, fill_archive, media_files
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import write_workbook


def _irum(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "irum.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_new_instance_gets_every_row_and_file_back(
    gazetteer, actor, personas, backup_key, media_root, tmp_path
):
    assert workbook_import(actor=actor, path=write_workbook(tmp_path / "book")).problems == []
    fill_archive(personas, media_root)
    original = tmp_path / "original.irumbak"
    call_command("backup", str(original), stdout=StringIO())

    new = tmp_path / "new"
    new.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IRUM_SECRET_KEY")}
    env.update(
        IRUM_DEBUG="true",
        IRUM_VAR_DIR=str(new),
        IRUM_DATABASE_URL=f"sqlite:///{new / 'irum.sqlite3'}",
        IRUM_MEDIA_ROOT=str(new / "media"),
    )

    early = _irum(env, "restore", str(original))
    assert early.returncode == 1
    assert "not fully migrated" in early.stderr and "run `irum migrate` first" in early.stderr
    assert "Traceback" not in early.stderr

    for args in (["migrate", "--no-input", "-v", "0"], ["restore", str(original)]):
        done = _irum(env, *args)
        assert done.returncode == 0, done.stderr
    assert "Audit log verified" in done.stdout.splitlines()[-1]
    verified = _irum(env, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    again = new / "again.irumbak"
    done = _irum(env, "backup", str(again))
    assert done.returncode == 0, done.stderr

    before, after = archive_tables(original, backup_key), archive_tables(again, backup_key)
    assert set(before) == set(after)
    for table, rows in before.items():
        if table == "audit_audithead":
            continue
        if table == "audit_auditentry":
            # The new instance added two entries: the restore, and the second backup.
            assert after[table][: len(rows)] == rows
            assert len(after[table]) == len(rows) + 2
        else:
            assert after[table] == rows, table
    assert media_files(new / "media") == media_files(media_root)
