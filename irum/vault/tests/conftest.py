"""Fixtures for tests that change the field keys part-way through."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from irum.vault import keys


@pytest.fixture
def field_keys(monkeypatch) -> Iterator[Callable[..., None]]:
    """`field_keys("B", "A")` configures those key ids, the first one active. Each id
    gets one random key for the whole test, so "A" is the same key every time it is
    named."""
    material: dict[str, str] = {}

    def use(*ids: str) -> None:
        for key_id in ids:
            material.setdefault(key_id, keys.new_key())
        monkeypatch.setenv("IRUM_FIELD_KEYS", ",".join(f"{i}:{material[i]}" for i in ids))
        keys.reset()

    yield use
    # Before monkeypatch puts the suite's keys back: the next read loads those.
    keys.reset()
