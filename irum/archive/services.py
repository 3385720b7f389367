"""Writes to the archive. Views, the admin and the importer all come through here.

Each service takes keyword-only arguments and an explicit actor, runs in one
transaction, and records the actor on the history row it creates.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from irum.archive.chain import assign_chain_indexes, first_deprivation
from irum.archive.models import Case, Event, EventSource, Person, ProtectedName, Source
from irum.audit.services import audit_record
from irum.lib import dates, pagecache
from irum.vault.crypto import blind_index
from irum.vault.fields import EncryptedTextField

Actor = AbstractBaseUser | None

# Crockford's base32 without I, L, O, U: public ids are read aloud and copied by hand.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _ALPHABET)


def new_public_id(prefix: str) -> str:
    """PREFIX and 8 random Crockford base32 characters (40 bits from the OS's CSPRNG).
    Never derived from a name or ref: it is what the public may see."""
    return prefix + base64.b32encode(secrets.token_bytes(5)).decode().translate(_FROM_RFC4648)


def _index_names(person: Person) -> None:
    person.full_name_index = blind_index(person.full_name)
    person.full_name_ko_index = blind_index(person.full_name_ko)


def name_digests(full_name: str, full_name_ko: str, aliases: str) -> set[str]:
    """The digests of every name a person is known by (archive.models.ProtectedName)."""
    names = [full_name, full_name_ko, *aliases.split(";")]
    return {d for d in (blind_index(n.strip()) for n in names if n and n.strip()) if d}


def protected_names_sync(person: Person) -> None:
    """Make PERSON's ProtectedName rows match their names now."""
    wanted = name_digests(person.full_name, person.full_name_ko, person.aliases)
    have = set(ProtectedName.objects.filter(person=person).values_list("digest", flat=True))
    if have - wanted:
        ProtectedName.objects.filter(person=person, digest__in=have - wanted).delete()
    ProtectedName.objects.bulk_create(
        [ProtectedName(person=person, digest=d) for d in sorted(wanted - have)]
    )


# Derived or bookkeeping columns: recomputed by services, not facts anyone changed.
_NOT_AUDITED = {
    "created_at",
    "updated_at",
    "version",
    "chain_index",
    "first_deprivation",
    "date_lower",
    "date_upper",
    "full_name_index",
    "full_name_ko_index",
}


def _changes(before: models.Model | None, after: models.Model) -> dict[str, list[object]]:
    """What changed, for the audit log. An encrypted field is recorded as changed, never
    with its values: the audit log must not become a second copy of the identities."""
    changes: dict[str, list[object]] = {}
    for field in after._meta.concrete_fields:
        if field.primary_key or field.name in _NOT_AUDITED:
            continue
        old = getattr(before, field.attname) if before is not None else None
        new = getattr(after, field.attname)
        if before is not None and old == new:
            continue
        if before is None and new in (None, ""):
            continue
        if isinstance(field, EncryptedTextField):
            changes[field.name] = ["(encrypted)", "(encrypted)"]
        else:
            changes[field.name] = [old, new]
    return changes


def _partner_of(obj: models.Model) -> object | None:
    case = getattr(obj, "case", None) if not isinstance(obj, Case) else obj
    if case is None and isinstance(obj, Event):
        case = obj.person.case
    return getattr(case, "owner", None)


class EditConflict(Exception):
    """The record changed since the editor's copy was read."""

    def __init__(self, obj: models.Model, *, current: int) -> None:
        super().__init__(
            f"{obj._meta.verbose_name} {obj} was changed by someone else (now version "
            f"{current}, this copy is version {obj.version}); reload it and apply your "
            "change again"
        )
        self.obj, self.current = obj, current


def save_record(obj: models.Model, *, actor: Actor, change_reason: str = "") -> None:
    """Validate and save OBJ, with its history row and its audit entry, in the caller's
    transaction: the change and the record of it commit together or not at all. For any
    TimeStamped model with history (the archive's records, stories): the version check
    and the audit entry are the same everywhere."""
    obj._history_user = actor  # type: ignore[attr-defined]
    if change_reason:
        obj._change_reason = change_reason  # type: ignore[attr-defined]
    obj.full_clean(validate_unique=True)
    _check_unique_with_deleted(obj)
    # all_objects: a deleted record is still a record (restoring one is a save too).
    manager = type(obj).all_objects
    before = manager.filter(pk=obj.pk).first() if obj.pk else None
    if before is not None:
        # Claim the next version only if nobody saved since this copy was read; the
        # conditional UPDATE makes the check and the claim one atomic step.
        claimed = manager.filter(pk=obj.pk, version=obj.version).update(version=F("version") + 1)
        if not claimed:
            raise EditConflict(obj, current=before.version)
        obj.version += 1
    obj.save()
    # Public pages may show this record (a case page, the figures): render them afresh.
    pagecache.clear_on_commit()
    audit_record(
        actor=actor,
        kind="update" if before is not None else "create",
        partner=_partner_of(obj),
        record=obj,
        changes=_changes(before, obj),
        reason=change_reason,
    )


def _check_unique_with_deleted(obj: models.Model) -> None:
    """full_clean checks uniqueness through the default manager, which leaves deleted
    records out; the database does not. Say so plainly instead of failing on insert."""
    for field in obj._meta.concrete_fields:
        if not field.unique or field.primary_key:
            continue
        value = getattr(obj, field.attname)
        if value in (None, ""):
            continue
        clash = type(obj).all_objects.filter(**{field.attname: value}, deleted_at__isnull=False)
        if clash.exclude(pk=obj.pk).exists():
            raise ValidationError(
                {
                    field.name: _(
                        "%(value)s belongs to a deleted record; an administrator can "
                        "restore it instead"
                    )
                    % {"value": value}
                }
            )


def _edtf(field: str, value: str) -> dates.DateBounds:
    try:
        return dates.parse(value)
    except dates.EDTFError as exc:
        raise ValidationError({field: f"{value!r} {exc}"}) from None


def _apply(obj: models.Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


@transaction.atomic
def case_create(*, actor: Actor, ref: str, change_reason: str = "", **fields: Any) -> Case:
    case = Case(ref=ref, public_id=new_public_id("C"))
    _apply(case, fields)
    case.reported_on = _edtf("reported_on", case.reported_on).text
    save_record(case, actor=actor, change_reason=change_reason)
    return case


@transaction.atomic
def case_update(*, actor: Actor, case: Case, change_reason: str = "", **fields: Any) -> Case:
    _apply(case, fields)
    case.reported_on = _edtf("reported_on", case.reported_on).text
    save_record(case, actor=actor, change_reason=change_reason)
    return case


@transaction.atomic
def person_create(
    *, actor: Actor, ref: str, case: Case, change_reason: str = "", **fields: Any
) -> Person:
    person = Person(ref=ref, case=case, public_id=new_public_id("P"))
    _apply(person, fields)
    if "position" not in fields:
        person.position = case.persons.count()
    _index_names(person)
    save_record(person, actor=actor, change_reason=change_reason)
    protected_names_sync(person)
    return person


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, change_reason: str = "", **fields: Any
) -> Person:
    _apply(person, fields)
    _index_names(person)
    save_record(person, actor=actor, change_reason=change_reason)
    protected_names_sync(person)
    return person


@transaction.atomic
def source_create(*, actor: Actor, ref: str, change_reason: str = "", **fields: Any) -> Source:
    source = Source(ref=ref)
    _apply(source, fields)
    source.date = _edtf("date", source.date).text
    save_record(source, actor=actor, change_reason=change_reason)
    return source


@transaction.atomic
def source_update(
    *, actor: Actor, source: Source, change_reason: str = "", **fields: Any
) -> Source:
    _apply(source, fields)
    source.date = _edtf("date", source.date).text
    save_record(source, actor=actor, change_reason=change_reason)
    return source


def _set_event_dates(event: Event) -> None:
    bounds = _edtf("date", event.date)
    event.date, event.date_lower, event.date_upper = bounds.text, bounds.lower, bounds.upper


def _set_sources(*, actor: Actor, event: Event, sources: list[Source]) -> None:
    wanted = {s.pk for s in sources}
    for link in EventSource.objects.filter(event=event).exclude(source_id__in=wanted):
        link._history_user = actor  # type: ignore[attr-defined]
        link.delete()
    have = set(EventSource.objects.filter(event=event).values_list("source_id", flat=True))
    for source in sources:
        if source.pk not in have:
            link = EventSource(event=event, source=source)
            link._history_user = actor  # type: ignore[attr-defined]
            link.save()


@transaction.atomic
def person_reorder_events(*, actor: Actor, person: Person) -> list[Event]:
    """Renumber a person's chain after any change to one of its events."""
    events = list(Event.objects.select_for_update().filter(person=person))
    before = {e.pk: e.chain_index for e in events}
    ordered = assign_chain_indexes(events)
    changed = [e for e in ordered if before[e.pk] != e.chain_index]
    # chain_index and first_deprivation are derived and excluded from history, so plain
    # updates are right: they record no change of fact.
    Event.objects.bulk_update(changed, ["chain_index"])
    fdl = first_deprivation(ordered)
    Person.objects.filter(pk=person.pk).update(first_deprivation=fdl)
    person.first_deprivation = fdl
    return list(ordered)  # type: ignore[arg-type]


@transaction.atomic
def event_record(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    sources: list[Source] | None = None,
    change_reason: str = "",
    **fields: Any,
) -> Event:
    event = Event(person=person, kind=kind)
    _apply(event, fields)
    if "position" not in fields:
        event.position = person.events.count()
    _set_event_dates(event)
    save_record(event, actor=actor, change_reason=change_reason)
    if sources:
        _set_sources(actor=actor, event=event, sources=sources)
    person_reorder_events(actor=actor, person=person)
    event.refresh_from_db(fields=["chain_index"])
    return event


@transaction.atomic
def event_update(
    *,
    actor: Actor,
    event: Event,
    sources: list[Source] | None = None,
    change_reason: str = "",
    **fields: Any,
) -> Event:
    _apply(event, fields)
    _set_event_dates(event)
    save_record(event, actor=actor, change_reason=change_reason)
    if sources is not None:
        _set_sources(actor=actor, event=event, sources=sources)
    person_reorder_events(actor=actor, person=event.person)
    event.refresh_from_db(fields=["chain_index"])
    return event


# -- deleting and restoring ------------------------------------------------------------
#
# Nothing is lost (DESIGN.md rule 3): a delete sets deleted_at on the record and on every
# live record below it, all with the same time, and writes history rows and one audit
# entry. A restore clears it on the record and on the records deleted with it (same
# time), so what was deleted separately before stays deleted.


def _mark(objs: list[models.Model], *, actor: Actor, when: Any, reason: str) -> None:
    for obj in objs:
        # A delete or restore is a new version: an editor's stale copy saved afterwards
        # would otherwise silently undo it.
        claimed = (
            type(obj)
            .all_objects.filter(pk=obj.pk, version=obj.version)
            .update(version=F("version") + 1)
        )
        if not claimed:
            current = type(obj).all_objects.values_list("version", flat=True).get(pk=obj.pk)
            raise EditConflict(obj, current=current)
        obj.version += 1
        obj.deleted_at = when
        obj._history_user = actor  # type: ignore[attr-defined]
        if reason:
            obj._change_reason = reason  # type: ignore[attr-defined]
        # save() rather than a queryset update: each record gets its history row.
        obj.save(update_fields=["deleted_at", "updated_at", "version"])


def _below(obj: Case | Person, *, deleted_at: Any) -> list[models.Model]:
    """The records under OBJ with the given deleted_at (None: the live ones)."""
    # Django turns `deleted_at=None` into IS NULL, so one filter serves both cases.
    if isinstance(obj, Case):
        persons = Person.all_objects.filter(case=obj, deleted_at=deleted_at)
        events = Event.all_objects.filter(person__case=obj, deleted_at=deleted_at)
        return [*persons, *events]
    return list(Event.all_objects.filter(person=obj, deleted_at=deleted_at))


def _soft_delete(obj: models.Model, *, actor: Actor, reason: str) -> models.Model:
    if obj.deleted_at is not None:
        raise ValidationError(_("%(record)s is already deleted.") % {"record": obj})
    when = timezone.now()
    below = _below(obj, deleted_at=None) if isinstance(obj, Case | Person) else []
    _mark([obj, *below], actor=actor, when=when, reason=reason)
    audit_record(
        actor=actor,
        kind="delete",
        partner=_partner_of(obj),
        record=obj,
        changes={"deleted_with": len(below)},
        reason=reason,
    )
    return obj


def _restore(obj: models.Model, *, actor: Actor, reason: str) -> models.Model:
    if obj.deleted_at is None:
        raise ValidationError(_("%(record)s is not deleted.") % {"record": obj})
    parent = obj.case if isinstance(obj, Person) else obj.person if isinstance(obj, Event) else None
    if parent is not None and parent.deleted_at is not None:
        raise ValidationError(
            _("Restore %(parent)s first: %(record)s belongs to it.")
            % {"parent": parent, "record": obj}
        )
    below = _below(obj, deleted_at=obj.deleted_at) if isinstance(obj, Case | Person) else []
    _mark([obj, *below], actor=actor, when=None, reason=reason)
    audit_record(
        actor=actor,
        kind="restore",
        partner=_partner_of(obj),
        record=obj,
        changes={"restored_with": len(below)},
        reason=reason,
    )
    return obj


def _rechain(persons: set[int], *, actor: Actor) -> None:
    for person in Person.objects.filter(pk__in=persons):
        person_reorder_events(actor=actor, person=person)


@transaction.atomic
def case_delete(*, actor: Actor, case: Case, change_reason: str = "") -> Case:
    return _soft_delete(case, actor=actor, reason=change_reason)


@transaction.atomic
def case_restore(*, actor: Actor, case: Case, change_reason: str = "") -> Case:
    _restore(case, actor=actor, reason=change_reason)
    _rechain(set(Person.objects.filter(case=case).values_list("pk", flat=True)), actor=actor)
    return case


@transaction.atomic
def person_delete(*, actor: Actor, person: Person, change_reason: str = "") -> Person:
    return _soft_delete(person, actor=actor, reason=change_reason)


@transaction.atomic
def person_restore(*, actor: Actor, person: Person, change_reason: str = "") -> Person:
    _restore(person, actor=actor, reason=change_reason)
    _rechain({person.pk}, actor=actor)
    return person


@transaction.atomic
def event_delete(*, actor: Actor, event: Event, change_reason: str = "") -> Event:
    _soft_delete(event, actor=actor, reason=change_reason)
    # The chain, and so the person's first deprivation of liberty, is of live events.
    _rechain({event.person_id}, actor=actor)
    return event


@transaction.atomic
def event_restore(*, actor: Actor, event: Event, change_reason: str = "") -> Event:
    _restore(event, actor=actor, reason=change_reason)
    _rechain({event.person_id}, actor=actor)
    return event


@transaction.atomic
def source_delete(*, actor: Actor, source: Source, change_reason: str = "") -> Source:
    return _soft_delete(source, actor=actor, reason=change_reason)


@transaction.atomic
def source_restore(*, actor: Actor, source: Source, change_reason: str = "") -> Source:
    return _restore(source, actor=actor, reason=change_reason)
