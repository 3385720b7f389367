"""`irum map`: who may draw which map, what it writes, and how it fails.

The world: a public case of partner A (two persons, Hyesan → Camp 16) and a restricted
case of partner A (one person, Hyesan → Camp 25, under a canary pseudonym). Camp 25
and the canary appear in no public record, so finding either in an image is a leak.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from irum.archive import services
from irum.audit.models import AuditEntry
from irum.reports.tests.builders import person_with_chain

CANARY = "Canary QZR7"
SECRET_PLACE = "Kwalliso No. 25"


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    # Autouse, so it runs before `personas` creates four users: argon2 is slow on purpose,
    # and these tests are about maps, not passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(gazetteer, actor, personas, settings):
    # One person suffices for a flow to show on the public map in these tests; the
    # default threshold has a test of its own.
    settings.IRUM_PUBLIC_MIN_COUNT = 1
    cases = {}
    for label, confidentiality, camp, pseudonyms in (
        ("public", "public", "kwalliso-no-16-hwasong-camp-16", ["Public QX1", "Public QX2"]),
        ("restricted", "restricted", "kwalliso-no-25-chongjin-camp-25", [CANARY]),
    ):
        case = services.case_create(
            actor=actor,
            ref=f"case-{label}",
            owner=personas["partner_a"],
            confidentiality=confidentiality,
        )
        for pseudonym in pseudonyms:
            person_with_chain(
                actor,
                ("arrest", "2014-04", "hyesan", "nk-state-security"),
                ("transfer", "2014-06", camp, "nk-state-security"),
                case=case,
                pseudonym=pseudonym,
            )
        cases[label] = case
    return cases


def draw(tmp_path: Path, *args: str, name: str = "map.svg") -> tuple[Path, str]:
    out = tmp_path / name
    stdout = io.StringIO()
    call_command("map", "--out", str(out), *args, stdout=stdout)
    return out, stdout.getvalue()


def words(path: Path) -> str:
    root = ET.parse(path).getroot()  # raises on anything that is not well-formed XML
    return " | ".join(el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}text"))


def map_exports():
    return AuditEntry.objects.filter(kind="export", record_type="routes.map")


def test_it_draws_what_the_actor_may_see_and_audits_it_as_an_export(world, tmp_path, personas):
    out, stdout = draw(tmp_path, "--actor", "alice")
    text = words(out)
    assert (
        "Transfer routes" in text
        and SECRET_PLACE in text
        and "Hyesan (city reference) 혜산 (3)" in text
    )
    assert str(out) in stdout and "svg" in stdout and "2 of 2 flows drawn" in stdout
    entry = map_exports().get()
    assert entry.actor == personas["alice"] and entry.partner == personas["partner_a"]
    assert entry.changes == {"filters": {}, "format": "svg", "flows": 2}


def test_restricted_flows_never_reach_carol_or_the_public_map(world, tmp_path):
    out, stdout = draw(tmp_path, "--actor", "carol", name="carol.svg")
    assert SECRET_PLACE not in words(out) and "Hyesan (city reference) 혜산 (2)" in words(out)
    assert "1 of 1 flows drawn" in stdout
    out, stdout = draw(tmp_path, "--public", name="public.svg")
    assert SECRET_PLACE not in words(out) and "Hyesan (city reference) 혜산 (2)" in words(out)
    assert "1 of 1 flows drawn" in stdout


def test_restricted_routes_never_reach_carol_or_the_public_map(world, tmp_path):
    out, _ = draw(tmp_path, "--actor", "alice", "--routes", name="alice.svg")
    assert CANARY in words(out)  # the canary is drawn where it may be
    for who in (["--actor", "carol"], ["--public"]):
        out, _ = draw(tmp_path, *who, "--routes", name="other.svg")
        text = words(out)
        assert "Public QX1" in text
        assert CANARY not in text and SECRET_PLACE not in text
    # Asked for by its id, the restricted case draws nothing for the public.
    case = world["restricted"].public_id
    out, _ = draw(tmp_path, "--public", "--routes", "--case", case, name="case.svg")
    assert "No routes match these filters" in words(out) and CANARY not in words(out)


def test_it_refuses_an_actor_who_is_no_partner_member(personas, tmp_path):
    with pytest.raises(CommandError, match="dave is not a member of any partner"):
        draw(tmp_path, "--actor", "dave")
    assert not (tmp_path / "map.svg").exists()


def test_it_refuses_a_bad_actor(personas, tmp_path):
    get_user_model().objects.create_user("erin", password="erin-long-test-pass", is_active=False)
    for args, message in (
        ([], "--actor: name the partner member"),
        (["--actor", "nobody"], "No user named 'nobody'"),
        (["--actor", "irum-system"], "built-in account"),
        (["--actor", "erin"], "disabled"),
        (["--public", "--actor", "nobody"], "No user named 'nobody'"),
    ):
        with pytest.raises(CommandError, match=re.escape(message)):
            draw(tmp_path, *args)
    assert list(tmp_path.iterdir()) == [] and not map_exports().exists()


def test_bad_filters_are_refused_naming_the_option(gazetteer, personas, tmp_path):
    for args, option in (
        (["--date-from", "not a date"], "--date-from"),
        (["--kind", "picnic"], "--kind"),
        (["--era", "kim_il_sung", "--era", "kim_jong_nam"], "--era"),
        (["--country", "XX"], "--country"),
        (["--agency", "no-such-agency"], "--agency"),
        (["--partner", "no-such-partner"], "--partner"),
        (["--date-from", "2015", "--date-to", "2014"], "--date-to"),
        (["--public", "--partner", "partner-a"], "--partner: the public map"),
    ):
        actor = [] if "--public" in args else ["--actor", "alice"]
        with pytest.raises(CommandError) as error:
            draw(tmp_path, *actor, *args)
        assert str(error.value).startswith(f"{option}"), (args, str(error.value))
    assert list(tmp_path.iterdir()) == [] and not map_exports().exists()


def test_a_public_map_needs_no_actor_is_not_audited_and_says_what_it_hides(
    world, tmp_path, settings
):
    settings.IRUM_PUBLIC_MIN_COUNT = 5
    out, stdout = draw(tmp_path, "--public")
    text = words(out)
    assert "Transfer routes (public cases)" in text
    assert "Counts below 5 are not shown to protect the people counted." in text
    assert "Flows not shown because fewer than 5 persons moved along them: 1." in text
    assert "1 hidden" in stdout
    assert not map_exports().exists()


def test_it_writes_a_png_of_the_requested_width(world, tmp_path):
    out, _ = draw(
        tmp_path, "--actor", "bob", "--width", "800", "--title", "Report QXT", name="m.png"
    )
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width == 800
    assert map_exports().get().changes["format"] == "png"


def test_it_leaves_no_partial_file_and_no_audit_entry_when_the_write_fails(
    world, tmp_path, monkeypatch
):
    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("irum.lib.files.os.replace", fail)
    with pytest.raises(CommandError, match=r"cannot write .*No space left on device"):
        draw(tmp_path, "--actor", "alice")
    assert list(tmp_path.iterdir()) == []
    assert not map_exports().exists()


def test_a_failed_write_keeps_the_earlier_image_whole(world, tmp_path, monkeypatch):
    out, _ = draw(tmp_path, "--public")
    before = out.read_bytes()
    monkeypatch.setattr(
        "irum.lib.files.os.replace",
        lambda *args: (_ for _ in ()).throw(OSError(5, "I/O error")),
    )
    with pytest.raises(CommandError):
        draw(tmp_path, "--public", "--title", "Another")
    assert out.read_bytes() == before and list(tmp_path.iterdir()) == [out]


def test_a_bad_out_path_or_width_is_refused_before_anything_is_drawn(db, tmp_path):
    for out, args, message in (
        ("missing-folder/map.svg", [], "does not exist"),
        (".", [], "is a folder"),
        ("map.gif", [], "--format: give svg or png"),
        ("map.png", ["--width", "20"], "--width"),
    ):
        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("map", "--out", str(tmp_path / out), "--public", *args)
    assert list(tmp_path.iterdir()) == []


def test_it_refuses_a_route_map_of_too_many_routes_without_a_case_or_person(
    world, tmp_path, monkeypatch
):
    monkeypatch.setattr("irum.routes.render.MAX_ROUTES", 2)
    with pytest.raises(CommandError, match=r"^--routes: 3 routes are too many"):
        draw(tmp_path, "--actor", "alice", "--routes")
    # One case is what a route map is for: drawn, however many persons it holds.
    case = world["public"].public_id
    _out, stdout = draw(tmp_path, "--actor", "alice", "--routes", "--case", case)
    assert "2 routes, 2 of 2 legs drawn" in stdout
