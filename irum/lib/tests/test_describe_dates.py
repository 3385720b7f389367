"""EDTF dates in words for readers, in English and Korean (irum.lib.dates.describe)."""

import pytest
from django.utils import translation

from irum.exchange.wgeid import describe_date
from irum.lib.dates import MAX_EDTF_LENGTH, describe, describe_for_reader

WORDS = [
    # EDTF, English, Korean
    ("2013", "2013", "2013년"),
    ("2013-04", "April 2013", "2013년 4월"),
    ("2013-04-05", "5 April 2013", "2013년 4월 5일"),
    ("2013-12-31", "31 December 2013", "2013년 12월 31일"),
    ("2013~", "2013 (approximate)", "2013년경"),
    ("2013?", "2013 (uncertain)", "2013년(불확실)"),
    ("2013%", "2013 (uncertain, approximate)", "2013년경(불확실)"),
    ("2013-04~", "April 2013 (approximate)", "2013년 4월경"),
    ("2013-04?", "April 2013 (uncertain)", "2013년 4월(불확실)"),
    ("2013-04%", "April 2013 (uncertain, approximate)", "2013년 4월경(불확실)"),
    ("2013-04-05~", "5 April 2013 (approximate)", "2013년 4월 5일경"),
    ("2013-04-05?", "5 April 2013 (uncertain)", "2013년 4월 5일(불확실)"),
    ("2013-21", "spring 2013", "2013년 봄"),
    ("2013-22", "summer 2013", "2013년 여름"),
    ("2013-23", "autumn 2013", "2013년 가을"),
    ("2013-24", "winter 2013", "2013년 겨울"),
    ("2013-25", "spring 2013", "2013년 봄"),
    ("198X", "1980s", "1980년대"),
    ("198X~", "1980s (approximate)", "1980년대경"),
    ("198X?", "1980s (uncertain)", "1980년대(불확실)"),
]

INTERVALS = [
    ("2012/2014", "between 2012 and 2014", "2012년~2014년"),
    ("2013-04/2013-06", "between April 2013 and June 2013", "2013년 4월~2013년 6월"),
    (
        "2013-04-05/2013-06-07",
        "between 5 April 2013 and 7 June 2013",
        "2013년 4월 5일~2013년 6월 7일",
    ),
    (
        "2013-04~/2013-06",
        "between April 2013 (approximate) and June 2013",
        "2013년 4월경~2013년 6월",
    ),
    ("2012?/2014~", "between 2012 (uncertain) and 2014 (approximate)", "2012년(불확실)~2014년경"),
    ("2013-21/2013-23", "between spring 2013 and autumn 2013", "2013년 봄~2013년 가을"),
    ("198X/199X", "between the 1980s and the 1990s", "1980년대~1990년대"),
    ("198X/2014", "between the 1980s and 2014", "1980년대~2014년"),
    ("2012/..", "after 2012", "2012년 이후"),
    ("2012/", "after 2012", "2012년 이후"),
    ("2013-04-05~/..", "after 5 April 2013 (approximate)", "2013년 4월 5일경 이후"),
    ("../2014", "before 2014", "2014년 이전"),
    ("/2014", "before 2014", "2014년 이전"),
    ("../2014-06?", "before June 2014 (uncertain)", "2014년 6월(불확실) 이전"),
    ("2013/2013", "2013", "2013년"),
    ("2013-04-05/2013-04-05", "5 April 2013", "2013년 4월 5일"),
]

