import pytest

from irum.lib.text import fold, loose


@pytest.mark.parametrize("variant", ["Hoeryŏng", "HOERYONG", "hoe-ryong", "Hoe ryong"])
def test_fold_ignores_case_diacritics_and_punctuation(variant):
    assert fold(variant) == "hoeryong"


def test_fold_keeps_hangul_comparable_with_itself():
    assert fold("회령") == fold(" 회령 ") == "회령"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoeryong", "Hoiryeong"),
        ("Ch'ŏngjin", "Cheongjin"),
        ("Sinuiju", "Shinuiju"),
        ("Onsŏng", "Onseong"),
        ("Kaechon", "Gaecheon"),
        ("Pukch'ang", "Bukchang"),
    ],
)
def test_loose_merges_mccune_reischauer_and_revised_romanization(a, b):
    assert loose(a) == loose(b)


def test_loose_still_tells_different_towns_apart():
    assert loose("Hoeryong") != loose("Hyesan")
    assert loose("Musan") != loose("Manpo")
