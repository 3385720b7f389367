"""Shared fixtures: the loaded gazetteer, the actor, and the personas (DESIGN.md, Testing)."""

from __future__ import annotations

import pytest


@pytest.fixture
def gazetteer(db):
    from irum.gazetteer.services import gazetteer_load

    return gazetteer_load(actor=None)


@pytest.fixture
def actor(db):
    from irum.archive.actors import system_actor

    return system_actor()
