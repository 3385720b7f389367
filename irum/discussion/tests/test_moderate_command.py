"""`irum moderate`: JSON lines in, one decision a line out, in input order, with each
author's strikes applied; --dry-run keeps them in memory. Bad lines are answered with an
error in their place, never a crash."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from irum.archive import services as archive_services
from irum.discussion.models import Strike
from irum.discussion.tests import evaluation
from irum.stories import services as story_services
from irum.stories.models import Author

pytestmark = pytest.mark.django_db


def moderate(monkeypatch, lines: list[str | bytes], *args: str) -> list[dict]:
    data = b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("moderate", *args, stdout=out, stderr=err)
    finally:
        moderate.stderr = err.getvalue()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def line(ident, text, username="reader1", **author):
    who = (
        None
        if username is None
        else {
            "username": username,
            "display_name": username.title(),
            "email_verified": True,
            **author,
        }
    )
    return json.dumps({"id": ident, "text": text, "author": who}, ensure_ascii=False)


@pytest.fixture
def archive(actor):
    """The evaluation set's protected persons, and its story authors."""
    people = json.loads((evaluation.EVAL_DIR / "protected_persons.json").read_text())
    case = archive_services.case_create(actor=actor, ref="EVAL")
    for i, p in enumerate(people):
        archive_services.person_create(
            actor=actor,
            ref=f"EVAL-{i}",
            case=case,
            full_name=p["full_name"],
            full_name_ko=p["full_name_ko"],
            aliases="; ".join(p["aliases"]),
        )
    for slug, name in (
        ("reporter", "A. Reporter"),
        ("desk", "Irum demo desk"),
        ("desk-ko", "Irum 데모 데스크"),
    ):
        story_services.author_save(actor=actor, author=Author(slug=slug, name=name))


def test_the_command_meets_the_goals_on_the_evaluation_set_with_the_archives_names(
    monkeypatch, archive
):
    rows = evaluation.comments()
    out = moderate(monkeypatch, [json.dumps(r, ensure_ascii=False) for r in rows], "--dry-run")
    assert [o["id"] for o in out] == [r["id"] for r in rows]  # input order
    violations = [o for o, r in zip(out, rows, strict=True) if r["expected"] != "publish"]
    clean = [o for o, r in zip(out, rows, strict=True) if r["expected"] == "publish"]
    recall = sum(o["decision"] != "publish" for o in violations) / len(violations)
    false_positives = sum(o["decision"] != "publish" for o in clean) / len(clean)
    assert recall >= 0.9 and false_positives <= 0.05, (recall, false_positives)
    assert not Strike.objects.exists()  # a dry run writes nothing
    privacy = next(o for o, r in zip(out, rows, strict=True) if "privacy" in r["reasons"])
    assert privacy["decision"] == "hold" and any(s[2] == "privacy" for s in privacy["spans"])


def test_output_has_the_documented_shape(monkeypatch):
    (out,) = moderate(monkeypatch, [line("c1", "Call me on 010-1234-5678.")], "--dry-run")
    assert out == {
        "id": "c1",
        "decision": "hold",
        "reasons": ["privacy"],
        "spans": [[11, 24, "privacy"]],
    }


def test_an_unsigned_comment_is_rejected(monkeypatch):
    (out,) = moderate(monkeypatch, [line("c1", "Anonymous thoughts.", username=None)], "--dry-run")
    assert out["decision"] == "reject" and out["reasons"] == ["unsigned"]


def test_strikes_build_up_within_a_run_and_pre_moderate_the_author(monkeypatch):
    abuse = ["You fucking idiot.", "Shut up, moron, you piece of shit.", "What a stupid bitch."]
    out = moderate(
        monkeypatch,
        [line(f"a{i}", t) for i, t in enumerate(abuse)] + [line("calm", "A calm comment.")],
        "--dry-run",
    )
    assert [o["decision"] for o in out] == ["reject", "reject", "reject", "hold"]
    assert out[-1]["reasons"] == ["blocked_author"]


def test_without_dry_run_strikes_are_kept_and_count_in_the_next_run(monkeypatch, make_reader):
    reader = make_reader("reader1")
    abuse = ["You fucking idiot.", "Shut up, moron, you piece of shit.", "What a stupid bitch."]
    moderate(monkeypatch, [line(f"a{i}", t) for i, t in enumerate(abuse)])
    strikes = Strike.objects.filter(username="reader1")
    assert strikes.count() == 3 and {s.user for s in strikes} == {reader.user}
    assert {s.origin for s in strikes} == {"batch"}
    (out,) = moderate(monkeypatch, [line("calm", "A calm comment.")])
    assert out["decision"] == "hold"


def test_bad_lines_get_an_error_in_their_place_and_the_rest_is_moderated(monkeypatch):
    lines = [
        line("ok1", "Fine."),
        "{not json",
        b"\xff\xfe not utf-8",
        "[1, 2]",
        json.dumps({"id": "x", "text": 5}),
        json.dumps({"id": "x", "text": "t", "author": "bob"}),
        json.dumps({"id": "x", "text": "t", "author": {"username": ["a"]}}),
        json.dumps({"text": "no id"}),
        json.dumps({"id": "big", "text": "x" * 300_000}),
        "",
        line("ok2", "Also fine."),
    ]
    with pytest.raises(CommandError, match="8 line"):
        moderate(monkeypatch, lines, "--dry-run")


def test_bad_lines_keep_the_output_aligned(monkeypatch):
    lines = [line("ok1", "Fine."), "{not json", line("ok2", "Also fine.")]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(lines).encode())))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("moderate", "--dry-run", stdout=out, stderr=io.StringIO())
    got = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [g.get("id") for g in got] == ["ok1", None, "ok2"]
    assert "line 2" in got[1]["error"]
