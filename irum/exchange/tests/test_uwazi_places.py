"""A place comes from a geolocation (the gazetteer place at that point) or from a name
(as in a workbook). A point never becomes a new place; a name becomes one only where the
mapping gives its country, as place_country does in a workbook."""

from __future__ import annotations

from irum.archive.models import Event
from irum.exchange.uwazi import uwazi_import
from irum.gazetteer.models import Place

HEADER = "Victim ID,Title,Date of arrest,Place of arrest,Places of detention,Last seen\n"
MAPPING = """\
id: Victim ID
date_format: yyyy-MM-dd
geolocation_radius_km: {radius}
columns:
  Date of arrest: date
  Place of arrest: select
  Places of detention: multiselect
  Last seen: geolocation
person:
  full_name: Title
events:
  - kind: arrest
    date: Date of arrest
    place: Place of arrest
    place_country: {{value: CN}}
  - kind: detention
    place: Places of detention
  - kind: sighting
    place: Last seen
"""


def _import(actor, tmp_path, rows, radius="2"):
    (tmp_path / "export.csv").write_text(HEADER + rows, encoding="utf-8")
    (tmp_path / "map.yaml").write_text(MAPPING.format(radius=radius), encoding="utf-8")
    return uwazi_import(
        actor=actor,
        path=tmp_path / "export.csv",
        template="victims",
        mapping_path=tmp_path / "map.yaml",
    )


def _places(kind):
    return [e.place.slug for e in Event.objects.filter(kind=kind).order_by("chain_index")]


def test_a_point_at_a_provincial_capital_means_the_town(gazetteer, actor, tmp_path):
    # North Pyongan's point is its capital Sinuiju's, to the last digit.
    result = _import(actor, tmp_path, "V-1,Kim,2013-04-12,,,40.10056|124.39806\n")

    assert result.problems == []
    assert _places("sighting") == ["sinuiju"]


def test_a_point_is_matched_within_the_radius_and_no_further(gazetteer, actor, tmp_path):
    # About 1.1 km north of the Camp 25 point.
    rows = "V-1,Kim,,,,41.8444|129.7253\n"

    near = _import(actor, tmp_path, rows, radius="2")
    assert near.problems == [] and _places("sighting") == ["kwalliso-no-25-chongjin-camp-25"]

    Event.objects.all().delete()
    far = _import(actor, tmp_path, rows.replace("V-1", "V-2"), radius="0.5")
    assert [(p.row, p.column) for p in far.problems] == [(2, "Last seen")]
    assert "is not within 0.5 km of any place in the gazetteer" in far.problems[0].reason


def test_a_point_never_becomes_a_new_place(gazetteer, actor, tmp_path):
    count = Place.objects.count()

    result = _import(actor, tmp_path, "V-1,Kim,,,,0|0\n")

    assert [p.column for p in result.problems] == ["Last seen"]
    assert Place.objects.count() == count


def test_a_name_the_gazetteer_lacks_becomes_a_place_in_the_country_given(
    gazetteer, actor, tmp_path
):
    result = _import(actor, tmp_path, "V-1,Kim,2013-04-12,Erdaobaihe,,\n")

    assert result.problems == [] and result.places_created == 1
    place = Place.objects.get(name="Erdaobaihe")
    assert (place.country, place.lat) == ("CN", None)


def test_each_place_of_a_multi_value_cell_makes_its_own_event(gazetteer, actor, tmp_path):
    result = _import(actor, tmp_path, 'V-1,Kim,,,"Onsong|Hoeryong",\n')

    assert result.problems == [] and result.events == 2
    assert sorted(_places("detention")) == ["hoeryong", "onsong"]
