"""The archive as one JSON document: the workbook's sheets as arrays of objects keyed by
the workbook's column names (docs/workbook.md), so a reader of either knows the other.

Written as it is read, a record at a time: constant memory for any size of archive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from irum.exchange.exporter import _PRODUCERS, Scope
from irum.exchange.formats import FORMAT_VERSION, RESTRICTED_COLUMNS, SHEETS


def write_json(out: TextIO, scope: Scope) -> dict[str, int]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    counts: dict[str, int] = {}
    out.write(
        f'{{"format":"irum-workbook","version":{dumps(FORMAT_VERSION)},'
        f'"include_restricted":{dumps(scope.include_restricted)}'
    )
    for sheet in SHEETS:
        out.write(f",{dumps(sheet.name)}:[")
        n = 0
        for row in _PRODUCERS[sheet.name](scope):
            record = {
                column: value
                for column, value in zip(sheet.columns, row, strict=True)
                if scope.include_restricted or column not in RESTRICTED_COLUMNS
            }
            out.write(("," if n else "") + dumps(record))
            n += 1
        out.write("]")
        counts[sheet.name] = n
    out.write("}\n")
    return counts


def json_export(path: Path, scope: Scope) -> dict[str, int]:
    with Path(path).open("w", encoding="utf-8") as fh:
        return write_json(fh, scope)
