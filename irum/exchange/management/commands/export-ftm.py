from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from irum.archive.actors import person_actor
from irum.exchange.ftm import FtmOptions, ftm_lines, parse_filters
from irum.lib.files import atomic_write
from irum.routes.filters import FilterError


class Command(BaseCommand):
    help = (
        "Export what the named user may see as FollowTheMoney entities, one JSON object a "
        "line (docs/exports.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to write (.jsonl), or - for stdout")
        parser.add_argument(
            "--actor",
            required=True,
            help=(
                "the user exporting: the export holds only what they may see, and is "
                "recorded in the audit log as theirs"
            ),
        )
        parser.add_argument(
            "--include-restricted",
            action="store_true",
            help=(
                "include names, aliases, dates of birth, addresses and restricted texts "
                "(otherwise persons appear under their public id and pseudonym)"
            ),
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help=(
                "narrow the export as the maps do: case, person, partner, era, country, "
                "agency, kind, date_from, date_to (repeat the option for several)"
            ),
        )

    def handle(self, *args, path, actor, include_restricted, filter, **options):
        user = person_actor(actor)
        try:
            export_options = FtmOptions(
                include_restricted=include_restricted, filters=parse_filters(filter)
            )
            # Made before the file is opened: a bad filter leaves nothing behind.
            lines = ftm_lines(actor=user, options=export_options)
        except FilterError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if path == "-":
            self.stdout.writelines(lines)
            written = _("standard output")
        else:
            target = Path(path)
            # Owner-only from the first byte: the file may hold identities. Written aside
            # and renamed, so a failed export never leaves a truncated file at PATH.
            with atomic_write(target, newline="\n") as out:
                out.writelines(lines)
            written = str(target)
        tally = lines.tally
        counts = ", ".join(f"{schema} {n}" for schema, n in sorted(tally.counts.items()))
        # Standard output may be the export itself: the summary goes to standard error.
        self.stderr.write(
            _("Exported %(n)d entities to %(path)s: %(counts)s")
            % {"n": tally.total, "path": written, "counts": counts or "-"}
        )
