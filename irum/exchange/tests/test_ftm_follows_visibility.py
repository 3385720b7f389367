"""The FtM export holds only what its user may see (irum.partners.visibility), and the
identity fields and restricted texts only when the user asks for them explicitly."""

from __future__ import annotations

import json

import pytest

from irum.archive import services
from irum.audit.models import AuditEntry
from irum.exchange.ftm import FtmOptions, ftm_lines
from irum.reports.tests.builders import Canaries, seed_case

# The fields that are restricted in the archive: never out without --include-restricted.
RESTRICTED = (
    "full_name",
    "full_name_ko",
    "aliases",
    "aliases2",
    "address",
    "description_restricted",
    "content_restricted",
)
# Never out at all: refs and titles may hold names, family contacts reach the family,
# and a case narrative has no place in FtM.
NEVER = ("family_contacts", ".ref", "case.title", "narrative_restricted")

MAY_SEE = {
    "alice": {"pub-a", "partners-a", "restricted-a", "restricted-b-shared-a"},
    "bob": {"pub-a", "partners-a", "restricted-a", "restricted-b-shared-a"},
    "carol": {"pub-a", "partners-a", "restricted-b-shared-a", "restricted-b"},
    "dave": set(),
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' Argon2 hashes cost more than the rest of a test here; no test in
    # this file logs in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def archive(gazetteer, actor, personas):
    canary = Canaries()
    a, b = personas["partner_a"], personas["partner_b"]
    for label, owner, level, shared in (
        ("pub-a", a, "public", ()),
        ("partners-a", a, "partners", ()),
        ("restricted-a", a, "restricted", ()),
        ("restricted-b-shared-a", b, "restricted", (a,)),
        ("restricted-b", b, "restricted", ()),
    ):
        seed_case(
            actor,
            canary,
            label=label,
            confidentiality=level,
            owner=owner,
            shared_with=shared,
            persons=1,
            # Canaries in the pseudonyms and public texts too: they tell which cases
            # reached the export at all.
            plain_public_texts=False,
        )
    return canary


def _export(user, *, restricted: bool) -> str:
    return "".join(ftm_lines(actor=user, options=FtmOptions(include_restricted=restricted)))


def _cases_in(found: list[str]) -> set[str]:
    return {where.split(".")[0] for where in found}


def _fields_in(found: list[str]) -> set[str]:
    return {where for where in found if any(where.endswith(f) for f in RESTRICTED)}


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
def test_an_export_holds_only_the_cases_its_user_may_see(archive, personas, who):
    for restricted in (False, True):
        found = archive.found_in(_export(personas[who], restricted=restricted))
        assert _cases_in(found) == MAY_SEE[who], restricted


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
def test_restricted_fields_stay_out_unless_asked_for(archive, personas, who):
    found = archive.found_in(_export(personas[who], restricted=False))

    assert _fields_in(found) == set()


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_asked_for_they_come_only_from_cases_the_user_may_see(archive, personas, who):
    found = archive.found_in(_export(personas[who], restricted=True))

    leaked = _fields_in(found)
    assert _cases_in(sorted(leaked)) == MAY_SEE[who]
    for label in MAY_SEE[who]:
        for field in ("full_name", "full_name_ko", "aliases", "address"):
            assert f"{label}.person0.{field}" in leaked
        assert f"{label}.person0.arrest.description_restricted" in leaked
        assert f"{label}.person0.source0.content_restricted" in leaked


def test_some_fields_never_go_out(archive, personas):
    found = archive.found_in(_export(personas["alice"], restricted=True))

    assert not [where for where in found if any(where.endswith(n) for n in NEVER)]


def test_a_user_with_no_partner_exports_nothing(archive, personas):
    assert _export(personas["dave"], restricted=True) == ""


def test_deleted_records_stay_out(gazetteer, actor, personas):
    canary = Canaries()
    records = seed_case(
        actor, canary, label="c", confidentiality="partners", owner=personas["partner_a"]
    )
    gone, kept = records["persons"]
    services.person_delete(actor=actor, person=gone)
    services.source_delete(actor=actor, source=records["sources"][2])

    lines = [json.loads(line) for line in ftm_lines(actor=personas["alice"])]

    persons = {e["id"] for e in lines if e["schema"] == "Person"}
    assert persons == {f"irum-person-{kept.public_id}"}
    involved = {i for e in lines if e["schema"] == "Event" for i in e["properties"]["involved"]}
    assert involved == persons
    assert sum(e["schema"] == "PlainText" for e in lines) == 1
    proofs = {p for e in lines if e["schema"] == "Event" for p in e["properties"]["proof"]}
    assert len(proofs) == 1


def test_every_export_is_audited(archive, personas):
    before = AuditEntry.objects.filter(kind="export").count()
    _export(personas["carol"], restricted=True)
    _export(personas["dave"], restricted=False)

    carol, dave = AuditEntry.objects.filter(kind="export").order_by("seq")[before:]
    assert carol.actor == personas["carol"] and carol.record_type == "exchange.ftm"
    assert carol.changes["include_restricted"] is True
    assert carol.changes["complete"] is True
    assert carol.changes["counts"]["Person"] == 4
    assert carol.changes["filters"] == {}
    assert dave.changes == {
        "counts": {},
        "include_restricted": False,
        "filters": {},
        "selection": False,
        "complete": True,
    }
    # The log says what was exported, never the values.
    assert archive.found_in(json.dumps(carol.changes) + carol.summary) == []


def test_an_export_stopped_early_is_audited_as_interrupted(archive, personas):
    lines = ftm_lines(actor=personas["alice"], options=FtmOptions(include_restricted=True))
    next(lines)
    lines.close()

    entry = AuditEntry.objects.filter(kind="export").latest("seq")
    assert entry.changes["complete"] is False
    assert sum(entry.changes["counts"].values()) == 1
    assert "interrupted" in entry.summary
