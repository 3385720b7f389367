"""Open a workbook (an .xlsx file, a folder of CSV files, or a .zip of them) as rows.

This module only turns bytes into text cells. It refuses, with a clear reason, anything
that is too large, not a workbook, binary, or in an encoding we cannot read; it never
lets a parser's traceback reach the user.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from irum.exchange.formats import SHEETS, xlsx_unescape
from irum.exchange.problems import InputRejected, Problem

# The largest single cell we accept. Real narratives are a few pages; a megabyte in a
# cell is an accident or an attack.
MAX_CELL_CHARS = 200_000


@dataclass
class RawSheet:
    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class RawWorkbook:
    sheets: dict[str, RawSheet]
    problems: list[Problem]


def _limit() -> int:
    return int(settings.IRUM_IMPORT_MAX_BYTES)


def _reject(sheet: str, reason: str) -> InputRejected:
    return InputRejected([Problem(sheet, None, "", "", reason)])


def decode(data: bytes, sheet: str) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), else CP949, the superset of EUC-KR
    that Korean Excel writes."""
    if b"\x00" in data[:65536]:
        raise _reject(sheet, _("is a binary file, not a CSV text file"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp949")
    except UnicodeDecodeError:
        raise _reject(
            sheet, _("is neither UTF-8 nor CP949/EUC-KR text; save it as CSV UTF-8")
        ) from None


def _parse_csv(text: str, sheet: str) -> RawSheet:
    max_rows = int(settings.IRUM_IMPORT_MAX_ROWS)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    raw = RawSheet(sheet, [])
    old_limit = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        for line_no, cells in enumerate(reader, start=1):
            if line_no == 1:
                raw.header = [c.strip() for c in cells]
                continue
            if not "".join(cells).strip():
                continue
            if len(raw.rows) >= max_rows:
                raise _reject(sheet, _("has more than %(n)d rows") % {"n": max_rows})
            raw.rows.append((line_no, cells))
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = _("has a cell longer than %(n)d characters") % {"n": MAX_CELL_CHARS}
        else:
            reason = _("is not valid CSV (%(reason)s)") % {"reason": reason}
        raise InputRejected([Problem(sheet, reader.line_num or None, "", "", reason)]) from None
    finally:
        csv.field_size_limit(old_limit)
    if not raw.header or not any(raw.header):
        raise _reject(sheet, _("is empty: it has no header row"))
    return raw


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return xlsx_unescape(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> dict[str, RawSheet]:
    import openpyxl  # imported here: only .xlsx imports pay for it

    _check_zip(data, "workbook")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types on malformed files
        raise _reject(
            "workbook",
            _("cannot be read as an .xlsx workbook (%(reason)s)") % {"reason": type(exc).__name__},
        ) from None
    max_rows = int(settings.IRUM_IMPORT_MAX_ROWS)
    sheets: dict[str, RawSheet] = {}
    try:
        for ws in book.worksheets:
            name = ws.title.strip().lower().removesuffix(".csv")
            raw = RawSheet(name, [])
            for row_no, row in enumerate(ws.iter_rows(), start=1):
                cells = []
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        # A formula cell: keep its text so validation can name it.
                        cells.append(str(cell.value))
                    else:
                        cells.append(_cell_text(cell.value))
                if row_no == 1:
                    raw.header = [c.strip() for c in cells]
                    while raw.header and not raw.header[-1]:
                        raw.header.pop()
                    continue
                if not any(c.strip() for c in cells):
                    continue
                if len(raw.rows) >= max_rows:
                    raise _reject(name, _("has more than %(n)d rows") % {"n": max_rows})
                if any(len(c) > MAX_CELL_CHARS for c in cells):
                    raise InputRejected(
                        [
                            Problem(
                                name,
                                row_no,
                                "",
                                "",
                                _("has a cell longer than %(n)d characters")
                                % {"n": MAX_CELL_CHARS},
                            )
                        ]
                    )
                raw.rows.append((row_no, cells))
            if raw.header:
                sheets[name] = raw
    except InputRejected:
        raise
    except Exception as exc:
        raise _reject(
            "workbook",
            _("cannot be read as an .xlsx workbook (%(reason)s)") % {"reason": type(exc).__name__},
        ) from None
    finally:
        book.close()
    return sheets


def _check_zip(data: bytes, label: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise _reject(label, _("is not a valid .xlsx or .zip file")) from None
    # A zip bomb unpacks to far more than it weighs; refuse before inflating anything.
    total = sum(info.file_size for info in archive.infolist())
    if total > 4 * _limit():
        raise _reject(
            label,
            _("unpacks to %(size)d MB, more than the limit of %(limit)d MB")
            % {"size": total // 2**20, "limit": 4 * _limit() // 2**20},
        )
    return archive


def _read_zip(data: bytes) -> dict[str, RawSheet]:
    archive = _check_zip(data, "zip")
    sheets: dict[str, RawSheet] = {}
    for info in archive.infolist():
        base = Path(info.filename).name.lower()
        if info.is_dir() or not base.endswith(".csv") or base.startswith("."):
            continue
        name = base.removesuffix(".csv")
        if name not in {s.name for s in SHEETS}:
            continue
        if info.file_size > _limit():
            raise _reject(
                name, _("is larger than the limit of %(limit)d MB") % {"limit": _limit() // 2**20}
            )
        try:
            payload = archive.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            raise _reject(name, _("cannot be unpacked from the zip file")) from None
        sheets[name] = _parse_csv(decode(payload, name), name)
    return sheets


def _read_bytes(path: Path, label: str) -> bytes:
    size = path.stat().st_size
    if size > _limit():
        raise _reject(
            label,
            _("is %(size)d MB, larger than the limit of %(limit)d MB (IRUM_IMPORT_MAX_BYTES)")
            % {"size": size // 2**20, "limit": _limit() // 2**20},
        )
    return path.read_bytes()


def read_workbook(path: Path) -> dict[str, RawSheet]:
    """Read every sheet the format knows from PATH. Raises InputRejected."""
    path = Path(path)
    if not path.exists():
        raise _reject(str(path), _("does not exist"))
    if path.is_dir():
        sheets = {}
        for sheet in SHEETS:
            candidates = [p for p in path.iterdir() if p.name.lower() == sheet.filename]
            if candidates:
                sheets[sheet.name] = _parse_csv(
                    decode(_read_bytes(candidates[0], sheet.name), sheet.name), sheet.name
                )
        return sheets
    data = _read_bytes(path, path.name)
    if not data.strip():
        raise _reject(path.name, _("is empty"))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if suffix == ".zip":
        return _read_zip(data)
    if suffix == ".csv":
        name = path.stem.lower()
        return {name: _parse_csv(decode(data, name), name)}
    # No telling suffix: sniff. An .xlsx is a zip holding xl/workbook.xml.
    if data[:4] == b"PK\x03\x04":
        archive = _check_zip(data, path.name)
        if "xl/workbook.xml" in archive.namelist():
            return _read_xlsx(data)
        return _read_zip(data)
    raise _reject(
        path.name, _("is not a workbook: give an .xlsx file, a .zip, or a folder of CSV files")
    )


def iter_dicts(raw: RawSheet) -> Iterator[tuple[int, dict[str, str]]]:
    header = raw.header
    for row_no, cells in raw.rows:
        yield (
            row_no,
            {
                header[i]: (cells[i] if i < len(cells) else "")
                for i in range(len(header))
                if header[i]
            },
        )
