import pytest

from irum.gazetteer.lookup import Ambiguous, NotFound, find_agency, find_place


@pytest.mark.parametrize(
    "query", ["Hoeryong", "Hoeryŏng", "Hoiryeong", "회령", "HOERYONG", "hoe-ryong"]
)
def test_it_finds_hoeryong_by_every_variant(gazetteer, query):
    assert find_place(query).slug == "hoeryong"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Camp 14", "kwalliso-no-14-kaechon-camp-14"),
        ("Yodŏk", "kwalliso-no-15-yodok-camp-15"),
        ("Cheongjin", "chongjin"),
        ("Ch'ŏngjin", "chongjin"),
        ("Shinuiju", "sinuiju"),
        ("함경북도", "north-hamgyong"),
        ("Hamgyeongbuk-do", "north-hamgyong"),
        ("Onseong", "onsong"),
    ],
)
def test_it_finds_places_in_hangul_and_any_romanisation(gazetteer, query, slug):
    assert find_place(query).slug == slug


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("bowibu", "nk-state-security"),
        ("국가보위성", "nk-state-security"),
        ("SSD", "nk-state-security"),
        ("Ministry of People's Security", "nk-social-security"),
        ("anjeonbu", "nk-social-security"),
        ("사회안전성", "nk-social-security"),
        ("PSB", "cn-public-security"),
        ("Border Guard", "nk-border-guard"),
        ("KPA Security Bureau", "kpa-security-bureau"),
        ("비사그루빠", "nk-non-socialist-group"),
        ("FSB", "ru-fsb"),
        ("Federal Migration Service", "ru-migration"),
        ("nk-state-security", "nk-state-security"),
    ],
)
def test_it_finds_agencies_by_their_name_variants(gazetteer, query, slug):
    assert find_agency(query).slug == slug


def test_it_refuses_to_guess_which_body_mss_means(gazetteer):
    with pytest.raises(Ambiguous) as exc:
        find_agency("MSS")
    assert set(exc.value.candidates) == {"nk-state-security", "nk-social-security"}


def test_it_says_when_a_place_is_unknown(gazetteer):
    with pytest.raises(NotFound):
        find_place("Atlantis")


def test_a_remembered_miss_does_not_grow_its_traceback(gazetteer):
    import traceback

    from irum.gazetteer.lookup import place_index

    index = place_index()
    depths = []
    for _ in range(3):
        try:
            index.find("Atlantis")
        except NotFound as exc:
            depths.append(len(traceback.extract_tb(exc.__traceback__)))
    assert depths[0] == depths[1] == depths[2]
