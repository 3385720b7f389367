"""irum export PATH --actor USER [--format F] [--filter KEY=VALUE ...] [--include-restricted]

One command for every export format (docs/exports.md). Each export holds what USER may
see, narrowed by the filters the maps take, and is recorded in the audit log as hers.
Identity fields and restricted texts go out only with --include-restricted."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from irum.archive.actors import person_actor
from irum.archive.models import Case
from irum.audit.services import audit_record
from irum.exchange.exporter import ExportError, Scope, workbook_export
from irum.exchange.ftm import parse_filters
from irum.exchange.jsonexport import write_json
from irum.lib.files import atomic_write
from irum.routes import geojson, mapdata
from irum.routes.filters import FilterError, RouteFilters, scope_persons

FORMATS = ("xlsx", "csv", "json", "geojson", "ftm", "wgeid")
BY_SUFFIX = {
    ".xlsx": "xlsx",
    ".zip": "csv",
    ".json": "json",
    ".geojson": "geojson",
    ".jsonl": "ftm",
    ".ndjson": "ftm",
    ".html": "wgeid",
}


class Command(BaseCommand):
    help = (
        "Export what the named user may see: xlsx or csv (the workbook), json, geojson "
        "(routes and places), ftm (FollowTheMoney entities), wgeid (one person's "
        "submission to the UN Working Group)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--actor",
            required=True,
            help="the user exporting: the export holds only what they may see, and is "
            "recorded in the audit log as theirs",
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="taken from PATH's suffix when not given"
        )
        parser.add_argument(
            "--include-restricted",
            action="store_true",
            help="include names, aliases, dates of birth, addresses and restricted texts",
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="narrow the export as the maps do: case, person, partner, era, country, "
            "agency, kind, date_from, date_to",
        )
        parser.add_argument("--person", help="wgeid: the person's public id")
        parser.add_argument("--details", help="wgeid: the details file (TOML)")
        parser.add_argument("--draft", action="store_true", help="wgeid: write a draft")

    def handle(self, *args, path, actor, format, include_restricted, filter, **options):
        target = Path(path)
        fmt = (
            format
            or BY_SUFFIX.get(target.suffix.lower())
            or ("csv" if target.suffix == "" else None)
        )
        if fmt is None:
            raise CommandError(
                _("Name the format with --format (one of %(formats)s).")
                % {"formats": ", ".join(FORMATS)}
            )
        if fmt == "ftm":
            return self._delegate("export-ftm", path, actor, include_restricted, filter)
        if fmt == "wgeid":
            if not options.get("person"):
                raise CommandError(_("A WGEID submission is for one person: give --person."))
            extra = ["--output", path]
            if options.get("details"):
                extra += ["--details", options["details"]]
            if options.get("draft"):
                extra.append("--draft")
            call_command(
                "export-wgeid",
                options["person"],
                "--actor",
                actor,
                *extra,
                stdout=self.stdout,
                stderr=self.stderr,
            )
            return None
        user = person_actor(actor)
        try:
            filters = parse_filters(filter)
            persons = scope_persons(filters, user=user, public=False) if filter else None
        except FilterError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        cases = Case.objects.filter(persons__in=persons).distinct() if persons is not None else None
        if fmt in ("xlsx", "csv"):
            if fmt == "xlsx" and target.suffix.lower() != ".xlsx":
                raise CommandError(_("An .xlsx export needs a path ending in .xlsx."))
            try:
                result = workbook_export(
                    actor=user, path=target, cases=cases, include_restricted=include_restricted
                )
            except ExportError as exc:
                raise CommandError(str(exc)) from None
            counts = result.counts
        elif fmt == "json":
            try:
                scope = Scope.for_user(user, cases=cases, include_restricted=include_restricted)
            except ExportError as exc:
                raise CommandError(str(exc)) from None
            with transaction.atomic():
                with atomic_write(target) as fh:
                    counts = write_json(fh, scope)
                self._audit(user, "exchange.json", target, counts, filters, include_restricted)
        else:
            counts = self._geojson(user, target, filters, persons)
        summary = ", ".join(f"{name} {n}" for name, n in counts.items())
        self.stdout.write(
            _("Exported to %(path)s: %(counts)s") % {"counts": summary, "path": target}
        )
        return None

    def _geojson(self, user, target: Path, filters: RouteFilters, persons) -> dict[str, int]:
        scope = Scope.for_user(user)
        chosen = scope.persons if persons is None else persons
        result = mapdata.route_map(filters, user=user, public=False, persons=chosen)
        body = geojson.routes_collection(result)
        counts = {"routes": len(result.routes), "legs": result.legs, "places": len(result.places)}
        with transaction.atomic():
            with atomic_write(target) as fh:
                fh.write(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
            self._audit(user, "exchange.geojson", target, counts, filters, False)
        return counts

    def _audit(self, user, record_type, target, counts, filters, include_restricted) -> None:
        audit_record(
            actor=user,
            kind="export",
            record_type=record_type,
            record_id=target.name[:64],
            summary=f"export to {target.name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
            changes={
                "counts": counts,
                "filters": filters.as_params(),
                "include_restricted": include_restricted,
            },
        )

    def _delegate(self, command, path, actor, include_restricted, filters) -> None:
        args = [path, "--actor", actor]
        if include_restricted:
            args.append("--include-restricted")
        for item in filters:
            args += ["--filter", item]
        call_command(command, *args, stdout=self.stdout, stderr=self.stderr)
