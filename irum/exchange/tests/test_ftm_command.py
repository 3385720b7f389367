"""`irum export-ftm PATH --actor USER [--include-restricted] [--filter key=value]`."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from irum.audit.models import AuditEntry
from irum.reports.tests.builders import person_with_chain


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def two_cases(gazetteer, actor, personas):
    from irum.archive import services

    persons = []
    for ref, kind in (("one", "arrest"), ("two", "abduction")):
        case = services.case_create(actor=actor, ref=ref, owner=personas["partner_a"])
        persons.append(
            person_with_chain(
                actor,
                (kind, "2014-04", "hyesan", "nk-state-security"),
                case=case,
                full_name=f"Name {ref}",
                pseudonym=f"Pseudonym {ref}",
            )
        )
    return persons


def _call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export-ftm", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _read(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_it_writes_json_lines_only_the_owner_can_read(two_cases, tmp_path):
    target = tmp_path / "out.jsonl"
    _out, err = _call(str(target), "--actor", "alice")

    entities = _read(target)
    assert {e["schema"] for e in entities} == {"Person", "Event", "PublicBody", "Address"}
    assert "Name one" not in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not (tmp_path / "out.jsonl.part").exists()
    assert "Person 2" in err


def test_identities_need_the_flag(two_cases, tmp_path):
    target = tmp_path / "out.jsonl"
    _call(str(target), "--actor", "alice", "--include-restricted")

    names = {n for e in _read(target) if e["schema"] == "Person" for n in e["properties"]["name"]}
    assert names == {"Name one", "Name two"}
    assert AuditEntry.objects.filter(kind="export").latest("seq").changes["include_restricted"]


def test_it_writes_to_standard_output(two_cases):
    out, err = _call("-", "--actor", "bob")

    assert len(out.splitlines()) == 6
    assert all(json.loads(line) for line in out.splitlines())
    assert "Exported 6 entities" in err


def test_filters_narrow_it_as_they_narrow_the_maps(two_cases, tmp_path):
    target = tmp_path / "out.jsonl"
    first = two_cases[0]
    _call(str(target), "--actor", "alice", "--filter", f"case={first.case.public_id}")
    assert {e["id"] for e in _read(target) if e["schema"] == "Person"} == {
        f"irum-person-{first.public_id}"
    }

    _call(str(target), "--actor", "alice", "--filter", "kind=abduction")
    events = [e for e in _read(target) if e["schema"] == "Event"]
    assert [e["properties"]["involved"] for e in events] == [
        [f"irum-person-{two_cases[1].public_id}"]
    ]
    entry = AuditEntry.objects.filter(kind="export").latest("seq")
    assert entry.changes["filters"] == {"kind": ["abduction"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--filter", "colour=red"], "colour: not a filter"),
        (["--filter", "kind=picnic"], "kind:"),
        (["--filter", "nonsense"], "key=value"),
        (["--filter", "partner=nobody"], "no partner has this id"),
    ],
)
def test_bad_filters_are_refused_before_anything_is_written(two_cases, tmp_path, args, message):
    target = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match=message):
        _call(str(target), "--actor", "alice", *args)
    assert not target.exists() and not (tmp_path / "out.jsonl.part").exists()


def test_it_acts_for_a_named_person(two_cases, tmp_path):
    with pytest.raises(CommandError):
        _call(str(tmp_path / "x.jsonl"))
    with pytest.raises(CommandError, match="built-in account"):
        _call(str(tmp_path / "x.jsonl"), "--actor", "irum-system")
    _call(str(tmp_path / "x.jsonl"), "--actor", "dave")
    assert (tmp_path / "x.jsonl").read_text() == ""
