import datetime as dt

import pytest

from irum.lib.dates import MAX_EDTF_LENGTH, EDTFError, parse

D = dt.date


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("2013", D(2013, 1, 1), D(2013, 12, 31)),
        ("2013-04", D(2013, 4, 1), D(2013, 4, 30)),
        ("2013-04-05", D(2013, 4, 5), D(2013, 4, 5)),
        ("2012/2014", D(2012, 1, 1), D(2014, 12, 31)),
        ("201X", D(2010, 1, 1), D(2019, 12, 31)),
        ("2004-XX", D(2004, 1, 1), D(2004, 12, 31)),
        ("2012-02", D(2012, 2, 1), D(2012, 2, 29)),
    ],
)
def test_it_gives_the_strict_interval_a_date_names(text, lower, upper):
    bounds = parse(text)
    assert (bounds.lower, bounds.upper) == (lower, upper)


@pytest.mark.parametrize("text", ["2013-04~", "2013-04?", "2013-04%"])
def test_qualifiers_are_kept_but_never_widen_the_bounds(text):
    bounds = parse(text)
    assert bounds.text == text
    assert (bounds.lower, bounds.upper) == (D(2013, 4, 1), D(2013, 4, 30))


def test_it_marks_uncertain_and_approximate_dates():
    assert parse("2013?").uncertain and not parse("2013?").approximate
    assert parse("2013~").approximate and not parse("2013~").uncertain


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("2012/..", D(2012, 1, 1), None),
        ("2012/", D(2012, 1, 1), None),
        ("../1990", None, D(1990, 12, 31)),
        ("/1990", None, D(1990, 12, 31)),
    ],
)
def test_an_open_or_unknown_end_is_an_unknown_bound_never_an_invented_one(text, lower, upper):
    bounds = parse(text)
    assert (bounds.lower, bounds.upper) == (lower, upper)


def test_an_empty_date_is_unknown_not_an_error():
    bounds = parse("  ")
    assert not bounds.is_known


@pytest.mark.parametrize(
    "text", ["spring 2013", "2013-13", "13/04/2013", "2013?~x", "'; DROP TABLE x;--", "\x00"]
)
def test_it_rejects_text_that_is_not_edtf_with_examples(text):
    with pytest.raises(EDTFError, match="EDTF"):
        parse(text)


def test_it_rejects_a_paragraph_pasted_as_a_date():
    with pytest.raises(EDTFError, match="characters long"):
        parse("2" * (MAX_EDTF_LENGTH + 1))


def _plain_shapes():
    days = ["", "-01", "-15", "-28", "-29", "-30", "-31"]
    for year in ("1947", "1994", "2000", "2011", "2012", "2024"):
        yield year
        for month in range(1, 13):
            for day in days:
                yield f"{year}-{month:02d}{day}"


def test_the_fast_path_agrees_with_the_edtf_package_on_every_plain_shape():
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    from irum.lib import dates

    def library(text):
        try:
            parsed = parse_edtf(text)
        except EDTFParseException:
            return "invalid"
        return (dates._to_date(parsed.lower_strict()), dates._to_date(parsed.upper_strict()))

    shapes = list(_plain_shapes())
    texts = [*shapes, *(s + q for s in shapes[::7] for q in "?~")]
    texts += [f"{a}/{b}" for a, b in zip(shapes[::11], shapes[5::11], strict=False)]
    texts += [f"{a}~/{b}?" for a, b in zip(shapes[::13], shapes[3::13], strict=False)]
    # One end open or unknown: the bound at that end is unknown, the other end's holds.
    texts += [f"{a}/{end}" for a in shapes[::17] for end in ("", "..")]
    texts += [f"{end}/{b}?" for b in shapes[::19] for end in ("", "..")]
    for text in texts:
        fast = dates._fast(text)
        expected = library(text)
        if fast is None:
            # Not taken by the fast path: the full parser decides (e.g. 2013-02-30).
            continue
        obj, _interval = fast
        got = (dates._to_date(obj.lower_strict()), dates._to_date(obj.upper_strict()))
        assert expected != "invalid", f"fast path accepted {text!r}, the package does not"
        assert got == expected, text
