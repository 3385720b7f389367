import json

from django.core.management.base import BaseCommand

from irum.reports.figures import compute


class Command(BaseCommand):
    help = "Print the report figures (docs/figures.md)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, json: bool = False, **options):
        figures = compute().as_dict()
        if json:
            self.stdout.write(_dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {_dumps(value) if isinstance(value, dict) else value}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=None)
