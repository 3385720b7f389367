"""Records read with the wrong field key fail loudly through the ORM, in the records and
in their history; the ciphertext is never handed out as if it were the name."""

from __future__ import annotations

import pytest

from irum.archive import services
from irum.archive.models import Person
from irum.vault import keys
from irum.vault.crypto import DecryptionError
from irum.vault.keys import VaultError


@pytest.fixture
def person_under_a(actor, field_keys) -> int:
    field_keys("A")
    case = services.case_create(actor=actor, ref="WK-C")
    return services.person_create(actor=actor, ref="WK-P", case=case, full_name="Pak Son-hui").pk


def test_a_record_under_a_key_that_is_not_configured_raises_and_names_it(
    person_under_a, field_keys
):
    field_keys("C")
    with pytest.raises(VaultError, match="no field key with id 'A' is configured"):
        Person.objects.get(pk=person_under_a)
    with pytest.raises(VaultError, match="'A'"):
        list(Person.history.filter(id=person_under_a))


def test_a_record_under_the_same_key_id_with_other_key_material_raises(person_under_a, monkeypatch):
    monkeypatch.setenv("IRUM_FIELD_KEYS", "A:" + keys.new_key())
    keys.reset()
    with pytest.raises(DecryptionError, match=r"archive\.person\.full_name: .* key is wrong"):
        Person.objects.get(pk=person_under_a)


def test_reading_other_columns_still_works_without_the_key(person_under_a, field_keys):
    field_keys("C")
    # Lists, counts and the public columns never touch the identity.
    assert Person.objects.filter(pk=person_under_a).values_list("ref", flat=True).get() == "WK-P"
    assert Person.objects.defer("full_name").get(pk=person_under_a).ref == "WK-P"
