"""An Uwazi import is recorded in the audit log once, as the workbook import is: who,
for which partner, from which file, how many records; never a name from the file."""

from __future__ import annotations

from pathlib import Path

from irum.audit.models import AuditEntry
from irum.exchange.uwazi import uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"


def _import(personas, dry_run=False):
    return uwazi_import(
        actor=personas["alice"],
        path=FIXTURES / "victims.csv",
        template="victims",
        mapping_path=FIXTURES / "victims.yaml",
        partner=personas["partner_a"],
        dry_run=dry_run,
    )


def test_the_import_writes_one_audit_entry_for_its_actor_and_partner(gazetteer, personas):
    _import(personas)

    entry = AuditEntry.objects.get(kind="import", record_type="exchange.workbook")
    assert (entry.actor, entry.partner) == (personas["alice"], personas["partner_a"])
    assert entry.record_id == "victims.csv (Uwazi, victims)"
    assert entry.summary == (
        "import victims.csv (Uwazi, victims): 2 cases, 3 persons, 5 events, 2 sources"
    )
    assert "Kim" not in str(entry.changes) + entry.summary
    assert "김" not in str(entry.changes) + entry.summary


def test_a_dry_run_and_a_refused_import_write_no_audit_entry(gazetteer, personas):
    _import(personas, dry_run=True)
    uwazi_import(
        actor=personas["bob"],
        path=FIXTURES / "victims.csv",
        template="victims",
        mapping_path=FIXTURES / "victims.yaml",
        partner=personas["partner_a"],
    )

    assert not AuditEntry.objects.filter(kind="import", record_type="exchange.workbook").exists()
