import re

import pytest
from django.core.exceptions import ValidationError

from irum.archive import services
from irum.archive.models import Case


def test_it_gives_a_random_public_id_never_derived_from_the_ref(db, actor):
    a = services.case_create(actor=actor, ref="KIM-2013-001")
    b = services.case_create(actor=actor, ref="KIM-2013-002")
    assert re.fullmatch(r"C[0-9A-HJKMNP-TV-Z]{8}", a.public_id)
    assert a.public_id != b.public_id
    assert "KIM" not in a.public_id


def test_it_refuses_a_duplicate_ref(db, actor):
    services.case_create(actor=actor, ref="R1")
    with pytest.raises(ValidationError):
        services.case_create(actor=actor, ref="R1")
    assert Case.objects.count() == 1


def test_it_validates_the_reported_date(db, actor):
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=actor, ref="R2", reported_on="yesterday")
    assert "reported_on" in exc.value.message_dict


def test_every_change_is_kept_in_history(db, actor):
    case = services.case_create(actor=actor, ref="R3", title="first")
    services.case_update(actor=actor, case=case, title="second", confidentiality="partners")
    titles = list(case.history.order_by("history_date").values_list("title", flat=True))
    assert titles == ["first", "second"]
