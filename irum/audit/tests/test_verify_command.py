from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from irum.audit.tests.helpers import disable_audit_triggers, make_chain, raw_sql

pytestmark = pytest.mark.django_db


def test_it_reports_a_sound_log():
    make_chain(4)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit log verified: 4 entries" in out.getvalue()


def test_it_verifies_an_empty_log():
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit log verified: 0 entries" in out.getvalue()


def test_it_names_the_first_bad_entry():
    make_chain(5)
    disable_audit_triggers()
    raw_sql("UPDATE audit_auditentry SET reason = 'edited' WHERE seq = 2")
    raw_sql("DELETE FROM audit_auditentry WHERE seq = 4")
    with pytest.raises(CommandError, match="broken at entry 2: hash does not match its contents"):
        call_command("audit", "verify")


def test_it_exits_non_zero_when_the_log_is_broken(capsys):
    make_chain(3)
    disable_audit_triggers()
    raw_sql("DELETE FROM audit_auditentry WHERE seq = 2")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["irum", "audit", "verify"]).execute()
    assert exit_info.value.code == 1
    assert "entry 2 is missing" in capsys.readouterr().err


def test_it_exits_zero_when_the_log_is_sound(capsys):
    make_chain(3)
    ManagementUtility(["irum", "audit", "verify"]).execute()  # no SystemExit
    assert "Audit log verified: 3 entries" in capsys.readouterr().out
