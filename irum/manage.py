"""The `irum` console command: Django's manage.py, installed by `pip install -e .`."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "irum.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A refused configuration (production checks, missing keys) is a message for
        # the operator, not a traceback.
        sys.exit(f"irum: {exc}")


if __name__ == "__main__":
    main()