# Shapes told by their strict bounds, in the coarsest whole unit.
BY_BOUNDS = [
    ("19XX", "between 1900 and 1999", "1900년~1999년"),
    ("2004-XX", "2004", "2004년"),
    ("2004-04-XX", "April 2004", "2004년 4월"),
    ("[2012,2014]", "between 2012 and 2014", "2012년~2014년"),
    ("{2012,2014}", "between 2012 and 2014", "2012년~2014년"),
    ("2013-33", "between January 2013 and March 2013", "2013년 1월~2013년 3월"),
    ("2013-04-05T10:00:00", "5 April 2013", "2013년 4월 5일"),
    ("?2013", "2013 (uncertain)", "2013년(불확실)"),
    ("2013-?04", "April 2013 (uncertain)", "2013년 4월(불확실)"),
    ("2013-04-XX/2014", "between April 2013 and December 2014", "2013년 4월~2014년 12월"),
]

NOT_DATES = [
    "spring 2013",
    "2013-13",
    "2013-02-30",
    "13/04/2013",
    "2014/2012",
    "2013-21~",
    "2012/2014/2016",
    "../..",
    "[..2014]",
    "Y170000002",
    "'; DROP TABLE x;--",
    "<script>alert(1)</script>",
    "\x00",
    "2" * (MAX_EDTF_LENGTH + 1),
]


@pytest.mark.parametrize(("edtf", "english", "korean"), WORDS + INTERVALS + BY_BOUNDS)
def test_it_tells_a_date_in_english(edtf, english, korean):
    assert describe(edtf, "en") == english


@pytest.mark.parametrize(("edtf", "english", "korean"), WORDS + INTERVALS + BY_BOUNDS)
def test_it_tells_a_date_in_korean(edtf, english, korean):
    assert describe(edtf, "ko") == korean


@pytest.mark.parametrize("text", NOT_DATES)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_returns_text_that_is_not_a_date_as_written(text, language):
    assert describe(text, language) == text


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_says_nothing_for_an_empty_date(language):
    assert describe("", language) == ""
    assert describe("   ", language) == ""
    assert describe(None, language) == ""


def test_it_ignores_spaces_around_the_date():
    assert describe("  2013-04~ ", "ko") == "2013년 4월경"


@pytest.mark.parametrize("language", ["ko", "ko-kr", "ko-KR", "KO", "ko_KR"])
def test_it_speaks_korean_for_any_korean_language_code(language):
    assert describe("2013-04", language) == "2013년 4월"


@pytest.mark.parametrize("language", ["en", "en-gb", "fr", "", None])
def test_it_speaks_english_for_any_other_language_code(language):
    assert describe("2013-04", language) == "April 2013"


def test_it_never_takes_the_language_from_the_active_translation():
    with translation.override("ko"):
        assert describe("2013-04~", "en") == "April 2013 (approximate)"


@pytest.mark.parametrize(
    ("language", "words"), [("ko", "2013년 4월경"), ("en", "April 2013 (approximate)")]
)
def test_describe_for_reader_speaks_the_language_of_the_request(language, words):
    with translation.override(language):
        assert describe_for_reader("2013-04~") == words


def test_describe_for_reader_speaks_english_with_translation_off():
    with translation.override(None):
        assert describe_for_reader("2013-04") == "April 2013"


@pytest.mark.parametrize(
    "edtf", [row[0] for row in WORDS + INTERVALS + BY_BOUNDS] + NOT_DATES + [""]
)
def test_the_wgeid_submission_tells_dates_in_the_same_english(edtf):
    with translation.override("ko"):
        assert describe_date(edtf) == describe(edtf, "en")


def _plain_shapes():
    for year in ("1947", "2024"):
        for qualifier in ("", "?", "~", "%"):
            yield year + qualifier
            for month in range(1, 13):
                yield f"{year}-{month:02d}{qualifier}"
                for day in ("01", "15", "28"):
                    yield f"{year}-{month:02d}-{day}{qualifier}"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_plain_date_is_told_in_words_never_as_written(language):
    for edtf in _plain_shapes():
        words = describe(edtf, language)
        # A bare year is the only date that reads the same in English words.
        assert words != edtf or (language == "en" and edtf.isdigit()), edtf
        assert words == describe(f"{edtf}/{edtf}", language), edtf
