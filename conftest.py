"""Shared fixtures: the loaded gazetteer, the actor, and the personas (DESIGN.md, Testing)."""

from __future__ import annotations

import base64
import os

import pytest

# Field-encryption keys for the test run: random each run, never in the repository.
os.environ.setdefault("IRUM_FIELD_KEYS", "test1:" + base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("IRUM_BLIND_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())


@pytest.fixture
def gazetteer(db):
    from irum.gazetteer.services import gazetteer_load

    return gazetteer_load(actor=None)


@pytest.fixture
def actor(db):
    from irum.archive.actors import system_actor

    return system_actor()
