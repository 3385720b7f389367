import json
from typing import Any

from django.core.management.base import BaseCommand

from irum.reports.figures import compute
from irum.reports.public import public_figures


class Command(BaseCommand):
    help = (
        "Print the report figures (docs/figures.md): of the whole archive, or with --public "
        "of public cases only, with small counts suppressed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument(
            "--public",
            action="store_true",
            help="the public figures: public cases only, counts below "
            "IRUM_PUBLIC_MIN_COUNT suppressed (null in JSON)",
        )

    def handle(self, *args, json: bool = False, public: bool = False, **options):
        figures: dict[str, Any]
        if public:
            result = public_figures()
            figures, note = result.as_dict(), result.note
        else:
            figures, note = compute().as_dict(), ""
        if json:
            self.stdout.write(_dumps(figures))
            return
        for key, value in figures.items():
            if key == "suppression":
                continue
            self.stdout.write(f"{key}: {_dumps(value)}")
        if note:
            self.stdout.write(note)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=None)
