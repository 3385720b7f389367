"""Command-line imports and exports act for a named person, whose rights apply: an export
holds only what they may see, and an import may add only to cases they may change."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from irum.archive import services
from irum.archive.models import Case, Person
from irum.audit.models import AuditEntry
from irum.exchange.tests.workbooks import sample, write_workbook


def _call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def archive(db, actor, personas):
    """One case per partner and level: (owner, confidentiality) -> case ref."""
    refs = {}
    for owner in ("partner_a", "partner_b"):
        for level in ("public", "partners", "restricted"):
            ref = f"{owner[-1].upper()}-{level}"
            case = services.case_create(
                actor=actor, ref=ref, owner=personas[owner], confidentiality=level
            )
            services.person_create(
                actor=actor, ref=f"{ref}-p", case=case, full_name=f"Canary {ref}"
            )
            refs[owner, level] = ref
    return refs


def _exported_refs(path) -> set[str]:
    with (path / "cases.csv").open(encoding="utf-8-sig") as fh:
        return {row["case_ref"] for row in csv.DictReader(fh)}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("alice", {"A-public", "A-partners", "A-restricted", "B-public", "B-partners"}),
        ("bob", {"A-public", "A-partners", "A-restricted", "B-public", "B-partners"}),
        ("carol", {"A-public", "A-partners", "B-public", "B-partners", "B-restricted"}),
        ("dave", set()),
    ],
)
def test_an_export_holds_only_what_its_user_may_see(archive, tmp_path, who, expected):
    _call("export", str(tmp_path / "out"), "--actor", who, "--include-restricted")

    assert _exported_refs(tmp_path / "out") == expected
    persons = (tmp_path / "out" / "persons.csv").read_text(encoding="utf-8-sig")
    for level in ("public", "partners", "restricted"):
        for owner in "AB":
            ref = f"{owner}-{level}"
            assert (f"Canary {ref}" in persons) == (ref in expected)
    entry = AuditEntry.objects.filter(kind="export").get()
    assert entry.actor.username == who


def test_an_export_needs_a_named_person(archive, tmp_path):
    with pytest.raises(CommandError, match="--actor"):
        _call("export", str(tmp_path / "out"))
    with pytest.raises(CommandError, match="built-in account"):
        _call("export", str(tmp_path / "out"), "--actor", "irum-system")
    assert not (tmp_path / "out").exists()


def test_it_refuses_a_disabled_account(archive, personas, tmp_path):
    personas["alice"].is_active = False
    personas["alice"].save()

    with pytest.raises(CommandError, match="disabled"):
        _call("export", str(tmp_path / "out"), "--actor", "alice")


def test_an_editor_imports_new_cases_for_her_own_partner(gazetteer, personas, tmp_path):
    _call("import", str(write_workbook(tmp_path)), "--actor", "alice", "--partner", "partner-a")

    assert set(Case.objects.values_list("owner__slug", flat=True)) == {"partner-a"}


@pytest.mark.parametrize(
    ("who", "partner", "message"),
    [
        ("bob", "partner-a", "Only editors"),
        ("dave", "partner-a", "Only editors"),
        ("carol", "partner-a", "only for a partner organisation you edit for"),
        ("alice", None, "Name the partner organisation"),
    ],
)
def test_an_import_is_refused_to_those_who_may_not_write_for_the_partner(
    gazetteer, personas, tmp_path, who, partner, message
):
    args = ["import", str(write_workbook(tmp_path)), "--actor", who]
    if partner:
        args += ["--partner", partner]
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem found"):
        call_command(*args, stdout=io.StringIO(), stderr=err)

    assert message in err.getvalue()
    assert Case.objects.count() == 0


def test_an_import_cannot_add_to_another_partners_case(gazetteer, archive, tmp_path):
    book = sample()
    book["persons"][0]["case_ref"] = "B-restricted"  # carol's
    book["persons"][1]["case_ref"] = "B-partners"  # visible to alice, but not hers
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 problems found"):
        call_command(
            "import",
            str(write_workbook(tmp_path, book)),
            "--actor",
            "alice",
            "--partner",
            "partner-a",
            stdout=io.StringIO(),
            stderr=err,
        )

    assert err.getvalue().count("is not a case in cases.csv or one you may change") == 2
    # Refused with the same words whether alice may see the case or not.
    assert Person.objects.count() == 6


def test_an_import_may_add_to_a_case_of_her_partner(gazetteer, archive, tmp_path):
    book = sample()
    book["persons"][0]["case_ref"] = "A-restricted"
    book["events"] = [e for e in book["events"] if e["person_ref"] != "P-001"]

    _call(
        "import",
        str(write_workbook(tmp_path, book)),
        "--actor",
        "alice",
        "--partner",
        "partner-a",
    )

    assert Person.objects.get(ref="P-001").case.ref == "A-restricted"


def test_the_import_warns_of_likely_duplicates_on_stderr(gazetteer, actor, personas, tmp_path):
    case = services.case_create(actor=actor, ref="B-9", owner=personas["partner_b"])
    services.person_create(actor=actor, ref="B-9-1", case=case, full_name_ko="김미란")

    out, err = _call(
        "import", str(write_workbook(tmp_path)), "--actor", "alice", "--partner", "partner-a"
    )

    assert "Imported:" in out
    assert "warning: persons row 2, full_name_ko: has the same name as a person" in err
