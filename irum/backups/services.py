"""Making a backup and restoring one (`irum backup`, `irum restore`).

A backup is every table Django manages, read raw (irum.backups.dump), plus the files
under MEDIA_ROOT, in one encrypted file (irum.backups.archive). Restore reads the whole
file and checks it before it writes anything, then writes everything in one transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from irum.archive.actors import system_actor
from irum.audit.services import audit_record
from irum.audit.verify import verify_chain
from irum.backups import dump
from irum.backups.archive import (
    VERSION,
    ArchiveWriter,
    BackupDamaged,
    BackupError,
    read_archive,
    read_header,
)

FORMAT = "irum-backup"
RECORD_TYPE = "backups.backup"
_ROWS_PER_WRITE = 256 << 10

Progress = Callable[[str, int], None]


@dataclass
class BackupResult:
    path: Path
    sha256: str
    backup_id: str
    tables: dict[str, int]
    files: int


@dataclass
class RestoreResult:
    backup_id: str
    created_at: str
    sha256: str
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    audit_entries: int = 0
    audit_problem: str = ""


def _check_key_is_separate(key: bytes) -> None:
    # A backup holds field ciphertext as stored: encrypted under the same key as the
    # fields, one stolen key would open both layers.
    from irum.vault.keys import VaultError, blind_index_key, keyring

    others: list[bytes] = []
    with contextlib.suppress(VaultError):
        others.extend(keyring().keys.values())
    with contextlib.suppress(VaultError):
        others.append(blind_index_key())
    if any(hmac.compare_digest(key, other) for other in others):
        raise BackupError(
            _(
                "IRUM_BACKUP_KEY must not be a field-encryption or blind-index key: give "
                "backups their own key."
            )
        )


# --- backup -----------------------------------------------------------------------------


class _HashingWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.out.write(data)


def backup_create(
    *,
    actor: Any,
    path: Path,
    key: bytes,
    force: bool = False,
    progress: Progress | None = None,
) -> BackupResult:
    path = Path(path).expanduser().absolute()
    if path.is_dir():
        raise BackupError(_("%(path)s is a folder; give a file name.") % {"path": path})
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": path.parent})
    if path.exists() and not force:
        raise BackupError(_("%(path)s already exists; use --force to replace it.") % {"path": path})
    _check_key_is_separate(key)
    backup_id = secrets.token_hex(16)

    # mkstemp creates the file with mode 0600, next to PATH so that the final rename
    # stays on one file system and PATH never holds a half-written backup.
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise BackupError(
            _("The backup could not be written to %(path)s (%(reason)s); no file was left.")
            % {"path": path, "reason": exc.strerror}
        ) from None
    tmp, raw = Path(tmp_name), os.fdopen(fd, "wb")
    try:
        # The entry is written, and committed, before anything is read, so that it is
        # inside the backup it records: the restored log then shows the backup it came
        # from. It is an "export" because a backup is the whole archive leaving the
        # database, and what an auditor needs to know is that it was read, which holds
        # even if writing the file fails afterwards. (The temporary file exists first, so
        # an unwritable folder is refused before anything is recorded.)
        with transaction.atomic():
            audit_record(
                actor=actor,
                kind="export",
                record_type=RECORD_TYPE,
                record_id=backup_id,
                summary=f"backup to {path}",
            )
        with raw:
            out = _HashingWriter(raw)
            writer = ArchiveWriter(out, key)
            counts, sequences = _write_tables(writer, progress)
            files = _write_media(writer)
            writer.finish(
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "backup_id": backup_id,
                    "created_at": timezone.now().isoformat(),
                    "database": connection.vendor,
                    "django": django.get_version(),
                    "migrations": dump.migration_state(),
                    "sequences": sequences,
                    "tables": counts,
                    "files": files,
                }
            )
            raw.flush()
            os.fsync(raw.fileno())
        _publish(tmp, path, force=force)
    except OSError as exc:
        raw.close()
        tmp.unlink(missing_ok=True)
        raise BackupError(
            _("The backup could not be written to %(path)s (%(reason)s); no file was left.")
            % {"path": path, "reason": exc}
        ) from None
    except BaseException:
        raw.close()
        tmp.unlink(missing_ok=True)
        raise
    return BackupResult(path, out.digest.hexdigest(), backup_id, counts, files)


def _write_tables(
    writer: ArchiveWriter, progress: Progress | None
) -> tuple[dict[str, int], dict[str, int]]:
    counts: dict[str, int] = {}
    sequences: dict[str, int] = {}
    # Inside a caller's transaction (a test, a shell) the isolation level is already set,
    # and that transaction is one snapshot already.
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            # One snapshot for every table: rows written while the backup runs are either
            # all in it or all out, so no reference points at a row the backup lacks.
            # (SQLite's read transaction is a snapshot already.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for table in dump.tables():
            writer.begin(f"tables/{table.name}", "table", table=table.name, columns=table.columns)
            n, pending = 0, []
            size = 0
            for row in dump.read_rows(table):
                line = json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
                pending.append(line)
                size += len(line)
                n += 1
                if size >= _ROWS_PER_WRITE:
                    writer.write("".join(pending).encode())
                    pending, size = [], 0
            if pending:
                writer.write("".join(pending).encode())
            writer.end()
            counts[table.name] = n
            sequences[table.name] = dump.last_used_id(table)
            if progress:
                progress(table.name, n)
    return counts, sequences


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            full = Path(folder) / name
            # Regular files only: a symlink could pull a file from outside MEDIA_ROOT into
            # the backup, and restore never creates links.
            if full.is_symlink() or not full.is_file():
                continue
            found.append((full.relative_to(root).as_posix(), full))
    return found


def _write_media(writer: ArchiveWriter) -> int:
    files = _media_files()
    for rel, full in files:
        writer.begin(f"media/{rel}", "file", path=rel)
        with full.open("rb") as fh:
            while piece := fh.read(1 << 20):
                writer.write(piece)
        writer.end()
    return len(files)


def _publish(tmp: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(tmp, path)
    else:
        # A hard link fails if PATH appeared meanwhile: never overwrite without --force.
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise BackupError(
                _("%(path)s already exists; use --force to replace it.") % {"path": path}
            ) from None
        except OSError:
            if path.exists():
                raise
            os.replace(tmp, path)  # a file system without hard links
        else:
            tmp.unlink()
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


# --- restore ----------------------------------------------------------------------------


class _HashingReader:
    def __init__(self, src: IO[bytes]) -> None:
        self.src = src
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.src.read(n)
        self.digest.update(data)
        return data


def _safe_media_path(rel: Any) -> PurePosixPath:
    if not isinstance(rel, str) or not rel or "\x00" in rel:
        raise BackupDamaged(_("The backup names a media file with an invalid path."))
    path = PurePosixPath(rel)
    if path.is_absolute() or any(part in ("", ".", "..") for part in rel.split("/")):
        raise BackupDamaged(
            _("The backup names a media file outside the media folder: %(path)s") % {"path": rel}
        )
    return path


def _table_rows(buffer: bytearray, data: bytes) -> list[bytes]:
    buffer += data
    *lines, rest = bytes(buffer).split(b"\n")
    buffer[:] = rest
    return lines


def _parse_row(line: bytes, table: dump.Table, width: int) -> list[Any]:
    try:
        row = json.loads(line)
    except (UnicodeDecodeError, ValueError):
        row = None
    if not isinstance(row, list) or len(row) != width:
        raise BackupDamaged(
            _("The backup's table %(table)s holds a malformed row.") % {"table": table.name}
        )
    return row


class _Check:
    """Pass one: read the whole file and prove it sound, writing nothing."""

    def __init__(self) -> None:
        self.known = {t.name: t for t in dump.tables()}
        self.counts: dict[str, int] = {}
        self.media: set[str] = set()
        self.manifest: dict[str, Any] = {}

    def run(self, src: IO[bytes], key: bytes) -> None:
        table: dump.Table | None = None
        columns: list[str] = []
        fields: list[Any] = []
        buffer = bytearray()
        for event in read_archive(src, key):
            member = event.member
            if event.kind == "begin" and member is not None:
                if member.kind == "table":
                    table, columns = self._table(member.meta)
                    by_column = {f.column: f for f in table.fields}
                    fields = [by_column[c] for c in columns]
                    self.counts[table.name] = 0
                elif member.kind == "file":
                    rel = _safe_media_path(member.meta.get("path"))
                    if member.name != f"media/{rel}" or str(rel) in self.media:
                        raise BackupDamaged(_("The backup lists a media file twice."))
                    self.media.add(str(rel))
                else:
                    raise BackupDamaged(_("The backup holds a member of an unknown kind."))
            elif event.kind == "data" and table is not None:
                for line in _table_rows(buffer, event.data):
                    row = _parse_row(line, table, len(columns))
                    try:
                        for value, f in zip(row, fields, strict=True):
                            dump.decode_value(value, f, connection)
                    except (ValueError, TypeError):
                        raise BackupDamaged(
                            _("The backup's table %(table)s holds a value it cannot read.")
                            % {"table": table.name}
                        ) from None
                    self.counts[table.name] += 1
            elif event.kind == "end" and table is not None:
                if buffer:
                    raise BackupDamaged(
                        _("The backup's table %(table)s ends in the middle of a row.")
                        % {"table": table.name}
                    )
                table = None
            elif event.kind == "manifest":
                self.manifest = event.manifest
        self._check_manifest()

    def _table(self, meta: dict[str, Any]) -> tuple[dump.Table, list[str]]:
        name, columns = meta.get("table"), meta.get("columns")
        table = self.known.get(name) if isinstance(name, str) else None
        if table is None:
            raise BackupError(
                _("The backup holds a table this version of Irum does not have: %(table)s")
                % {"table": name}
            )
        if not isinstance(columns, list) or sorted(columns) != sorted(table.columns):
            raise BackupError(
                _("The backup's table %(table)s has other columns than this version of Irum.")
                % {"table": name}
            )
        if name in self.counts:
            raise BackupDamaged(_("The backup holds table %(table)s twice.") % {"table": name})
        return table, columns

    def _check_manifest(self) -> None:
        m = self.manifest
        if m.get("format") != FORMAT or m.get("version") != VERSION:
            raise BackupDamaged(_("The backup's manifest is not an Irum backup manifest."))
        if m.get("tables") != self.counts or m.get("files") != len(self.media):
            raise BackupDamaged(_("The backup's row counts do not match its manifest."))
        missing = sorted(set(self.known) - set(self.counts))
        if missing:
            raise BackupError(
                _("The backup lacks tables this version of Irum has: %(tables)s")
                % {"tables": ", ".join(missing)}
            )


def _check_migrations(recorded: Any) -> None:
    pending = dump.unapplied_migrations()
    if pending:
        raise BackupError(
            _(
                "This database is not fully migrated (%(n)d migrations pending): run "
                "`irum migrate` first, then restore."
            )
            % {"n": len(pending)}
        )
    ours = dump.migration_state()
    if recorded == ours:
        return
    recorded = recorded if isinstance(recorded, dict) else {}
    differences = []
    for app in sorted(set(ours) | set(recorded)):
        theirs_latest = (recorded.get(app) or ["-"])[-1]
        ours_latest = (ours.get(app) or ["-"])[-1]
        if sorted(recorded.get(app) or []) != ours.get(app, []):
            differences.append(f"{app}: {theirs_latest} / {ours_latest}")
    raise BackupError(
        _(
            "This backup was made by a different version of Irum; its database schema does "
            "not match this one (app: backup / here): %(apps)s"
        )
        % {"apps": "; ".join(differences)}
    )


def _media_root_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return [p for p in root.rglob("*") if p.is_file() or p.is_symlink()]


def _check_empty() -> None:
    busy = dump.non_empty_tables()
    if len(busy) > 5:
        busy = [*busy[:5], _("and %(n)d more tables") % {"n": len(busy) - 5}]
    if busy:
        raise BackupError(
            _(
                "Restore needs an empty instance, and this database already holds data "
                "(%(tables)s). Restore into a new database."
            )
            % {"tables": ", ".join(busy)}
        )
    if _media_root_files():
        raise BackupError(
            _("Restore needs an empty instance, and %(path)s already holds files.")
            % {"path": settings.MEDIA_ROOT}
        )


def backup_restore(
    *,
    path: Path,
    key: bytes,
    actor_username: str | None = None,
    accept_broken_chain: bool = False,
    progress: Progress | None = None,
) -> RestoreResult:
    path = Path(path).expanduser()
    try:
        src = path.open("rb")
    except OSError as exc:
        raise BackupError(
            _("%(path)s cannot be read: %(reason)s") % {"path": path, "reason": exc.strerror}
        ) from None
    # One open file for both passes: replacing PATH between them changes nothing.
    with src:
        read_header(src, key)  # a wrong key or a foreign file is refused at once
        src.seek(0)
        reader = _HashingReader(src)
        check = _Check()
        check.run(reader, key)
        _check_migrations(check.manifest.get("migrations"))
        _check_empty()
        src.seek(0)
        result = RestoreResult(
            backup_id=str(check.manifest.get("backup_id", "")),
            created_at=str(check.manifest.get("created_at", "")),
            sha256=reader.digest.hexdigest(),
        )
        _write(src, key, check, result, actor_username, accept_broken_chain, progress)
    return result


def _write(
    src: IO[bytes],
    key: bytes,
    check: _Check,
    result: RestoreResult,
    actor_username: str | None,
    accept_broken_chain: bool,
    progress: Progress | None,
) -> None:
    """Pass two: the same file again, written in one transaction."""
    media_root = Path(settings.MEDIA_ROOT)
    staging: Path | None = None
    published = False
    try:
        with transaction.atomic():
            _check_empty()  # again, now inside the transaction that writes
            dump.clear_regenerated()
            rows: dump.RowWriter | None = None
            buffer = bytearray()
            staged: IO[bytes] | None = None
            for event in read_archive(src, key):
                member = event.member
                if event.kind == "begin" and member is not None:
                    if member.kind == "table":
                        table = check.known[member.meta["table"]]
                        rows = dump.RowWriter(table, list(member.meta["columns"]))
                    else:
                        if staging is None:
                            media_root.parent.mkdir(parents=True, exist_ok=True)
                            staging = Path(
                                tempfile.mkdtemp(dir=media_root.parent, prefix=".irum-restore-")
                            )
                        staged = _stage(staging, _safe_media_path(member.meta.get("path")))
                elif event.kind == "data":
                    if rows is not None:
                        for line in _table_rows(buffer, event.data):
                            rows.add(_parse_row(line, rows.table, len(rows.fields)))
                    elif staged is not None:
                        staged.write(event.data)
                elif event.kind == "end":
                    if rows is not None:
                        rows.flush()
                        result.tables[rows.table.name] = rows.count
                        if progress:
                            progress(rows.table.name, rows.count)
                        rows = None
                    elif staged is not None:
                        staged.close()
                        staged = None
                        result.files += 1
                elif event.kind == "manifest" and event.manifest != check.manifest:
                    raise BackupDamaged(_("The backup file changed while it was being restored."))
            dump.check_foreign_keys(result.tables)
            dump.reset_sequences(check.manifest.get("sequences") or {})
            # Content types were replaced under the cache's feet.
            ContentType.objects.clear_cache()
            chain = verify_chain()
            if not chain.ok and accept_broken_chain:
                result.audit_problem = _("entry %(seq)s: %(reason)s") % {
                    "seq": chain.bad_seq,
                    "reason": chain.reason,
                }
            elif not chain.ok:
                # The backup holds the log as it was, so a log broken before the backup was
                # made is broken in it too. Restoring it is then a decision for a person
                # (--accept-broken-audit-log), not something to do unnoticed.
                raise BackupError(
                    _(
                        "The restored audit log does not verify (entry %(seq)s: %(reason)s); "
                        "nothing was restored. If the log was already broken when the backup "
                        "was made, restore with --accept-broken-audit-log."
                    )
                    % {"seq": chain.bad_seq, "reason": chain.reason}
                )
            result.audit_entries = chain.count
            audit_record(
                actor=_restore_actor(actor_username),
                kind="import",
                record_type=RECORD_TYPE,
                record_id=result.backup_id[:64],
                summary=(
                    f"restore of backup made {result.created_at} (SHA-256 {result.sha256}): "
                    f"{sum(result.tables.values())} rows, {result.files} files"
                    + (" (audit log accepted broken)" if result.audit_problem else "")
                ),
            )
            if staging is not None:
                _publish_media(staging, media_root)
                staging, published = None, True
    except DatabaseError as exc:
        if published:
            shutil.rmtree(media_root, ignore_errors=True)
        raise BackupError(
            _("The database refused the restore (%(reason)s); nothing was restored.")
            % {"reason": str(exc).strip().splitlines()[0] if str(exc).strip() else exc}
        ) from None
    except OSError as exc:
        if published:
            shutil.rmtree(media_root, ignore_errors=True)
        raise BackupError(
            _("The media files cannot be written (%(reason)s); nothing was restored.")
            % {"reason": exc}
        ) from None
    except BaseException:
        if published:
            shutil.rmtree(media_root, ignore_errors=True)
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _stage(staging: Path, rel: PurePosixPath) -> IO[bytes]:
    target = staging.joinpath(*rel.parts)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Attachments are evidence: readable by the service account only.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def _publish_media(staging: Path, media_root: Path) -> None:
    if media_root.exists():
        # Only empty folders can be left here (_check_empty refused files): remove them so
        # the staged tree can take their place in one rename.
        for folder, _dirs, _names in os.walk(media_root, topdown=False):
            os.rmdir(folder)
    os.rename(staging, media_root)


def _restore_actor(username: str | None) -> Any:
    if not username:
        return system_actor()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise BackupError(
            _("The restored archive has no user named %(name)s.") % {"name": username}
        )
    return user
