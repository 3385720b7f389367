import csv

from irum.gazetteer.models import Agency, Place, PlaceKind, Precision
from irum.gazetteer.services import DATA_DIR, gazetteer_load


def test_it_loads_every_sourced_row_with_its_source(gazetteer):
    with (DATA_DIR / "gazetteer.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 50
    assert Place.objects.exclude(kind=PlaceKind.PROVINCE).count() == 50
    for row in rows:
        place = Place.objects.get(name=row["name"])
        assert place.source == row["source"]


def test_it_never_invents_coordinates(gazetteer):
    with (DATA_DIR / "gazetteer.csv").open(encoding="utf-8") as fh:
        without = [r["name"] for r in csv.DictReader(fh) if not r["lat"]]
    for name in without:
        place = Place.objects.get(name=name)
        assert place.lat is None and place.lon is None
        assert place.precision == Precision.UNKNOWN


def test_a_place_without_coordinates_falls_back_to_its_parent_and_is_approximate(gazetteer):
    onsong_mss = Place.objects.get(slug="onsong-mss-holding-detention-centre")
    point = onsong_mss.point()
    assert point.approximate is True
    assert point.via == "onsong"
    assert (point.lat, point.lon) == (42.95722, 129.99333)


def test_a_place_without_a_parent_falls_back_to_its_province(gazetteer):
    yodok = Place.objects.get(slug="kwalliso-no-15-yodok-camp-15")
    point = yodok.point()
    assert point.approximate is True
    assert point.via == "south-hamgyong"


def test_it_adds_the_north_korean_provinces(gazetteer):
    provinces = set(Place.objects.filter(kind=PlaceKind.PROVINCE).values_list("name", flat=True))
    assert {"North Hamgyong", "Ryanggang", "South Pyongan", "Chagang", "Kangwon"} <= provinces


def test_it_adds_the_agencies_with_their_former_names(gazetteer):
    mps = Agency.objects.get(slug="nk-social-security")
    former = mps.names.get(name="Ministry of People's Security")
    assert former.valid_to == 2020
    assert Agency.objects.get(slug="cn-border-defence").parent.slug == "cn-public-security"


def test_loading_twice_changes_nothing(gazetteer):
    ids = dict(Place.objects.values_list("slug", "pk"))
    gazetteer_load(actor=None)
    assert dict(Place.objects.values_list("slug", "pk")) == ids
