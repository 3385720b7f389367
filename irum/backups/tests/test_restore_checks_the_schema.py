"""A backup made by another version of Irum (other migrations, other tables or columns)
is refused with a message that says so, before anything is written. These files are
sound and made with the right key; only their content does not fit this code."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from irum.backups.archive import ArchiveWriter, read_archive
from irum.backups.tests.helpers import empty_database, fill_archive
from irum.backups.tests.restore_helpers import assert_refused


@pytest.fixture
def backup(personas, backup_key, media_root, tmp_path):
    fill_archive(personas, media_root)
    path = tmp_path / "archive.irumbak"
    call_command("backup", str(path), stdout=StringIO())
    empty_database()
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    return path


def _rewrite(path: Path, key: bytes, *, manifest: Any = None, columns: Any = None) -> Path:
    """Copy the backup as its key holder could, changing the manifest or a table."""
    out = path.with_name("changed.irumbak")
    with path.open("rb") as src, out.open("wb") as dst:
        writer = ArchiveWriter(dst, key)
        for event in read_archive(src, key):
            member = event.member
            if event.kind == "begin" and member is not None:
                meta = dict(member.meta)
                if columns and meta.get("table") == "archive_case":
                    meta["columns"] = columns(meta["columns"])
                writer.begin(member.name, member.kind, **meta)
            elif event.kind == "data":
                writer.write(event.data)
            elif event.kind == "end":
                writer.end()
            else:
                body = {k: v for k, v in event.manifest.items() if k != "members"}
                writer.finish(manifest(body) if manifest else body)
    return out


def test_the_copy_itself_restores(backup, backup_key):
    # The control: rewriting without a change gives a backup that restores.
    call_command("restore", str(_rewrite(backup, backup_key)), stdout=StringIO())


def test_it_refuses_a_backup_from_other_migrations(backup, backup_key, media_root):
    def older(manifest):
        migrations = manifest["migrations"]
        migrations["archive"] = migrations["archive"][:-1]
        return manifest

    changed = _rewrite(backup, backup_key, manifest=older)
    assert_refused(changed, "made by a different version of Irum.*archive: ", media_root)


def test_it_refuses_a_backup_with_other_columns(backup, backup_key, media_root):
    changed = _rewrite(backup, backup_key, columns=lambda cols: [*cols[:-1], "legacy_column"])
    assert_refused(changed, "table archive_case has other columns", media_root)


def test_it_refuses_a_manifest_that_miscounts_the_rows(backup, backup_key, media_root):
    def miscount(manifest):
        manifest["tables"]["archive_case"] += 1
        return manifest

    changed = _rewrite(backup, backup_key, manifest=miscount)
    assert_refused(changed, "row counts do not match its manifest", media_root)
