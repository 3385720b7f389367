"""`irum moderate`: the pipeline over JSON lines, one decision a line, in input order.

Each input line is `{"id": ..., "text": ..., "author": {"username", "display_name",
"email_verified"} or null}`; each output line is `{"id", "decision", "reasons", "spans"}`
(Verdict.as_dict), or `{"id", "error"}` for a line that cannot be read, so that output
line N always answers input line N.

Comments are taken in order, with each author's history: the texts they posted earlier
in the run (repeats) and their strikes (standing). Without --dry-run the strikes are read
from and written to the database (Strike, origin "batch"), as the site's are; with it
they live in memory only. A batch has no clock, so the rate check does not apply.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from irum.discussion import selectors
from irum.discussion.models import Strike
from irum.discussion.moderation import base, strikes
from irum.discussion.moderation.base import Decision
from irum.discussion.moderation.pipeline import Pipeline, Verdict

MAX_LINE_BYTES = 256 * 1024  # a comment is at most a few kilobytes; past this, refused
HISTORY_KEPT = 20  # earlier texts per author compared for repeats, as on the site
# Lines scored together by checks that work faster in batches (the classifier: one call
# has a fixed cost of about 2.5 ms). 128 keeps the line that waits for a batch's scoring
# under the 20 ms a comment may take, at little cost to the rate.
PRIME_EVERY = 128


class LineError(ValueError):
    pass


def parse(line: bytes, number: int) -> base.Comment:
    if len(line) > MAX_LINE_BYTES:
        raise LineError(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
    try:
        data = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LineError(f"line {number}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise LineError(f"line {number}: not a JSON object")
    ident = data.get("id")
    if ident is None or isinstance(ident, (dict, list)):
        raise LineError(f"line {number}: no id")
    text = data.get("text")
    if not isinstance(text, str):
        raise LineError(f"line {number}: text is not a string")
    author = data.get("author")
    if author is None:
        return base.Comment(str(ident), text, None)
    if not isinstance(author, dict):
        raise LineError(f"line {number}: author is neither an object nor null")
    username, name = author.get("username"), author.get("display_name", "")
    if not isinstance(username, str) or not username.strip() or len(username) > 150:
        raise LineError(f"line {number}: author.username is not a name")
    if not isinstance(name, str):
        raise LineError(f"line {number}: author.display_name is not a string")
    verified = author.get("email_verified", False)
    if not isinstance(verified, bool):
        raise LineError(f"line {number}: author.email_verified is not true or false")
    return base.Comment(str(ident), text, base.Author(username, name, verified))


@dataclass
class Run:
    pipeline: Pipeline
    dry_run: bool = True
    now: dt.datetime = field(default_factory=timezone.now)
    thresholds: strikes.Thresholds = field(default_factory=strikes.Thresholds)
    protected: base.Digests = frozenset()
    reserved: tuple[str, ...] = ()
    history: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    strikes: dict[str, list[dt.datetime]] = field(default_factory=dict)
    strikes_written: int = 0
    errors: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def _strikes_of(self, username: str) -> list[dt.datetime]:
        if username not in self.strikes:
            self.strikes[username] = (
                []
                if self.dry_run
                else list(
                    Strike.objects.filter(username=username, cancelled_at__isnull=True).values_list(
                        "created_at", flat=True
                    )
                )
            )
        return self.strikes[username]

    def moderate(self, comment: base.Comment) -> Verdict:
        username = comment.author.username if comment.author else None
        history = self.history[username] if username else []
        context = base.Context(
            reserved_names=self.reserved,
            history={username: history} if username else {},
            protected_digests=self.protected,
            now=self.now,
        )
        standing = (
            strikes.standing(self._strikes_of(username), self.thresholds) if username else None
        )
        result = self.pipeline.moderate(comment, context, standing)
        if username:
            history.append(comment.text)
            del history[:-HISTORY_KEPT]
            counted = [r for r in result.reasons if r not in strikes.NOT_A_STRIKE]
            if result.decision is Decision.REJECT and counted:
                self._strike(username, counted)
        self.counts[result.decision.label] += 1
        return result

    def _strike(self, username: str, reasons: list[str]) -> None:
        self.strikes[username].append(self.now)
        if self.dry_run:
            return
        user = get_user_model().objects.filter(username=username).first()
        Strike.objects.create(
            username=username,
            user=user,
            reasons=reasons,
            origin=Strike.Origin.BATCH,
            created_at=self.now,
        )
        self.strikes_written += 1

    def lines(self, source: Iterable[bytes]) -> Iterator[str]:
        """One output line (without newline) per input line, in order."""
        chunk: list[tuple[int, bytes]] = []
        for number, line in enumerate(source, start=1):
            chunk.append((number, line))
            if len(chunk) >= PRIME_EVERY:
                yield from self._chunk(chunk)
                chunk = []
        yield from self._chunk(chunk)

    def _chunk(self, chunk: list[tuple[int, bytes]]) -> Iterator[str]:
        parsed: list[base.Comment | LineError | None] = []
        for number, raw in chunk:
            line = raw.strip()
            if not line:
                parsed.append(None)  # a blank line answers nothing
                continue
            try:
                parsed.append(parse(line, number))
            except LineError as exc:
                parsed.append(exc)
        self.pipeline.prime([c.text for c in parsed if isinstance(c, base.Comment)])
        for item in parsed:
            if item is None:
                continue
            if isinstance(item, LineError):
                self.errors += 1
                yield json.dumps({"id": None, "error": str(item)}, ensure_ascii=False)
                continue
            yield json.dumps(self.moderate(item).as_dict(item.id), ensure_ascii=False)


def run_for(*, dry_run: bool) -> Run:
    pipeline = selectors.pipeline()
    pipeline.prime(["load the models before the first comment"])
    return Run(
        pipeline=pipeline,
        dry_run=dry_run,
        thresholds=selectors.thresholds(),
        protected=selectors.all_protected_digests(),
        reserved=selectors.reserved_names(),
    )


def summary(run: Run) -> dict[str, Any]:
    return {
        "decisions": dict(run.counts),
        "errors": run.errors,
        "strikes_recorded": run.strikes_written,
    }
