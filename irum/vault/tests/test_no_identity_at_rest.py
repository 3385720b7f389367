"""Canary names written through the importer, the services and the admin never reach the
database in plaintext: not in the records, not in their history, not in a PostgreSQL dump."""

import csv
import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from irum.archive import services
from irum.archive.models import Case, Person, Source
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import sample, write_workbook
from irum.lib.text import fold
from irum.vault.crypto import blind_index

CANARIES = ["CANARY-Kwon Ha-neul", "카나리아권하늘", "canary-narrative-7f3a", "canary-testimony-19"]
# Typed through the admin: other spellings and the other identity fields.
ADMIN_CANARIES = {
    "full_name": "canary ADMIN Ri Su-ok",
    "full_name_ko": "카나리아리수옥",
    "aliases": "Canary-Alias-Sook; 카나리아별명",
    "address": "canary-address 회령시 카나리아동",
    "family_contacts": "canary-contact-brother-55",
    "family_steps": "canary-steps 카나리아 어머니 청원",
    "narrative_restricted": "canary-admin-narrative-b41e",
    "content_restricted": "카나리아 증언 canary-admin-testimony",
}


def _every_text_value() -> list[str]:
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                values.extend(str(v) for v in row if v is not None)
    return values


def _write_canaries(actor, admin_client, tmp_path: Path) -> None:
    """The canaries, through every way in: a workbook import, the services, and the admin's
    case page (with a person inline), its person page and its source page."""
    book = sample()
    book["persons"][0]["full_name"] = CANARIES[0]
    book["persons"][0]["full_name_ko"] = CANARIES[1]
    book["cases"][0]["narrative_restricted"] = CANARIES[2]
    book["sources"][0]["content_restricted"] = CANARIES[3]
    assert workbook_import(actor=actor, path=write_workbook(tmp_path, book)).ok
    case = services.case_create(actor=actor, ref="CANARY-CASE", narrative_restricted=CANARIES[2])
    person = services.person_create(actor=actor, ref="CANARY-P", case=case, full_name=CANARIES[0])
    services.person_update(actor=actor, person=person, aliases=CANARIES[1])

    identity = {k: ADMIN_CANARIES[k] for k in ("full_name", "full_name_ko", "aliases", "address")}
    response = admin_client.post(
        reverse("admin:archive_case_add"),
        {
            "ref": "ADMIN-CASE",
            "confidentiality": "restricted",
            "verification": "reported",
            "narrative_restricted": ADMIN_CANARIES["narrative_restricted"],
            **_formset("persons", 1),
            "persons-0-ref": "ADMIN-P",
            "persons-0-sex": "female",
            "persons-0-status": "missing",
            "persons-0-reason": "unknown",
            **{f"persons-0-{name}": value for name, value in identity.items()},
            **_formset("persons-0-events", 0),
        },
    )
    assert response.status_code == 302, _form_errors(response)
    admin_person = Person.objects.filter(ref="ADMIN-P").first()
    assert admin_person is not None, _form_errors(response)  # not a redirect to sign in
    response = admin_client.post(
        reverse("admin:archive_person_change", args=[admin_person.pk]),
        {
            "case": admin_person.case_id,
            "ref": "ADMIN-P",
            "sex": "female",
            "status": "missing",
            "reason": "unknown",
            "opened_version": admin_person.version,
            **identity,
            "family_contacts": ADMIN_CANARIES["family_contacts"],
            "family_steps": ADMIN_CANARIES["family_steps"],
            **_formset("events", 0),
        },
    )
    assert response.status_code == 302, _form_errors(response)
    response = admin_client.post(
        reverse("admin:archive_source_add"),
        {
            "ref": "ADMIN-S",
            "kind": "testimony",
            "connection": "witness",
            "reliability": "high",
            "content_restricted": ADMIN_CANARIES["content_restricted"],
        },
    )
    assert response.status_code == 302, _form_errors(response)
    # The admin really stored them (encrypted), in the records and in their history.
    admin_person = Person.objects.get(ref="ADMIN-P")
    assert admin_person.family_contacts == ADMIN_CANARIES["family_contacts"]
    assert admin_person.family_steps == ADMIN_CANARIES["family_steps"]
    assert admin_person.history.count() == 2
    assert Case.objects.get(ref="ADMIN-CASE").narrative_restricted
    assert Source.objects.get(ref="ADMIN-S").content_restricted


