"""Downloads from the admin's list pages: the selected cases (or the cases of the
selected persons), as the workbook (CSV in a .zip, or .xlsx), JSON, GeoJSON or
FollowTheMoney entities (JSON lines, streamed).

The admin's list is already what the user may see, filtered as she chose; the export
goes through the visibility rule again all the same (Scope.for_user). Identity fields
and restricted texts are never in these downloads: they leave only through
`irum export --include-restricted`, which a user asks for by name."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy

from irum.archive.models import Case, Person
from irum.audit.services import audit_record
from irum.exchange.exporter import ExportError, Scope, workbook_export
from irum.exchange.ftm import FtmOptions, ftm_lines
from irum.exchange.jsonexport import write_json
from irum.routes import geojson, mapdata
from irum.routes.filters import RouteFilters


def _cases_of(queryset: QuerySet) -> QuerySet[Case]:
    if queryset.model is Person:
        return Case.objects.filter(pk__in=queryset.values("case_id"))
    return queryset


def _file(path: Path, name: str, content_type: str) -> FileResponse:
    # The temporary file is unlinked once open: nothing stays on the server's disk.
    handle = path.open("rb")
    path.unlink()
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


def _ftm(request: HttpRequest, cases: QuerySet[Case]) -> HttpResponse | None:
    """Streamed: a partner's whole archive as FtM is large. The stream writes its audit
    entry when it ends, or when the download is broken off."""
    try:
        lines = ftm_lines(actor=request.user, options=FtmOptions(cases=cases))
    except ExportError as exc:
        messages.error(request, str(exc))
        return None
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="irum-export.ftm.jsonl"'
    return response


def _download(request: HttpRequest, queryset: QuerySet, fmt: str) -> HttpResponse | None:
    cases = _cases_of(queryset)
    user = request.user
    if fmt == "ftm":
        return _ftm(request, cases)
    tmp = Path(tempfile.mkdtemp(prefix="irum-download-"))
    try:
        if fmt in ("zip", "xlsx"):
            target = tmp / f"irum-export.{fmt}"
            workbook_export(actor=user, path=target, cases=cases)  # audited there
            kind = (
                "application/zip"
                if fmt == "zip"
                else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            )
            return _file(target, target.name, kind)
        scope = Scope.for_user(user, cases=cases)
        target = tmp / f"irum-export.{fmt}"
        with transaction.atomic():
            if fmt == "json":
                with target.open("w", encoding="utf-8") as fh:
                    counts: dict[str, Any] = write_json(fh, scope)
            else:
                result = mapdata.route_map(
                    RouteFilters(), user=user, public=False, persons=scope.persons
                )
                target.write_text(
                    json.dumps(geojson.routes_collection(result), ensure_ascii=False),
                    encoding="utf-8",
                )
                counts = {"routes": len(result.routes), "legs": result.legs}
            audit_record(
                actor=user,
                kind="export",
                record_type=f"exchange.{fmt}",
                summary=f"download from the admin: {target.name}",
                changes={"counts": counts, "include_restricted": False, "selection": True},
            )
        content_type = "application/json" if fmt == "json" else "application/geo+json"
        return _file(target, target.name, content_type)
    except ExportError as exc:
        messages.error(request, str(exc))
        return None
    finally:
        for leftover in tmp.iterdir():
            leftover.unlink(missing_ok=True)
        tmp.rmdir()


def _action(fmt: str, label: Any):
    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return _download(request, queryset, fmt)

    action.__name__ = f"download_{fmt}"
    action.short_description = label  # type: ignore[attr-defined]
    return action


DOWNLOAD_ACTIONS = [
    _action("zip", gettext_lazy("Download the selected as CSV (.zip)")),
    _action("xlsx", gettext_lazy("Download the selected as Excel (.xlsx)")),
    _action("json", gettext_lazy("Download the selected as JSON")),
    _action("geojson", gettext_lazy("Download the routes of the selected as GeoJSON")),
    _action("ftm", gettext_lazy("Download the selected as FollowTheMoney entities")),
]
__all__ = ["DOWNLOAD_ACTIONS"]
