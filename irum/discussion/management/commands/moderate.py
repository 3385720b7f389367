"""irum moderate [--dry-run] < comments.jsonl > decisions.jsonl (irum.discussion.batch)."""

from __future__ import annotations

import gc
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from irum.archive.actors import command_actor
from irum.audit.services import audit_record
from irum.discussion import batch


class Command(BaseCommand):
    help = (
        "Moderate comments given as JSON lines on standard input and write one decision a "
        "line on standard output, in input order. Authors' strikes are read from and "
        "recorded in the database unless --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Keep the authors' history and strikes in memory; write nothing.",
        )
        parser.add_argument("--actor", help="The username recorded in the audit entry.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        actor = None if dry_run else command_actor(options.get("actor"))
        run = batch.run_for(dry_run=dry_run)
        # The loaded models are a few hundred thousand long-lived objects: without this
        # every full garbage collection walks them again (125 ms or more, on any line).
        gc.freeze()
        # Lines are read as bytes: a line that is not UTF-8 is one error, not the end.
        source = sys.stdin.buffer
        with transaction.atomic():
            for line in run.lines(source):
                self.stdout.write(line)
            if not dry_run:
                audit_record(
                    actor=actor,
                    kind="other",
                    record_type="discussion.strike",
                    summary=f"irum moderate: {sum(run.counts.values())} comments, "
                    f"{run.strikes_written} strikes recorded",
                    changes=batch.summary(run),
                )
        self.stdout.flush()
        self.stderr.write(json.dumps(batch.summary(run)))
        if run.errors:
            raise CommandError(f"{run.errors} line(s) could not be read; see the output.")
