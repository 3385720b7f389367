"""Re-encrypting stored values under the active field key (`irum rotate-keys`).

DESIGN.md, "Encryption at rest": put a new key id first in IRUM_FIELD_KEYS, keep the old
ids for reading, and re-encrypt rows until no row uses an old id; then the old keys can
go. Every concrete model with an EncryptedTextField takes part, the simple_history tables
included (they hold the same ciphertext under the same associated data).

Rotation is not an edit of a record: the plaintext stays the same, so no history row is
written, `updated_at` and `version` stay as they were and nothing is validated again. The
new ciphertext is written with plain SQL (the field would otherwise encrypt the token a
second time). Each batch is one transaction whose rows are locked while they are read,
so an editor's save in the meantime is neither lost nor overwritten. A rerun picks up
where an interrupted run stopped, because it only ever selects rows that still hold a
value under another key id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast, Length
from django.utils.translation import gettext as _

from irum.audit.models import AuditEntry
from irum.audit.services import audit_record
from irum.vault import crypto
from irum.vault.fields import EncryptedTextField
from irum.vault.keys import VaultError, keyring

DEFAULT_BATCH_SIZE = 500

Progress = Callable[[str, int, int], None]


class RotationError(VaultError):
    """A stored value could not be re-encrypted. Names the table, the row and the key id;
    the batch it was found in has been rolled back."""

    def __init__(self, *, table: str, pk: Any, key_id: str, reason: str) -> None:
        self.table, self.pk, self.key_id, self.reason = table, pk, key_id, reason
        super().__init__(
            _(
                "Cannot re-encrypt %(table)s row %(pk)s (key id %(key_id)s): %(reason)s. "
                "Nothing of this batch was written; rows done before it keep their new "
                "ciphertext."
            )
            % {
                "table": table,
                "pk": pk,
                "key_id": repr(key_id) if key_id else _("none"),
                "reason": reason,
            }
        )


@dataclass(frozen=True)
class EncryptedTable:
    """One table and its encrypted columns."""

    model: type[models.Model]
    fields: tuple[EncryptedTextField, ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    def raw_values(self) -> models.QuerySet:
        """The table's rows with each encrypted column as stored (the ciphertext, never
        decrypted): annotations `_raw0`, `_raw1`, ... typed as plain text, so that the
        field's decryption does not run and lookups on them are allowed."""
        return self.model._base_manager.annotate(
            **{alias: Cast(f.attname, models.TextField()) for alias, f in self._aliases()}
        )

    def pending(self, active_id: str) -> models.QuerySet:
        """Rows with at least one value that is not under the active key."""
        prefix = _prefix(active_id)
        annotated = self.raw_values().annotate(
            **{f"{alias}_len": Length(alias) for alias, _f in self._aliases()}
        )
        stale = Q()
        for alias, _f in self._aliases():
            # Length > 0 leaves out both NULL and the empty string, which are stored as
            # they are, never encrypted.
            stale |= Q(**{f"{alias}_len__gt": 0}) & ~Q(**{f"{alias}__startswith": prefix})
        return annotated.filter(stale)

    def aliases(self) -> list[str]:
        return [alias for alias, _f in self._aliases()]

    def _aliases(self) -> Iterator[tuple[str, EncryptedTextField]]:
        for i, f in enumerate(self.fields):
            yield f"_raw{i}", f


@dataclass
class TableSurvey:
    table: str
    rows: int
    pending: int
    values_by_key: Counter[str] = field(default_factory=Counter)


@dataclass
class TableResult:
    table: str
    rotated: int
    from_keys: Counter[str] = field(default_factory=Counter)


@dataclass
class RotationResult:
    active_id: str
    tables: list[TableResult]
    # Rows still under an old key after the run: only rows that an editor changed back
    # while the run was going could be here, and a second run takes them.
    remaining: int

    @property
    def rotated(self) -> int:
        return sum(t.rotated for t in self.tables)


