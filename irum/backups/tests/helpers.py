"""Helpers for the backup tests: an archive worth backing up, the database's raw rows, and
an instance emptied the way a new one is (migrated, with its content types)."""

from __future__ import annotations

import base64
import json
import os
from importlib import import_module
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from irum.archive import services
from irum.backups import dump
from irum.backups.archive import read_archive

# Distinctive plaintext that must never appear in a backup file's bytes.
CANARY_NAME = "Canary Kim Bird-Song"
CANARY_NAME_KO = "카나리아새노래"
CANARY_TITLE = "CANARY-CASE-TITLE-7Q"
CANARY_NARRATIVE = "CANARY-NARRATIVE-taken-at-dawn"
CANARY_FILE = b"CANARY-ATTACHMENT-BYTES-evidence"


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def fill_archive(personas: dict[str, Any], media_root: Path, *, big_file: bool = False) -> None:
    """Cases, persons, events and sources written by the services (so with history rows
    and audit entries), the OTP and login-throttling tables, and attachments on disk."""
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    alice, carol = personas["alice"], personas["carol"]
    case = services.case_create(
        actor=alice,
        ref="C-100",
        title=CANARY_TITLE,
        summary_public="2013년 4월 투먼에서 체포됨.",
        narrative_restricted=CANARY_NARRATIVE,
        reported_on="2014-02",
        owner=personas["partner_a"],
    )
    case.shared_with.add(personas["partner_b"])
    services.case_update(actor=alice, case=case, verification="corroborated")
    person = services.person_create(
        actor=alice,
        ref="P-100",
        case=case,
        pseudonym="Daughter K",
        full_name=CANARY_NAME,
        full_name_ko=CANARY_NAME_KO,
        date_of_birth="1990-03",
        birth_year=1990,
        sex="female",
    )
    source = services.source_create(
        actor=carol, ref="S-100", kind="testimony", content_restricted="A witness account."
    )
    services.event_record(
        actor=alice, person=person, kind="arrest", date="2013-04~", sources=[source]
    )
    services.event_record(actor=alice, person=person, kind="transfer", date="2013/2014")
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    AccessAttempt.objects.create(
        username="mallory",
        ip_address="203.0.113.9",
        user_agent="curl",
        failures_since_start=3,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
    )
    (media_root / "attachments" / "2024").mkdir(parents=True, exist_ok=True)
    (media_root / "attachments" / "2024" / "testimony.txt").write_bytes(CANARY_FILE)
    (media_root / "photo 사진.jpg").write_bytes(bytes(range(256)) * 4)
    if big_file:
        # Several encrypted segments (1 MiB each), so that segments can be reordered.
        (media_root / "video.bin").write_bytes(os.urandom(3 << 20))


def raw_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every backed-up table's rows exactly as the database returns them."""
    qn = connection.ops.quote_name
    out = {}
    with connection.cursor() as cursor:
        for table in dump.tables():
            cursor.execute(f"SELECT * FROM {qn(table.name)} ORDER BY {qn(table.pk.column)}")
            out[table.name] = [tuple(row) for row in cursor.fetchall()]
    return out


def row_counts() -> dict[str, int]:
    return {name: len(rows) for name, rows in raw_rows().items()}


def media_files(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def empty_database() -> None:
    """Leave the database as `migrate` leaves a new one: every table empty except the
    content types and permissions. The audit table refuses DELETE, so its triggers are
    lifted for the purpose and put back (inside the test's transaction)."""
    initial = import_module("irum.audit.migrations.0001_initial")
    qn = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # PostgreSQL refuses to change a table's triggers while foreign-key checks on
            # it are pending: run them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in initial.DROP_TRIGGER_SQL[connection.vendor]:
            cursor.execute(sql)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        emptied = [t for t in dump.tables() if t.name not in dump.REGENERATED_TABLES]
        for table in emptied:
            cursor.execute(f"DELETE FROM {qn(table.name)}")
        cursor.execute("DELETE FROM django_session")
        # A new instance's id sequences start from 1.
        if postgres:
            for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in emptied]):
                cursor.execute(sql)
        else:
            cursor.execute(
                "DELETE FROM sqlite_sequence WHERE name IN ({})".format(
                    ", ".join(["%s"] * len(emptied))
                ),
                [t.name for t in emptied],
            )
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in initial.TRIGGER_SQL[connection.vendor]:
            cursor.execute(sql)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def archive_tables(path: Path, key: bytes) -> dict[str, list[list[Any]]]:
    """The rows of every table in a backup file, decoded, with JSON columns parsed (so
    that backups made on SQLite and PostgreSQL compare equal)."""
    tables = {t.name: t for t in dump.tables()}
    out: dict[str, list[list[Any]]] = {}
    data = b""
    current = ""
    columns: list[str] = []
    with path.open("rb") as src:
        for event in read_archive(src, key):
            member = event.member
            if event.kind == "begin" and member and member.kind == "table":
                current, columns, data = member.meta["table"], member.meta["columns"], b""
            elif event.kind == "data" and current:
                data += event.data
            elif event.kind == "end" and current:
                by_column = {f.column: f for f in tables[current].fields}
                rows = []
                for line in data.splitlines():
                    row = json.loads(line)
                    rows.append(
                        [
                            json.loads(v)
                            if by_column[c].get_internal_type() == "JSONField" and v is not None
                            else v
                            for c, v in zip(columns, row, strict=True)
                        ]
                    )
                out[current] = rows
                current = ""
    return out
