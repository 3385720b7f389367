"""The threshold comes from settings.IRUM_PUBLIC_MIN_COUNT (default 5)."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from irum.reports.suppression import suppress
from irum.reports.tests.figure_builders import figures_of
from irum.reports.tests.test_suppression import many


def test_the_default_threshold_is_five():
    assert settings.IRUM_PUBLIC_MIN_COUNT == 5


@override_settings(IRUM_PUBLIC_MIN_COUNT=10)
def test_a_higher_threshold_from_the_settings_hides_more():
    public = suppress(figures_of(many(30) + many(9, sex="female") + many(10, sex="unknown")))
    assert public.threshold == 10
    assert public.sex == {"male": 30, "female": None, "unknown": None}
    assert "Counts below 10 are not shown" in public.note


@override_settings(IRUM_PUBLIC_MIN_COUNT=2)
def test_a_lower_threshold_from_the_settings_shows_more():
    public = suppress(figures_of(many(30) + many(2, sex="female") + many(1, sex="unknown")))
    # unknown (1) is hidden, and female (2), as the smallest other part, with it.
    assert public.sex == {"male": 30, "female": None, "unknown": None}
    public = suppress(figures_of(many(30) + many(2, sex="female") + many(3, sex="unknown")))
    assert public.sex == {"male": 30, "female": 2, "unknown": 3}


def test_an_explicit_threshold_overrides_the_setting():
    public = suppress(figures_of(many(30) + many(6, sex="female")), threshold=7)
    assert public.sex["female"] is None
    assert "Counts below 7" in public.note
