"""The gazetteer, loaded once for all exchange tests instead of once per test.

Almost every test here imports a workbook that names real places and agencies, and
loading the gazetteer costs more than the import itself (most of the suite's time on
PostgreSQL). As Django's `setUpTestData` does for a class, the rows are loaded once inside
an outer transaction; each test runs in a savepoint within it, and the whole lot is rolled
back when the package is done, so no other test sees them. (A test here that needs
`transactional_db` would flush the tables under that transaction: use the plain `db`.)
"""

from __future__ import annotations

import pytest
from django.db import transaction


@pytest.fixture(scope="package")
def _shared_gazetteer(django_db_setup, django_db_blocker):
    from irum.gazetteer.services import gazetteer_load

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            result = gazetteer_load(actor=None)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield result
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def gazetteer(_shared_gazetteer, db):
    return _shared_gazetteer
