"""Writes for two-factor sign-in: enrolment, verification and reset (DESIGN.md rule 1).

Each runs in one transaction with its audit entry. Verification locks the user's devices
(SELECT ... FOR UPDATE) so that two requests racing with the same code cannot both pass
the replay check, and so that the throttle counter is never lost to a concurrent write.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from irum.accounts.twofactor import sole_partner
from irum.audit.models import AuditEntry
from irum.audit.services import audit_record

DEVICE_NAME = "authenticator"


class Outcome(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    THROTTLED = "throttled"
    NO_DEVICE = "no_device"


@dataclass(frozen=True)
class CheckResult:
    outcome: Outcome
    device: TOTPDevice | None = None
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.VERIFIED


def _audit(*, actor: Any, kind: str, summary: str, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        kind=kind,
        partner=sole_partner(actor),
        record=actor,
        summary=summary,
        changes=changes,
    )


def _wait_seconds(device: TOTPDevice) -> int | None:
    """Seconds the device's throttle still refuses codes for, or None if it accepts one."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def _check(*, actor: Any, devices: list[TOTPDevice], token: str, purpose: str) -> CheckResult:
    if not devices:
        return CheckResult(Outcome.NO_DEVICE)
    waits = [w for w in (_wait_seconds(d) for d in devices) if w is not None]
    if waits:
        # Refused unseen: the code is not even compared, so guessing on during the wait
        # teaches nothing. Still recorded: a run of these is what an attack looks like.
        _audit(
            actor=actor,
            kind=AuditEntry.Kind.OTP_FAILED,
            summary=f"{purpose} code refused: too many wrong codes",
            changes={"throttled": True},
        )
        return CheckResult(Outcome.THROTTLED, wait_seconds=max(waits))
    for device in devices:
        # verify_token refuses a code at or before the last accepted time step (replay),
        # counts failures for the throttle and resets the count on success.
        if device.verify_token(token):
            return CheckResult(Outcome.VERIFIED, device=device)
    _audit(
        actor=actor,
        kind=AuditEntry.Kind.OTP_FAILED,
        summary=f"{purpose} code wrong",
        changes={"failures": max(d.throttling_failure_count for d in devices)},
    )
    return CheckResult(Outcome.WRONG)


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows, made on first visit and kept
    until a right code confirms it (so reloading the page does not change the QR code).

    Not audited: an unconfirmed device verifies nothing; its confirmation is audited."""
    with transaction.atomic():
        pending = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if pending is None:
            pending = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return pending


@transaction.atomic
def totp_enrol_confirm(*, actor: Any, token: str) -> CheckResult:
    """Confirm ACTOR's pending device with a code from it. Nothing is confirmed unless
    the code is right."""
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        # A second tab, or a replayed form: enrolment happens once until a reset.
        return CheckResult(Outcome.NO_DEVICE)
    pending = list(
        TOTPDevice.objects.select_for_update()
        .filter(user=actor, confirmed=False)
        .order_by("pk")[:1]
    )
    result = _check(actor=actor, devices=pending, token=token, purpose="enrolment")
    if result.ok and result.device is not None:
        device = result.device
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other pending device is a QR code nobody confirmed: it must not linger.
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        _audit(
            actor=actor,
            kind=AuditEntry.Kind.OTP_ENROLLED,
            summary="2FA authenticator enrolled",
            changes={"device": device.persistent_id},
        )
    return result


@transaction.atomic
def totp_verify(*, actor: Any, token: str) -> CheckResult:
    """Check a code against ACTOR's confirmed devices."""
    devices = list(
        TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True).order_by("pk")
    )
    result = _check(actor=actor, devices=devices, token=token, purpose="sign-in")
    if result.ok and result.device is not None:
        _audit(
            actor=actor,
            kind=AuditEntry.Kind.OTP_VERIFIED,
            summary="2FA code verified",
            changes={"device": result.device.persistent_id},
        )
    return result


@transaction.atomic
def two_factor_reset(*, user: Any, actor: Any) -> int:
    """Remove every OTP device of USER, so that her next sign-in enrols a new one. A
    session she verified with a removed device stops counting as verified at once
    (OTPMiddleware no longer finds the device). Returns the number removed."""
    removed = []
    for device in list(devices_for_user(user, confirmed=None)):
        removed.append(device.persistent_id)
        device.delete()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.OTHER,
        partner=sole_partner(user),
        record=user,
        summary=f"2FA reset for {user.get_username()}: {len(removed)} device(s) removed",
        changes={"devices_removed": removed},
    )
    return len(removed)
