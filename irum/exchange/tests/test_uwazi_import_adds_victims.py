"""A good Uwazi export of the victims template adds persons, their cases, their custody
events and their sources, with every Uwazi convention read as Uwazi reads it."""

from __future__ import annotations

from pathlib import Path

from irum.archive.models import Case, Event, Person, Source
from irum.exchange.uwazi import title_ref, uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"


def _import(actor, name="victims", template="victims", partner=None):
    return uwazi_import(
        actor=actor,
        path=FIXTURES / f"{name}.csv",
        template=template,
        mapping_path=FIXTURES / f"{name}.yaml",
        partner=partner,
    )


def test_it_imports_every_victim_row_into_the_partners_cases(gazetteer, personas):
    result = _import(personas["alice"], partner=personas["partner_a"])

    assert result.problems == []
    assert (result.cases, result.persons, result.events, result.sources) == (2, 3, 5, 2)
    assert result.places_created == 0
    assert Person.objects.count() == 3
    assert {c.owner for c in Case.objects.all()} == {personas["partner_a"]}
    history = Person.objects.get(ref="V-0001").history.get()
    assert history.history_user == personas["alice"]


def test_it_reads_the_title_and_the_property_columns_into_the_person(gazetteer, actor):
    _import(actor)

    kim = Person.objects.get(ref="V-0001")
    assert (kim.full_name, kim.full_name_ko) == ("Kim Chol-su", "김철수")
    assert (kim.sex, kim.birth_year, kim.status) == ("male", 1968, "missing")
    assert kim.home_province.slug == Person.objects.get(ref="V-0002").home_province.slug


def test_it_splits_multi_values_on_the_bar(gazetteer, actor):
    _import(actor)

    assert Person.objects.get(ref="V-0001").aliases == "Kim Chul-soo; Chol"


def test_it_maps_thesaurus_values_through_the_mapping(gazetteer, actor):
    _import(actor)

    assert Person.objects.get(ref="V-0002").status == "detained"
    arrest = Event.objects.get(person__ref="V-0003", kind="arrest")
    assert arrest.agency.slug == "nk-state-security"


def test_it_makes_custody_events_with_dates_and_places(gazetteer, actor):
    _import(actor)

    chain = [
        (e.kind, e.date, e.place.slug, e.custody_acknowledged)
        for e in Event.objects.filter(person__ref="V-0001").order_by("chain_index")
    ]
    assert chain == [
        ("arrest", "2013-04-12", "tumen", "unknown"),
        ("detention", "2013-04-15/2013-06-30", "kwalliso-no-25-chongjin-camp-25", "not_disclosed"),
    ]


def test_it_keeps_an_open_date_range_open_and_a_bare_year_a_year(gazetteer, actor):
    _import(actor)

    assert Event.objects.get(person__ref="V-0002", kind="detention").date == "2013-04-15/.."
    assert Event.objects.get(person__ref="V-0003", kind="arrest").date == "2016"


def test_it_matches_a_geolocation_to_the_nearest_gazetteer_place(gazetteer, actor):
    _import(actor)

    detention = Event.objects.get(person__ref="V-0002", kind="detention")
    assert detention.place.slug == "kwalliso-no-16-hwasong-camp-16"


def test_it_skips_an_event_whose_columns_are_all_empty(gazetteer, actor):
    _import(actor)

    assert list(Event.objects.filter(person__ref="V-0003").values_list("kind", flat=True)) == [
        "arrest"
    ]


def test_it_keeps_quotes_commas_and_newlines_inside_a_cell(gazetteer, actor):
    _import(actor)

    source = Source.objects.get(ref="V-0001-source")
    assert source.content_restricted == (
        'His sister said: "he went to sell herbs, and the police took him".\nNo word since.'
    )
    assert source.kind == "testimony"
    assert set(source.events.values_list("kind", flat=True)) == {"arrest", "detention"}


def test_it_groups_victims_of_one_case_and_keeps_the_case_title(gazetteer, actor):
    _import(actor)

    case = Case.objects.get(ref=title_ref("cases", "Tumen arrests 2013"))
    assert case.title == "Tumen arrests 2013"
    assert case.confidentiality == "partners"
    assert sorted(case.persons.values_list("ref", flat=True)) == ["V-0001", "V-0002"]


def test_it_skips_rows_of_other_uwazi_templates_and_says_so(gazetteer, actor):
    result = _import(actor)

    assert "1 row of another Uwazi template (not Victim) was skipped" in result.warnings
    assert "Tumen arrests 2013" not in {p.full_name for p in Person.objects.all()}


def test_it_names_the_columns_it_did_not_read(gazetteer, actor):
    result = _import(actor)

    assert "columns not in the mapping, not read: Date added, Published" in result.warnings


def test_victims_join_the_cases_an_earlier_cases_import_made(gazetteer, actor):
    cases = _import(actor, "cases", template="cases")
    victims = _import(actor)

    assert (cases.problems, victims.problems) == ([], [])
    assert (cases.cases, victims.cases) == (2, 0)
    tumen = Case.objects.get(title="Tumen arrests 2013")
    assert tumen.summary_public.startswith("Two relatives arrested in Tumen, April 2013;")
    assert (tumen.reported_on, tumen.verification) == ("2014-02-03", "corroborated")
    assert tumen.persons.count() == 2
