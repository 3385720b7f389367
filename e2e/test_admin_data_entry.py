"""A documenter enters a whole case in the admin: the case, a person and the person's
custody chain, on one screen, in a real browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, name: str, search: str, expected: str) -> None:
    """Pick an option in an admin autocomplete (select2) box, by typing as a user does."""
    page.locator(f"select[name='{name}'] + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=expected).first.click()


def test_it_saves_a_case_with_its_person_and_events_from_one_screen(page, live_server, staff_login):
    from irum.archive.models import Case, Event
    from irum.gazetteer.models import Agency, Place
    from irum.gazetteer.services import gazetteer_load

    gazetteer_load(actor=None)
    user = staff_login()
    tumen = Place.objects.get(slug="tumen-border-detention-centre")
    onsong_mss = Place.objects.get(slug="onsong-mss-holding-detention-centre")
    psb = Agency.objects.get(slug="cn-public-security")
    mss = Agency.objects.get(slug="nk-state-security")
    assert psb and mss

    page.goto(f"{live_server.url}/admin/archive/case/add/")
    page.fill("#id_ref", "E2E-1")
    page.fill("#id_title", "Arrested in Tumen")
    page.fill("#id_reported_on", "2021-03")
    page.click("text=Add another Person")
    page.fill("input[name='persons-0-ref']", "E2E-P1")
    page.fill("input[name='persons-0-pseudonym']", "Ms A")
    page.select_option("select[name='persons-0-sex']", "female")
    page.fill("input[name='persons-0-birth_year']", "1990")
    page.fill("input[name='persons-0-full_name_ko']", "김가명")
    page.click(".djn-model-archive-event.djn-add-handler")
    page.click(".djn-model-archive-event.djn-add-handler")
    # Entered out of order on purpose: the chain follows seq, not the order typed.
    page.fill("input[name='persons-0-events-0-seq']", "2")
    page.select_option("select[name='persons-0-events-0-kind']", "detention")
    page.fill("input[name='persons-0-events-0-date']", "2013-05~")
    choose(page, "persons-0-events-0-place", "Onseong MSS", "Onsong MSS holding")
    choose(page, "persons-0-events-0-agency", "bowibu", "Ministry of State Security")
    page.fill("input[name='persons-0-events-1-seq']", "1")
    page.select_option("select[name='persons-0-events-1-kind']", "arrest")
    page.fill("input[name='persons-0-events-1-date']", "2013-04")
    choose(page, "persons-0-events-1-place", "투먼", "Tumen border detention")
    choose(page, "persons-0-events-1-agency", "PSB", "Public Security")
    page.click("input[name='_save']")
    page.wait_for_url(f"{live_server.url}/admin/archive/case/")

    case = Case.objects.get(ref="E2E-1")
    person = case.persons.get()
    assert person.full_name_ko == "김가명"
    chain = list(Event.objects.filter(person=person).order_by("chain_index"))
    assert [(e.kind, e.date, e.place_id) for e in chain] == [
        ("arrest", "2013-04", tumen.pk),
        ("detention", "2013-05~", onsong_mss.pk),
    ]
    assert str(chain[1].date_lower) == "2013-05-01" and str(chain[1].date_upper) == "2013-05-31"
    assert case.history.get().history_user == user
    assert {h.history_user for h in Event.history.all()} == {user}


def test_it_shows_a_bad_date_as_a_form_error_not_a_crash(page, live_server, staff_login):
    from irum.archive.models import Case
    from irum.gazetteer.services import gazetteer_load

    gazetteer_load(actor=None)
    staff_login()
    page.goto(f"{live_server.url}/admin/archive/case/add/")
    page.fill("#id_ref", "E2E-2")
    page.click("text=Add another Person")
    page.fill("input[name='persons-0-ref']", "E2E-P2")
    page.click(".djn-model-archive-event.djn-add-handler")
    page.select_option("select[name='persons-0-events-0-kind']", "arrest")
    page.fill("input[name='persons-0-events-0-date']", "spring 2013")
    page.click("input[name='_save']")
    page.locator(".errornote").wait_for()
    assert page.locator(".errorlist", has_text="is not an EDTF date").is_visible()
    assert not Case.objects.filter(ref="E2E-2").exists()
