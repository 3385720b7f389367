"""A person's route: stops and legs built from the custody chain in chain order."""

from __future__ import annotations

import datetime as dt

from irum.routes.routes import Step, build


def step(index, kind, place, date="", lower=None, upper=None, agency=None):
    return Step(1, index, kind, date, lower, upper, place, agency)


def test_it_joins_consecutive_distinct_places_in_chain_order():
    stops, legs, unplaced = build(
        [
            step(0, "arrest", 10, "2013-04", dt.date(2013, 4, 1), dt.date(2013, 4, 30), 7),
            step(1, "repatriation", 20, "2013-05~", dt.date(2013, 5, 1), dt.date(2013, 5, 31), 8),
            step(2, "transfer", 30, "2013", dt.date(2013, 1, 1), dt.date(2013, 12, 31), 9),
        ]
    )
    assert [stop.place_id for stop in stops] == [10, 20, 30]
    assert [(leg.number, leg.from_place_id, leg.to_place_id) for leg in legs] == [
        (1, 10, 20),
        (2, 20, 30),
    ]
    first = legs[0]
    # The leg's date, agency and kind are those of the step that brought the person there.
    assert (first.from_date, first.to_date) == ("2013-04", "2013-05~")
    assert (first.date_lower, first.date_upper) == (dt.date(2013, 5, 1), dt.date(2013, 5, 31))
    assert (first.agency_id, first.kind) == (8, "repatriation")
    assert unplaced == []


def test_it_keeps_an_uncertain_date_as_written():
    _, legs, _ = build([step(0, "arrest", 1, "2012/2014"), step(1, "detention", 2, "201X?")])
    assert legs[0].from_date == "2012/2014"
    assert legs[0].to_date == "201X?"


def test_it_makes_one_stop_of_repeated_events_at_one_place():
    stops, legs, _ = build(
        [
            step(0, "arrest", 1, "2010"),
            step(1, "detention", 2, "2010"),
            step(2, "interrogation", 2, "2011"),
            step(3, "trial", 2, "2011"),
            step(4, "transfer", 3, "2012"),
        ]
    )
    assert [(s.number, s.place_id, s.kinds) for s in stops] == [
        (1, 1, ("arrest",)),
        (2, 2, ("detention", "interrogation", "trial")),
        (3, 3, ("transfer",)),
    ]
    assert (stops[1].date_first, stops[1].date_last) == ("2010", "2011")
    # The leg out of the repeated stop starts from its last event.
    assert legs[1].from_date == "2011"
    assert legs[0].kinds == ("detention", "interrogation", "trial")


def test_it_makes_a_return_to_an_earlier_place_a_new_leg():
    stops, legs, _ = build([step(0, "arrest", 1), step(1, "transfer", 2), step(2, "transfer", 1)])
    assert [s.place_id for s in stops] == [1, 2, 1]
    assert [(leg.from_place_id, leg.to_place_id) for leg in legs] == [(1, 2), (2, 1)]


def test_it_goes_past_an_event_with_no_place_and_keeps_it_in_the_chain():
    stops, legs, unplaced = build(
        [
            step(0, "arrest", 1, "2015"),
            step(1, "interrogation", None, "2015"),
            step(2, "detention", 2, "2016"),
        ]
    )
    assert [(leg.from_place_id, leg.to_place_id) for leg in legs] == [(1, 2)]
    assert [(s.kind, s.date) for s in unplaced] == [("interrogation", "2015")]
    assert len(stops) == 2


def test_it_does_not_break_a_stop_on_an_unplaced_event_between_two_at_the_same_place():
    stops, legs, unplaced = build(
        [step(0, "detention", 5), step(1, "sighting", None), step(2, "trial", 5)]
    )
    assert len(stops) == 1 and legs == [] and len(unplaced) == 1


def test_it_gives_no_leg_for_a_single_place_or_an_empty_chain():
    assert build([step(0, "arrest", 1)])[1] == []
    assert build([]) == ([], [], [])
