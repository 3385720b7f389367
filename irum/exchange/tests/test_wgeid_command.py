"""`irum export-wgeid PUBLIC_ID --actor USER --details FILE [--draft] [-o FILE]`."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from irum.archive import services
from irum.audit.models import AuditEntry
from irum.reports.tests.builders import Canaries, seed_case

DETAILS = """
family_steps = \"\"\"His mother asked at the county MSS office in May 2014.
She was told to stop asking. <script>alert(1)</script>\"\"\"
nationality = "Democratic People's Republic of Korea"
submitter_contact = "PO Box 1, Seoul"
"""


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cases(gazetteer, actor, personas):
    canary = Canaries()
    made = {
        label: seed_case(
            actor,
            canary,
            label=label,
            confidentiality=level,
            owner=personas["partner_a"],
            persons=1,
            consent=True,
        )
        for label, level in (("partners-a", "partners"), ("restricted-a", "restricted"))
    }
    for records in made.values():
        person = records["persons"][0]
        # A name the Working Group can read, and a date of birth in EDTF.
        services.person_update(
            actor=actor, person=person, full_name="Kim Chol", date_of_birth="1983-02-11"
        )
    return canary, made


@pytest.fixture
def details(tmp_path):
    path = tmp_path / "details.toml"
    path.write_text(DETAILS, encoding="utf-8")
    return path


def _call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export-wgeid", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _public_id(cases, label: str) -> str:
    return cases[1][label]["persons"][0].public_id


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_members_of_the_owner_partner_get_the_submission(cases, details, tmp_path, who):
    target = tmp_path / "sub.html"
    pid = _public_id(cases, "restricted-a")
    out, _err = _call(pid, "--actor", who, "--details", str(details), "-o", str(target))

    html = target.read_text(encoding="utf-8")
    assert str(target) in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for number in range(1, 7):
        assert f"<h2>{number}. " in html
    assert "Kim Chol" in html and "11 February 1983" in html
    assert "5 April 2014" in html and "(EDTF 2014-04-05)" in html
    assert "Hyesan" in html and "Ministry of State Security" in html
    assert "Democratic People&#x27;s Republic of Korea" in html
    assert "Partner A" in html and "PO Box 1, Seoul" in html
    # Text from the details file is text, never markup.
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "DRAFT" not in html

    entry = AuditEntry.objects.filter(kind="export").latest("seq")
    assert entry.actor.username == who
    assert (entry.record_type, entry.record_id) == ("exchange.wgeid", pid)
    assert entry.changes["include_restricted"] is True and entry.changes["draft"] is False
    assert "Kim Chol" not in str(entry.changes) + entry.summary


def test_it_leaves_out_what_points_at_witnesses_and_relatives(cases, details, tmp_path):
    canary, _made = cases
    target = tmp_path / "sub.html"
    _call(
        _public_id(cases, "partners-a"),
        "--actor",
        "alice",
        "--details",
        str(details),
        "-o",
        str(target),
    )

    found = canary.found_in(target.read_text(encoding="utf-8"))
    for field in (
        "address",
        "family_contacts",
        "description_restricted",
        "content_restricted",
        "narrative_restricted",
        ".ref",
        "title",
    ):
        assert not [where for where in found if where.endswith(field)], field


@pytest.mark.parametrize(
    ("who", "label"),
    [
        ("carol", "partners-a"),  # sees the case, but may not speak for its owner
        ("carol", "restricted-a"),
        ("dave", "partners-a"),
    ],
)
def test_others_are_refused_as_if_the_person_did_not_exist(cases, details, tmp_path, who, label):
    target = tmp_path / "sub.html"
    with pytest.raises(CommandError) as refused:
        _call(
            _public_id(cases, label), "--actor", who, "--details", str(details), "-o", str(target)
        )
    with pytest.raises(CommandError) as unknown:
        _call("PNOSUCH00", "--actor", who, "--details", str(details), "-o", str(target))

    assert str(refused.value).replace(_public_id(cases, label), "X") == str(unknown.value).replace(
        "PNOSUCH00", "X"
    )
    assert not target.exists()
    assert not AuditEntry.objects.filter(kind="export").exists()


def test_missing_elements_stop_it_unless_a_draft_is_asked_for(cases, tmp_path):
    target = tmp_path / "sub.html"
    pid = _public_id(cases, "partners-a")
    with pytest.raises(CommandError) as refused:
        _call(pid, "--actor", "alice", "-o", str(target))
    message = str(refused.value)
    assert "--draft" in message
    assert "5. Steps taken by the family" in message and "6. Submitting organisation" in message
    assert not target.exists()

    out, err = _call(pid, "--actor", "alice", "-o", str(target), "--draft")
    html = target.read_text(encoding="utf-8")
    assert "DRAFT" in html and "5. Steps taken by the family" in html
    assert "Draft written" in out and "family_steps" in err
    assert AuditEntry.objects.filter(kind="export").latest("seq").changes["missing"] == [5, 6]


def test_the_document_is_english_whatever_the_users_language(cases, details, tmp_path):
    target = tmp_path / "sub.html"
    with translation.override("ko"):
        with pytest.raises(CommandError) as refused:
            _call(_public_id(cases, "partners-a"), "--actor", "alice", "-o", str(target))
        _call(
            _public_id(cases, "partners-a"),
            "--actor",
            "alice",
            "--details",
            str(details),
            "-o",
            str(target),
        )

    html = target.read_text(encoding="utf-8")
    assert "Arrest" in html and "Identity of the disappeared person" in html
    assert "--draft" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('family_steps = "x"\ncolour = "red"', "colour: not a detail"),
        ("submitter_confidential = 'yes'", "submitter_confidential: must be true or false"),
        ("family_steps = ", "not a TOML file"),
    ],
)
def test_a_bad_details_file_is_refused_with_the_reason(cases, tmp_path, text, message):
    path = tmp_path / "details.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _call(
            _public_id(cases, "partners-a"),
            "--actor",
            "alice",
            "--details",
            str(path),
            "-o",
            str(tmp_path / "sub.html"),
        )
