"""Each Uwazi row gets a ref that is the same on every import, so that importing the
same export twice is refused instead of adding everyone again: the mapping's id column,
or else a keyed digest of the Title, which never shows the name it was made from."""

from __future__ import annotations

from irum.archive.models import Person
from irum.exchange.uwazi import uwazi_import

MAPPING = "person:\n  full_name: Title\n"


def _import(actor, tmp_path, text, mapping=MAPPING):
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    (tmp_path / "map.yaml").write_text(mapping, encoding="utf-8")
    return uwazi_import(
        actor=actor,
        path=tmp_path / "export.csv",
        template="victims",
        mapping_path=tmp_path / "map.yaml",
    )


def test_without_an_id_column_refs_come_from_the_title_with_a_warning(db, actor, tmp_path):
    result = _import(actor, tmp_path, "Title\nKim Chol-su\n")

    ref = Person.objects.get().ref
    assert ref.startswith("uwazi-victims-") and len(ref) == 30
    assert "kim" not in ref.casefold() and "chol" not in ref.casefold()
    assert any("refs are made from Title" in w for w in result.warnings)


def test_the_same_export_imported_twice_is_refused_the_second_time(db, actor, tmp_path):
    assert _import(actor, tmp_path, "Title\nKim Chol-su\nRi Song-ho\n").ok

    again = _import(actor, tmp_path, "Title\nKim Chol-su\nRi Song-ho\n")

    assert [(p.row, p.column, p.value, p.reason) for p in again.problems] == [
        (2, "Title", "Kim Chol-su", "already exists in the archive"),
        (3, "Title", "Ri Song-ho", "already exists in the archive"),
    ]
    assert Person.objects.count() == 2


def test_two_rows_with_one_title_need_an_id_column(db, actor, tmp_path):
    result = _import(actor, tmp_path, "Title\nKim Young-ho\nKim Young-ho\n")

    assert [(p.row, p.column) for p in result.problems] == [(3, "Title")]
    assert "is the same title as row 2" in result.problems[0].reason
    assert "map an id column" in result.problems[0].reason


def test_an_id_column_gives_the_refs_and_two_equal_titles_are_two_people(db, actor, tmp_path):
    text = "Title,id\nKim Young-ho,k3j4h5kj3\nKim Young-ho,a8s7d6f5\n"

    result = _import(actor, tmp_path, text, "id: id\n" + MAPPING)

    assert result.ok and result.warnings == []
    assert sorted(Person.objects.values_list("ref", flat=True)) == ["a8s7d6f5", "k3j4h5kj3"]
