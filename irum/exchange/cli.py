"""What the import commands print: one wording for the workbook and the Uwazi importer."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from irum.exchange.importer import ImportResult


def report_import(command: BaseCommand, result: ImportResult, *, dry_run: bool) -> None:
    """Warnings and problems to stderr; the counts to stdout, or a CommandError when
    any row was refused (nothing was written then)."""
    for notice in result.likely_duplicates:
        command.stderr.write(_("warning: %(notice)s") % {"notice": notice})
    if result.problems:
        for problem in result.problems:
            command.stderr.write(str(problem))
        n = len(result.problems)
        raise CommandError(
            ngettext(
                "%(n)d problem found; nothing was imported.",
                "%(n)d problems found; nothing was imported.",
                n,
            )
            % {"n": n}
        )
    if dry_run:
        message = _(
            "Would import: cases %(cases)d, persons %(persons)d, events %(events)d, "
            "sources %(sources)d, new places %(places)d. Nothing was written (dry run)."
        )
    else:
        message = _(
            "Imported: cases %(cases)d, persons %(persons)d, events %(events)d, "
            "sources %(sources)d, new places %(places)d."
        )
    command.stdout.write(
        message
        % {
            "cases": result.cases,
            "persons": result.persons,
            "events": result.events,
            "sources": result.sources,
            "places": result.places_created,
        }
    )
