import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from irum.archive.actors import person_actor
from irum.exchange.wgeid import (
    Details,
    DetailsError,
    Incomplete,
    load_details,
    submittable_person,
    wgeid_export,
)


class Command(BaseCommand):
    help = (
        "Prepare a submission to the UN Working Group on Enforced or Involuntary "
        "Disappearances for one person, as an HTML document in English (docs/exports.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("person", help="the person's public id")
        parser.add_argument("--actor", required=True, help="the user preparing it")
        parser.add_argument(
            "--details",
            help=(
                "a TOML file that gives or overrides, for this submission: family_steps, "
                "nationality, submitter_contact, submitter_confidential"
            ),
        )
        parser.add_argument(
            "-o", "--output", help="the HTML file to write (default: wgeid-PUBLICID.html)"
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="write it even though elements are missing, marked as a draft",
        )

    def handle(self, *args, person, actor, details, output, draft, **options):
        user = person_actor(actor)
        target = submittable_person(user, person)
        if target is None:
            raise CommandError(
                _("No person with public id %(id)s for whom you may prepare a submission")
                % {"id": person}
            )
        try:
            given = load_details(Path(details)) if details else Details()
        except DetailsError as exc:
            raise CommandError(str(exc)) from None
        try:
            submission = wgeid_export(actor=user, person=target, details=given, draft=draft)
        except Incomplete as exc:
            lines = "\n".join(f"  - {m}" for m in exc.missing)
            raise CommandError(
                _(
                    "The Working Group cannot examine this case yet; complete the record, "
                    "or write a draft with --draft:\n%(missing)s"
                )
                % {"missing": lines}
            ) from None
        path = Path(output or f"wgeid-{target.public_id}.html")
        path.unlink(missing_ok=True)  # a leftover keeps its old mode
        # Owner-only: it names the person.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(submission.html)
        for missing in submission.missing:
            if not missing.blocking or draft:
                self.stderr.write(_("Note: %(item)s") % {"item": missing})
        if draft:
            self.stdout.write(_("Draft written to %(path)s") % {"path": path})
        else:
            self.stdout.write(_("Submission written to %(path)s") % {"path": path})
