"""A file whose shape is wrong (a column the mapping names is missing, a quote never
closed, a comma outside quotes) is refused with one clear problem where it goes wrong,
before any row is imported."""

from __future__ import annotations

from pathlib import Path

from irum.exchange.tests.snapshots import database_dump
from irum.exchange.uwazi import uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"
VICTIMS = (FIXTURES / "victims.csv").read_text(encoding="utf-8")


def _import(actor, tmp_path, text, mapping=FIXTURES / "victims.yaml", template="victims"):
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    return uwazi_import(
        actor=actor,
        path=tmp_path / "export.csv",
        template=template,
        mapping_path=mapping,
    )


def _where(result):
    return [(p.sheet, p.row, p.column) for p in result.problems]


def test_it_refuses_a_file_without_a_column_the_mapping_names(gazetteer, actor, tmp_path):
    result = _import(actor, tmp_path, VICTIMS.replace(",Sex,", ",Gender,", 1))

    assert _where(result) == [("export.csv", 1, "Sex")]
    assert result.problems[0].reason.startswith(
        "is named in the mapping but is not a column of this file; its columns are: Title,"
    )


def test_it_names_every_missing_column_and_reads_no_row(gazetteer, actor, tmp_path):
    header, rest = VICTIMS.split("\n", 1)
    header = header.replace("Sex", "Gender").replace("Detention period", "Detention")
    # Row 2 has a bad value too, but a file missing columns is not read row by row.
    rest = rest.replace(",Male,", ",Mle,", 1)

    result = _import(actor, tmp_path, f"{header}\n{rest}")

    assert _where(result) == [
        ("export.csv", 1, "Sex"),
        ("export.csv", 1, "Detention period"),
    ]


def test_it_refuses_a_file_without_title_when_refs_come_from_it(gazetteer, actor, tmp_path):
    text = (FIXTURES / "cases.csv").read_text(encoding="utf-8").replace("Title,", "Name,", 1)

    result = _import(actor, tmp_path, text, FIXTURES / "cases.yaml", "cases")

    assert _where(result) == [("export.csv", 1, "Title")]
    assert "each row's ref is made from its Title" in result.problems[0].reason


def test_it_refuses_a_cell_that_goes_on_after_its_closing_quote(gazetteer, actor, tmp_path):
    before = database_dump()
    text = VICTIMS.replace('"Seen at Camp 16, 2015;', '"Seen at Camp 16, 2015;"')
    text = text.replace('released detainee."', "released detainee.")

    result = _import(actor, tmp_path, text)

    assert _where(result) == [("export.csv", 3, "")]
    assert "is not valid CSV" in result.problems[0].reason
    assert database_dump() == before


def test_it_refuses_a_quote_that_runs_to_the_end_of_the_file(gazetteer, actor, tmp_path):
    text = VICTIMS.replace("Hyesan 2016,2016,", 'Hyesan 2016,"2016,', 1)

    result = _import(actor, tmp_path, text)

    assert _where(result) == [("export.csv", 5, "")]
    assert result.problems[0].reason.startswith("has a quoted cell that is never closed")


def test_it_refuses_a_row_whose_cells_are_shifted_by_an_unquoted_comma(gazetteer, actor, tmp_path):
    text = VICTIMS.replace("Ri Song-ho,V-0003", "Ri, Song-ho,V-0003", 1)

    result = _import(actor, tmp_path, text)

    assert _where(result) == [("export.csv", 5, "")]
    assert "has 19 cells but the header has 18 columns" in result.problems[0].reason


def test_it_reads_a_file_of_only_a_header_as_nothing_to_import(gazetteer, actor, tmp_path):
    result = _import(actor, tmp_path, VICTIMS.split("\n", 1)[0] + "\n")

    assert result.problems == []
    assert (result.cases, result.persons, result.events) == (0, 0, 0)
