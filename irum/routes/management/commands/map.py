"""`irum map`: the transfer map as an SVG or PNG file, for a report.

The same map as the map page's image download, from the same FlowMap or RouteMap: the
archive as the --actor may see it (an export, and audited as one), or with --public the
public map (public cases only, small flows hidden), which needs no actor.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from irum.accounts.twofactor import sole_partner
from irum.archive.actors import person_actor
from irum.audit.services import audit_record
from irum.lib.files import atomic_write
from irum.partners import visibility
from irum.routes import filters as filters_module
from irum.routes import labels, mapdata, render
from irum.routes.filters import FilterError, RouteFilters

# (option, query parameter, repeatable, help): the filters, as the map page reads them.
FILTER_OPTIONS = (
    ("--case", "case", False, "a case's public id"),
    ("--person", "person", False, "a person's public id"),
    ("--partner", "partner", False, "the owning partner's id (not on the public map)"),
    ("--era", "era", True, "kim_il_sung, kim_jong_il, kim_jong_un or unknown"),
    ("--country", "country", False, "of disappearance: KP, abroad, CN, RU or unknown"),
    ("--agency", "agency", True, "an agency's id (its bureaus included)"),
    ("--kind", "kind", True, "the event kind that brought the person along a leg"),
    ("--date-from", "date_from", False, "legs dated from this EDTF date"),
    ("--date-to", "date_to", False, "legs dated up to this EDTF date"),
)


def _cli_messages(error: FilterError) -> str:
    """The filter errors with each parameter named as its option ("--date-from: ...")."""
    options = {name: option for option, name, _repeat, _help in FILTER_OPTIONS}
    messages = []
    for message in error.messages:
        name, sep, rest = message.partition(":")
        messages.append(f"{options[name]}:{rest}" if sep and name in options else message)
    return "; ".join(messages)


class Command(BaseCommand):
    help = (
        "Draw the transfer map as an SVG or PNG image: flows between places, or with "
        "--routes each person's numbered route. The archive as --actor may see it "
        "(recorded in the audit log as an export), or with --public the public map."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the image file to write")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=render.FORMATS,
            help="svg or png (default: from the --out suffix)",
        )
        parser.add_argument(
            "--actor",
            help="the partner member drawing the map: it shows only what they may see, and "
            "is recorded in the audit log as theirs (not needed with --public)",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="the public map: public cases only, flows of fewer than "
            "IRUM_PUBLIC_MIN_COUNT persons hidden",
        )
        parser.add_argument(
            "--routes",
            action="store_true",
            help="draw each person's route (best with --case or --person) instead of flows",
        )
        parser.add_argument("--title", help="the map's title (default: the map page's)")
        parser.add_argument("--source-note", help="the source line under the map")
        parser.add_argument(
            "--width",
            type=int,
            default=1600,
            help=f"PNG width in pixels ({render.MIN_WIDTH_PX} to {render.MAX_WIDTH_PX})",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of the map's words (default: the site's)",
        )
        for option, name, repeatable, text in FILTER_OPTIONS:
            parser.add_argument(
                option,
                dest=name,
                action="append" if repeatable else "store",
                help=f"filter: {text}" + (" (repeatable)" if repeatable else ""),
            )

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"]
        with translation.override(language) if language else contextlib.nullcontext():
            self._draw(options)

    def _draw(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        if out.is_dir():
            raise CommandError(_("--out: %(path)s is a folder") % {"path": out})
        if not out.parent.is_dir():
            raise CommandError(
                _("--out: the folder %(path)s does not exist") % {"path": out.parent}
            )
        fmt = options["fmt"] or out.suffix.lower().lstrip(".")
        if fmt not in render.FORMATS:
            raise CommandError(_("--format: give svg or png (the --out suffix is neither)"))
        width = options["width"]
        if not render.MIN_WIDTH_PX <= width <= render.MAX_WIDTH_PX:
            raise CommandError(
                _("--width: give a width from %(min)d to %(max)d pixels")
                % {"min": render.MIN_WIDTH_PX, "max": render.MAX_WIDTH_PX}
            )
        public = options["public"]
        actor = self._actor(options["actor"], public=public)
        params = {name: options[name] for _opt, name, *_rest in FILTER_OPTIONS if options[name]}
        try:
            filters = filters_module.parse(params, strict=True)
            if options["routes"]:
                result: mapdata.FlowMap | mapdata.RouteMap = mapdata.route_map(
                    filters, user=actor, public=public
                )
            else:
                result = mapdata.flow_map(filters, user=actor, public=public)
        except FilterError as error:
            raise CommandError(_cli_messages(error)) from None
        if isinstance(result, mapdata.RouteMap):
            self._check_routes(result, filters)
        title = options["title"] or labels.map_title(public)
        source_note = options["source_note"] or labels.source_note()
        if isinstance(result, mapdata.RouteMap):
            body = render.render_route_map(
                result, fmt=fmt, title=title, source_note=source_note, width_px=width
            )
            counts = {"routes": len(result.routes), "legs": result.legs}
            drawn = _("%(routes)d routes, %(legs)d of %(all)d legs drawn") % {
                "routes": len(result.routes),
                "legs": len(render.legs_to_draw(result)),
                "all": result.legs,
            }
        else:
            body = render.render_flow_map(
                result, fmt=fmt, title=title, source_note=source_note, width_px=width
            )
            counts = {"flows": len(result.flows)}
            drawn = _("%(flows)d of %(all)d flows drawn, %(hidden)d hidden") % {
                "flows": len(render.flows_to_draw(result)),
                "all": len(result.flows),
                "hidden": result.hidden_flows,
            }
        try:
            # The audit entry commits with the file or not at all: a write that fails
            # rolls it back, and an export that could not be recorded is not written.
            with transaction.atomic():
                if not public:
                    audit_record(
                        actor=actor,
                        kind="export",
                        partner=sole_partner(actor),
                        record_type="routes.map",
                        record_id=out.name[:64],
                        # The summary column holds 300 characters; the filters are
                        # kept whole in `changes`.
                        summary=f"map.{fmt} ({filters.describe() or 'no filters'})"[:300],
                        changes={"filters": filters.as_params(), "format": fmt, **counts},
                    )
                with atomic_write(out, binary=True) as fh:
                    fh.write(body)
        except OSError as error:
            raise CommandError(
                _("--out: cannot write %(path)s: %(reason)s")
                % {"path": out, "reason": error.strerror or error}
            ) from None
        self.stdout.write(
            _("Wrote %(path)s (%(format)s, %(scope)s): %(drawn)s")
            % {
                "path": out,
                "format": fmt,
                "scope": _("public map") if public else _("archive map"),
                "drawn": drawn,
            }
        )

    def _actor(self, username: str | None, *, public: bool) -> Any:
        if public:
            # Public data needs no actor; one named anyway must still be a real one, so
            # that a typo is not taken for a signature.
            if username:
                person_actor(username)
            return None
        if not username:
            raise CommandError(
                _(
                    "--actor: name the partner member the map is for (it shows what they "
                    "may see), or draw the public map with --public"
                )
            )
        actor = person_actor(username)
        if not visibility.is_partner_member(actor):
            # As on the map page: only partner members see the archive's map.
            raise CommandError(
                _(
                    "--actor: %(user)s is not a member of any partner; only partner "
                    "members draw the archive's map (use --public for the public map)"
                )
                % {"user": username}
            )
        return actor

    def _check_routes(self, result: mapdata.RouteMap, filters: RouteFilters) -> None:
        # One case or one person is what a route map is for. A wider selection of more
        # than MAX_ROUTES routes draws a tangle nobody can read, slowly (an arrow and a
        # number per leg): the flow map shows the same legs added up.
        if filters.case or filters.person or len(result.routes) <= render.MAX_ROUTES:
            return
        raise CommandError(
            _(
                "--routes: %(n)d routes are too many to draw one by one (at most %(max)d "
                "without --case or --person); draw the flow map instead"
            )
            % {"n": len(result.routes), "max": render.MAX_ROUTES}
        )
