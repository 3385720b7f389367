"""What is wrong with an input file, said in plain words with where it is."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

_MAX_VALUE_SHOWN = 60


@dataclass(frozen=True, slots=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = self.sheet or _("file")
        if self.row is not None:
            where = _("%(sheet)s row %(row)s") % {"sheet": where, "row": self.row}
        if self.column:
            where = f"{where}, {self.column}"
        value = self.value
        if len(value) > _MAX_VALUE_SHOWN:
            value = value[: _MAX_VALUE_SHOWN - 1] + "…"
        shown = f" {value!r}" if self.value else ""
        return f"{where}:{shown} {self.reason}"


class InputRejected(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
