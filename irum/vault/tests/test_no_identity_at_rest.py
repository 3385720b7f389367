"""Canary names written through the importer and the services never reach the database
in plaintext: not in the records, not in their history."""

import csv

from django.db import connection

from irum.archive import services
from irum.archive.models import Person
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import sample, write_workbook
from irum.vault.crypto import blind_index

CANARIES = ["CANARY-Kwon Ha-neul", "카나리아권하늘", "canary-narrative-7f3a", "canary-testimony-19"]


def _every_text_value() -> list[str]:
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                values.extend(str(v) for v in row if v is not None)
    return values


def test_no_canary_reaches_any_table_or_history_table(gazetteer, actor, tmp_path):
    book = sample()
    book["persons"][0]["full_name"] = CANARIES[0]
    book["persons"][0]["full_name_ko"] = CANARIES[1]
    book["cases"][0]["narrative_restricted"] = CANARIES[2]
    book["sources"][0]["content_restricted"] = CANARIES[3]
    assert workbook_import(actor=actor, path=write_workbook(tmp_path, book)).ok
    case = services.case_create(actor=actor, ref="CANARY-CASE", narrative_restricted=CANARIES[2])
    person = services.person_create(actor=actor, ref="CANARY-P", case=case, full_name=CANARIES[0])
    services.person_update(actor=actor, person=person, aliases=CANARIES[1])

    stored = "\n".join(_every_text_value())
    for canary in CANARIES:
        assert canary not in stored
    # ...while an authorised read through the ORM gives the names back.
    assert Person.objects.get(ref="CANARY-P").full_name == CANARIES[0]


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

    workbook_export(actor=actor, path=tmp_path / "out")
    with (tmp_path / "out" / "persons.csv").open(encoding="utf-8-sig") as fh:
        names = {row["full_name"] for row in csv.DictReader(fh)}
    assert CANARIES[0] in names
