"""Running a restore that must be refused, and proving it wrote nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.backups.tests.helpers import media_files, row_counts

_WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER")


def assert_refused(path: Path, match: str, media_root: Path) -> None:
    """The restore fails with a message matching `match`, having sent no write of any
    kind to the database and put no file in the media folder."""
    counts, files = row_counts(), media_files(media_root)
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(CommandError, match=match):
            call_command("restore", str(path), stdout=StringIO())
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(_WRITES)]
    assert writes == []
    assert row_counts() == counts
    assert media_files(media_root) == files
    assert [p.name for p in media_root.parent.iterdir() if p.name.startswith(".irum-restore")] == []
