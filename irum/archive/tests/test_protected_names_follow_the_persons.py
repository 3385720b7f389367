"""Every name a person is known by (full name, Hangul name, each alias) has a blind-index
digest in ProtectedName, kept in step by the services and the importer, so that comment
moderation finds the names without decrypting them."""

from __future__ import annotations

from irum.archive import services
from irum.archive.models import Person, ProtectedName
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import write_workbook
from irum.vault.crypto import blind_index


def digests(person) -> set[str]:
    return set(ProtectedName.objects.filter(person=person).values_list("digest", flat=True))


def test_a_new_person_has_a_digest_for_each_name_and_alias(db, actor):
    case = services.case_create(actor=actor, ref="C1")
    person = services.person_create(
        actor=actor,
        ref="P1",
        case=case,
        full_name="Pak Sun-hui",
        full_name_ko="박순희",
        aliases="Sunny Pak; 순이 ;",
    )
    assert digests(person) == {
        blind_index(n) for n in ("Pak Sun-hui", "박순희", "Sunny Pak", "순이")
    }
    assert not any("Pak" in d or "박" in d for d in digests(person))


def test_an_edit_replaces_the_digests_of_names_no_longer_used(db, actor):
    case = services.case_create(actor=actor, ref="C1")
    person = services.person_create(
        actor=actor, ref="P1", case=case, full_name="Old Name", aliases="Alias One"
    )
    services.person_update(actor=actor, person=person, full_name="New Name", aliases="")
    assert digests(person) == {blind_index("New Name")}


def test_a_person_without_names_has_no_digest(db, actor):
    case = services.case_create(actor=actor, ref="C1")
    person = services.person_create(actor=actor, ref="P1", case=case, pseudonym="Ri A.")
    assert digests(person) == set()


def test_imported_persons_get_their_digests(gazetteer, actor, tmp_path):
    result = workbook_import(actor=actor, path=write_workbook(tmp_path / "book"))
    assert result.problems == []
    for person in Person.objects.all():
        expected = services.name_digests(person.full_name, person.full_name_ko, person.aliases)
        assert digests(person) == expected
    assert ProtectedName.objects.exists()