def encrypted_tables() -> list[EncryptedTable]:
    """Every concrete, managed model with an encrypted column, history models included,
    in a stable order."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.abstract or meta.proxy or not meta.managed or meta.swapped:
            continue
        # Local fields only: a multi-table child's inherited columns live in its parent's
        # table, which is visited as a model of its own.
        fields = tuple(f for f in meta.local_concrete_fields if isinstance(f, EncryptedTextField))
        if fields:
            found.append(EncryptedTable(model, fields))
    return sorted(found, key=lambda t: t.name)


def _prefix(key_id: str) -> str:
    return f"{crypto.PREFIX}:{key_id}:"


def survey(tables: list[EncryptedTable] | None = None) -> list[TableSurvey]:
    """What a rotation would do, without writing: per table the rows, the rows still
    under another key, and the stored values per key id (read without decrypting)."""
    active = keyring().active_id
    results = []
    for table in tables if tables is not None else encrypted_tables():
        counts: Counter[str] = Counter()
        rows = 0
        for raws in table.raw_values().values_list(*table.aliases()).iterator(chunk_size=2000):
            rows += 1
            for raw in raws:
                if raw:
                    counts[crypto.key_id_of(raw) or _("(not encrypted)")] += 1
        results.append(
            TableSurvey(table.name, rows, table.pending(active).count(), values_by_key=counts)
        )
    return results


def rotate(
    *,
    actor: Any,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    tables: list[EncryptedTable] | None = None,
) -> RotationResult:
    """Re-encrypt every value not under the active key, table by table, BATCH_SIZE rows a
    transaction. Writes one audit entry per table that had rows to rotate."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    active = keyring().active_id
    tables = tables if tables is not None else encrypted_tables()
    results = []
    for table in tables:
        results.append(_rotate_table(table, active, actor, batch_size, progress))
    remaining = sum(table.pending(active).count() for table in tables)
    return RotationResult(active, results, remaining)


def _rotate_table(
    table: EncryptedTable, active: str, actor: Any, batch_size: int, progress: Progress | None
) -> TableResult:
    result = TableResult(table.name, 0)
    total = table.pending(active).count()
    if progress is not None:
        progress(table.name, 0, total)
    if not total:
        return result
    pk = table.model._meta.pk
    quote = connection.ops.quote_name
    update_sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(table.name),
        ", ".join(f"{quote(f.column)} = %s" for f in table.fields),
        quote(pk.column),
    )
    prefix = _prefix(active)
    last_pk = None
    try:
        while True:
            with transaction.atomic():
                pending = table.pending(active)
                if last_pk is not None:
                    # Keyset paging: a row that fails to rotate is never selected twice.
                    pending = pending.filter(pk__gt=last_pk)
                # FOR UPDATE (PostgreSQL): an editor saving one of these rows waits for
                # this batch, then writes over the new ciphertext with their own value,
                # which is already under the active key. SQLite has one writer anyway.
                rows = list(
                    pending.order_by("pk")
                    .select_for_update()
                    .values_list("pk", *table.aliases())[:batch_size]
                )
                if not rows:
                    break
                updates = []
                from_keys: Counter[str] = Counter()
                for row_pk, *raws in rows:
                    values = []
                    for f, raw in zip(table.fields, raws, strict=True):
                        if not raw or raw.startswith(prefix):
                            values.append(raw)
                            continue
                        key_id = crypto.key_id_of(raw)
                        values.append(_reseal(table, row_pk, f, raw, key_id))
                        from_keys[key_id] += 1
                    updates.append((*values, row_pk))
                with connection.cursor() as cursor:
                    cursor.executemany(update_sql, updates)
            # Counted only once the batch has committed.
            last_pk = rows[-1][0]
            result.rotated += len(rows)
            result.from_keys.update(from_keys)
            if progress is not None:
                progress(table.name, result.rotated, max(total, result.rotated))
    finally:
        # Also after an error part-way: the batches already committed are recorded.
        if result.rotated:
            _audit(table, result, active, actor)
    return result


def _reseal(table: EncryptedTable, pk: Any, f: EncryptedTextField, raw: str, key_id: str) -> str:
    context = f.context()
    try:
        plain = crypto.decrypt(raw, context=context)
    except VaultError as exc:
        raise RotationError(table=table.name, pk=pk, key_id=key_id, reason=str(exc)) from None
    return crypto.encrypt(plain, context=context)


def _audit(table: EncryptedTable, result: TableResult, active: str, actor: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            kind=AuditEntry.Kind.OTHER,
            record_type=table.model._meta.label_lower,
            summary=f"field keys rotated: {table.name}",
            # Counts and key ids only: never a value, plain or sealed.
            changes={
                table.name: result.rotated,
                "from_key_ids": dict(sorted(result.from_keys.items())),
                "to_key_id": active,
            },
        )
