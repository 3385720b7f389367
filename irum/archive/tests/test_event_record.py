import pytest
from django.core.exceptions import ValidationError

from irum.archive import services
from irum.archive.models import Event


@pytest.fixture
def person(gazetteer, actor):
    case = services.case_create(actor=actor, ref="C1", title="t")
    return services.person_create(actor=actor, ref="P1", case=case, reason="religion")


def test_it_keeps_the_chain_in_seq_then_date_then_entry_order(actor, person):
    undated = services.event_record(actor=actor, person=person, kind="sighting")
    late = services.event_record(actor=actor, person=person, kind="transfer", date="2016")
    early = services.event_record(actor=actor, person=person, kind="detention", date="2014~")
    first = services.event_record(actor=actor, person=person, kind="arrest", date="2020", seq=1)
    chain = list(Event.objects.filter(person=person).order_by("chain_index"))
    assert chain == [first, early, late, undated]


def test_it_stores_the_strict_bounds_of_the_edtf_date(actor, person):
    event = services.event_record(actor=actor, person=person, kind="arrest", date="2013-04~")
    assert (str(event.date_lower), str(event.date_upper)) == ("2013-04-01", "2013-04-30")


def test_it_rejects_a_bad_date_and_writes_nothing(actor, person):
    with pytest.raises(ValidationError) as exc:
        services.event_record(actor=actor, person=person, kind="arrest", date="last spring")
    assert "date" in exc.value.message_dict
    assert not Event.objects.exists()


def test_it_rejects_an_unknown_kind(actor, person):
    with pytest.raises(ValidationError):
        services.event_record(actor=actor, person=person, kind="vanished")
    assert not Event.objects.exists()


def test_it_records_the_actor_on_every_history_row(actor, person):
    event = services.event_record(actor=actor, person=person, kind="arrest", date="2013")
    services.event_update(actor=actor, event=event, date="2013-05", change_reason="testimony 2")
    history = list(event.history.order_by("history_date"))
    assert [h.date for h in history] == ["2013", "2013-05"]
    assert {h.history_user for h in history} == {actor}
    assert history[-1].history_change_reason == "testimony 2"


def test_moving_an_event_renumbers_the_whole_chain(actor, person):
    a = services.event_record(actor=actor, person=person, kind="arrest", date="2013")
    b = services.event_record(actor=actor, person=person, kind="detention", date="2014")
    services.event_update(actor=actor, event=b, date="2012")
    chain = list(Event.objects.filter(person=person).order_by("chain_index"))
    assert chain == [b, a]
