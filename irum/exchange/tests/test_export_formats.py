"""irum export --format: every format holds what its user may see, narrowed by the
filters, with identities only when asked for, and each export is audited."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from irum.archive import services
from irum.audit.models import AuditEntry
from irum.reports.tests.builders import person_with_chain


@pytest.fixture
def archive(gazetteer, actor, personas):
    made = {}
    for label, owner, level in (
        ("a-restricted", "partner_a", "restricted"),
        ("b-restricted", "partner_b", "restricted"),
        ("a-public", "partner_a", "public"),
    ):
        person = person_with_chain(
            actor,
            ("arrest", "2013-05", "hyesan", "nk-state-security", 1),
            ("transfer", "2013-06", "hyesan-mss-facility", "nk-state-security", 2),
            pseudonym=f"pseudonym-{label}",
            full_name=f"Canary {label}",
        )
        services.case_update(
            actor=actor, case=person.case, owner=personas[owner], confidentiality=level
        )
        made[label] = person
    return made


def export(*args):
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "geojson", "csv"])
def test_each_format_holds_only_what_its_user_may_see(archive, tmp_path, fmt):
    target = tmp_path / ("out" if fmt == "csv" else f"out.{fmt}")
    export(str(target), "--actor", "carol", "--format", fmt)
    text = (
        "".join(p.read_text(encoding="utf-8-sig") for p in sorted(target.iterdir()))
        if fmt == "csv"
        else target.read_text()
    )
    assert "pseudonym-b-restricted" in text and "pseudonym-a-public" in text
    assert "pseudonym-a-restricted" not in text
    assert "Canary" not in text  # no identity without --include-restricted
    entry = AuditEntry.objects.filter(kind="export").latest("seq")
    assert entry.actor.username == "carol"


def test_identities_go_out_only_when_asked_for(archive, tmp_path):
    export(str(tmp_path / "with.json"), "--actor", "carol", "--include-restricted")
    data = json.loads((tmp_path / "with.json").read_text())
    names = {p["full_name"] for p in data["persons"]}
    assert "Canary b-restricted" in names and "Canary a-restricted" not in names
    export(str(tmp_path / "without.json"), "--actor", "carol")
    data = json.loads((tmp_path / "without.json").read_text())
    assert all("full_name" not in p for p in data["persons"])
    assert data["include_restricted"] is False


def test_filters_narrow_the_export(archive, tmp_path):
    case = archive["a-public"].case.public_id
    export(str(tmp_path / "one.json"), "--actor", "alice", "--filter", f"case={case}")
    data = json.loads((tmp_path / "one.json").read_text())
    assert [c["public_id"] for c in data["cases"]] == [case]
    export(str(tmp_path / "one.geojson"), "--actor", "alice", "--filter", f"case={case}")
    body = json.loads((tmp_path / "one.geojson").read_text())
    assert body["type"] == "FeatureCollection"
    assert {
        f["properties"].get("person")
        for f in body["features"]
        if f["properties"]["feature_type"] == "leg"
    } == {archive["a-public"].public_id}


def test_the_csv_export_is_readable_by_a_spreadsheet(archive, tmp_path):
    export(str(tmp_path / "out.zip"), "--actor", "alice")
    import zipfile

    with zipfile.ZipFile(tmp_path / "out.zip") as archive_file:
        rows = list(
            csv.DictReader(io.StringIO(archive_file.read("persons.csv").decode("utf-8-sig")))
        )
    assert {row["pseudonym"] for row in rows} >= {"pseudonym-a-restricted", "pseudonym-a-public"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["out.bin"], "--format"),
        (["out.json", "--filter", "era=bronze-age"], "era"),
        (["out.json", "--filter", "nonsense"], "key=value"),
        (["out.html", "--format", "wgeid"], "--person"),
        (["out.csv", "--format", "xlsx"], ".xlsx"),
    ],
)
def test_bad_requests_are_clear_errors_that_write_nothing(archive, tmp_path, args, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("-", r"\-")):
        export(str(tmp_path / args[0]), "--actor", "alice", *args[1:])
    assert [p.name for p in tmp_path.iterdir()] == []


def test_an_export_by_someone_with_no_partner_holds_nothing(archive, tmp_path):
    export(str(tmp_path / "dave.json"), "--actor", "dave")
    data = json.loads((tmp_path / "dave.json").read_text())
    assert data["cases"] == [] and data["persons"] == []


@pytest.mark.parametrize(
    ("fmt", "name"), [("xlsx", "out.xlsx"), ("csv", "out.zip"), ("csv", "out"), ("json", "o.json")]
)
def test_an_export_without_restricted_fields_decrypts_nothing(
    archive, tmp_path, fmt, name, monkeypatch
):
    from irum.vault import crypto

    calls = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    target = tmp_path / name
    export(str(target), "--actor", "carol", "--format", fmt)
    assert calls == []
    export(
        str(tmp_path / f"with-{target.name}"),
        "--actor",
        "carol",
        "--format",
        fmt,
        "--include-restricted",
    )
    assert calls  # the same export with identities asked for does read them


def test_a_zip_export_is_a_bom_prefixed_csv_per_sheet(archive, tmp_path):
    import zipfile

    export(str(tmp_path / "out.zip"), "--actor", "carol")
    with zipfile.ZipFile(tmp_path / "out.zip") as archive_file:
        names = sorted(archive_file.namelist())
        assert names == ["cases.csv", "events.csv", "persons.csv", "sources.csv"]
        persons = archive_file.read("persons.csv")
    assert persons.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(persons.decode("utf-8-sig"))))
    assert {row["pseudonym"] for row in rows} == {"pseudonym-b-restricted", "pseudonym-a-public"}
