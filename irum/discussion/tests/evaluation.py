"""The labelled evaluation set (tests/moderation/), read once for the tests and the
benchmark: the comments in file order, the protected persons' names, and an author as the
pipeline takes it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from irum.discussion.moderation.base import Author

EVAL_DIR = Path(__file__).resolve().parents[3] / "tests" / "moderation"


@cache
def comments() -> tuple[dict[str, Any], ...]:
    text = (EVAL_DIR / "comments.jsonl").read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines())


@cache
def protected_names() -> tuple[str, ...]:
    """Every name, Korean name and alias of the set's protected persons."""
    people = json.loads((EVAL_DIR / "protected_persons.json").read_text(encoding="utf-8"))
    return tuple(n for p in people for n in (p["full_name"], p["full_name_ko"], *p["aliases"]))


def author_of(row: dict[str, Any]) -> Author | None:
    a = row["author"]
    return Author(a["username"], a["display_name"], a.get("email_verified", False)) if a else None
