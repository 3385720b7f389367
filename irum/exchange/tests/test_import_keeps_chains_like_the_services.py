"""The importer writes rows directly (irum/exchange/bulk.py); what it derives, chain order
and the first deprivation of liberty, must be exactly what the services would derive."""

from irum.archive.models import Event, Person
from irum.archive.services import person_reorder_events
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import write_workbook


def test_imported_chains_match_what_the_services_compute(gazetteer, actor, tmp_path):
    result = workbook_import(actor=actor, path=write_workbook(tmp_path))
    assert result.ok and result.persons

    imported = {
        p.pk: (
            p.first_deprivation_id,
            list(p.events.order_by("chain_index").values_list("pk", flat=True)),
        )
        for p in Person.objects.all()
    }
    for person in Person.objects.all():
        person_reorder_events(actor=actor, person=person)
    recomputed = {
        p.pk: (
            p.first_deprivation_id,
            list(p.events.order_by("chain_index").values_list("pk", flat=True)),
        )
        for p in Person.objects.all()
    }
    assert imported == recomputed
    assert any(fdl for fdl, _chain in imported.values())


def test_every_imported_row_has_its_creation_in_history(gazetteer, actor, tmp_path):
    workbook_import(actor=actor, path=write_workbook(tmp_path))
    for model in (Person, Event):
        history = model.history.filter(history_type="+")
        assert history.count() == model.objects.count()
        assert set(history.values_list("history_user", flat=True)) == {actor.pk}
        assert all(
            r.startswith("import ") for r in history.values_list("history_change_reason", flat=True)
        )