def _formset(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _form_errors(response) -> str:
    """What went wrong with an admin post, for the assertion message."""
    context = response.context or {}
    return repr([response.get("Location"), context.get("errors")])


def _all_canaries() -> list[str]:
    return [*CANARIES, *ADMIN_CANARIES.values()]


def test_no_canary_reaches_any_table_or_history_table(gazetteer, actor, admin_client, tmp_path):
    _write_canaries(actor, admin_client, tmp_path)

    stored = "\n".join(_every_text_value())
    folded = fold(stored)
    for canary in _all_canaries():
        assert canary not in stored
        # Nor in another case, spacing or Unicode form.
        assert fold(canary) not in folded, canary
    # ...while an authorised read through the ORM gives the names back.
    assert Person.objects.get(ref="CANARY-P").full_name == CANARIES[0]
    assert Person.objects.get(ref="ADMIN-P").full_name_ko == ADMIN_CANARIES["full_name_ko"]


def _pg_dump_binary(server_version: int) -> str:
    """The newest pg_dump of the server's own packages (/usr/lib/postgresql/<v>/bin) that is
    not older than the server, or the one on PATH: pg_dump refuses newer servers."""
    major = server_version // 10000
    found = []
    for path in glob.glob("/usr/lib/postgresql/*/bin/pg_dump"):
        version = Path(path).parent.parent.name
        if version.isdigit() and int(version) >= major:
            found.append((int(version), path))
    if found:
        return max(found)[1]
    on_path = shutil.which("pg_dump")
    if on_path is None:
        pytest.fail("pg_dump is not installed: the dump of the test database cannot be checked")
    return on_path


def _pg_dump() -> str:
    settings = connection.settings_dict
    # pytest-django has already pointed NAME at the test database (test_<name>).
    command = [_pg_dump_binary(connection.pg_version), "--no-owner", "--encoding=UTF8"]
    if settings.get("HOST"):
        command += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        command += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        command += ["--username", settings["USER"]]
    command += ["--dbname", settings["NAME"]]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]  # never on the command line
    done = subprocess.run(command, capture_output=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump needs the PostgreSQL test database (set IRUM_DATABASE_URL=postgres://...)",
)
@pytest.mark.django_db(transaction=True)
def test_no_canary_reaches_a_postgresql_dump(gazetteer, actor, admin_client, tmp_path):
    # transaction=True: the rows are committed, so pg_dump's own session sees them.
    _write_canaries(actor, admin_client, tmp_path)
    dump = _pg_dump()
    # The dump holds the data, history included (not an empty or schema-only dump)...
    assert "ADMIN-P" in dump and "CANARY-P" in dump
    assert "COPY public.archive_historicalperson" in dump
    assert "v1:" in dump
    # ...and no canary in any case, spacing or Unicode form, Hangul included.
    folded = fold(dump)
    for canary in _all_canaries():
        assert fold(canary) not in folded, canary


def test_an_exact_name_finds_the_person_through_the_blind_index(gazetteer, actor):
    case = services.case_create(actor=actor, ref="C-BI")
    services.person_create(actor=actor, ref="P-BI", case=case, full_name="Ri Chol-ho")
    found = Person.objects.filter(full_name_index=blind_index("  ri chol ho "))
    assert [p.ref for p in found] == ["P-BI"]


def test_the_export_decrypts_for_the_authorised_exporter(gazetteer, actor, tmp_path):
    book = sample()
    book["persons"][0]["full_name"] = CANARIES[0]
    assert workbook_import(actor=actor, path=write_workbook(tmp_path / "in", book)).ok
    from irum.exchange.exporter import workbook_export

    workbook_export(actor=actor, path=tmp_path / "out", include_restricted=True)
    with (tmp_path / "out" / "persons.csv").open(encoding="utf-8-sig") as fh:
        names = {row["full_name"] for row in csv.DictReader(fh)}
    assert CANARIES[0] in names
