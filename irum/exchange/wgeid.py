"""A submission to the UN Working Group on Enforced or Involuntary Disappearances (WGEID)
for one person: a self-contained HTML document in English, to print to PDF and send
(docs/exports.md, "WGEID submission").

The Working Group examines only clearly identified individual cases that hold six
elements (its methods of work, A/HRC/WGEID/102/2, and its submission form): the identity
of the person; the date of the disappearance; the place of arrest or abduction, or where
the person was last seen; the forces believed responsible; the steps taken by the family
or others to locate the person; and the identity of whoever submits the case. `check`
names the elements a record lacks before anything is written, so a partner completes the
record first instead of learning it from the Working Group months later.

A submission is an identity document by nature: it carries the person's name. It is for
the members of the partner that owns the case (on whose behalf it is sent), and every
one is written to the audit log as an export of restricted data.

The Working Group transmits a case to the Government concerned. The document therefore
holds what identifies the person and the disappearance, and nothing that points at a
witness or a relative: no last known address, family contacts, restricted narratives or
descriptions, or source content. A partner who judges one of them safe to send adds it
by hand.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from irum.archive.models import CUSTODY_KINDS, Event, EventKind, Person
from irum.audit.services import audit_record
from irum.exchange.exporter import Scope
from irum.gazetteer.models import Agency, Place
from irum.lib import dates
from irum.partners import visibility

ELEMENTS: dict[int, Promise] = {
    1: _("Identity of the disappeared person"),
    2: _("Date of the disappearance"),
    3: _("Place of arrest or abduction, or where the person was last seen"),
    4: _("Forces believed responsible"),
    5: _("Steps taken by the family or others to locate the person"),
    6: _("Submitting organisation"),
}

# The names the United Nations uses, for the countries Irum's records reach.
UN_COUNTRY_NAMES = {
    "KP": "Democratic People's Republic of Korea",
    "KR": "Republic of Korea",
    "CN": "China",
    "RU": "Russian Federation",
    "JP": "Japan",
    "MN": "Mongolia",
    "VN": "Viet Nam",
    "LA": "Lao People's Democratic Republic",
    "TH": "Thailand",
    "KH": "Cambodia",
    "MM": "Myanmar",
}

# The details file may be short; anything this long is not a details file.
MAX_DETAILS_BYTES = 256 * 1024


class DetailsError(ValueError):
    """The details file cannot be read; the message says where and why."""


class Incomplete(Exception):
    """A submission lacks elements the Working Group requires (see `missing`)."""

    def __init__(self, missing: list[Missing]) -> None:
        super().__init__("; ".join(str(m) for m in missing))
        self.missing = missing


@dataclass(frozen=True)
class Details:
    """Given by the partner for one submission (a details file). A value given here wins
    over the record's: the person's nationality and family steps, the partner's contact
    address. See `completed`."""

    family_steps: str = ""
    nationality: str = ""
    submitter_contact: str = ""
    # The Working Group keeps the source's name and address confidential on request.
    submitter_confidential: bool = True


_DETAIL_TYPES = {
    "family_steps": str,
    "nationality": str,
    "submitter_contact": str,
    "submitter_confidential": bool,
}


def load_details(path: Path) -> Details:
    """Read a details file (TOML: family_steps, nationality, submitter_contact,
    submitter_confidential). Raises DetailsError naming the key and the reason."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DetailsError(
            _("%(path)s: cannot be read (%(reason)s)")
            % {"path": path.name, "reason": exc.strerror or exc}
        ) from None
    if len(raw) > MAX_DETAILS_BYTES:
        raise DetailsError(
            _("%(path)s: larger than %(max)d KB; a details file holds a few paragraphs")
            % {"path": path.name, "max": MAX_DETAILS_BYTES // 1024}
        )
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DetailsError(_("%(path)s: not UTF-8 text") % {"path": path.name}) from None
    except tomllib.TOMLDecodeError as exc:
        raise DetailsError(
            _("%(path)s: not a TOML file (%(reason)s)") % {"path": path.name, "reason": exc}
        ) from None
    problems = []
    for key, value in data.items():
        expected = _DETAIL_TYPES.get(key)
        if expected is None:
            problems.append(
                _("%(key)s: not a detail (details: %(known)s)")
                % {"key": key, "known": ", ".join(_DETAIL_TYPES)}
            )
        elif not isinstance(value, expected):
            problems.append(
                _("%(key)s: must be %(kind)s")
                % {"key": key, "kind": _("true or false") if expected is bool else _("text")}
            )
    if problems:
        raise DetailsError(f"{path.name}: " + "; ".join(str(p) for p in problems))
    return Details(**{k: v.strip() if isinstance(v, str) else v for k, v in data.items()})


# ----------------------------------------------------------------------------- dates


def describe_date(text: str) -> str:
    """An EDTF date in English words: "2013-04~" → "April 2013 (approximate)". The
    document shows the EDTF beside it, so nothing is lost in the wording. English
    whatever the preparer's language: the Working Group's (irum/lib/dates.describe)."""
    return dates.describe(text, "en")


def _to_the_day(text: str) -> bool:
    try:
        bounds = dates.parse(text)
    except dates.EDTFError:
        return False
    return (
        bounds.lower is not None
        and bounds.lower == bounds.upper
        and not bounds.uncertain
        and not bounds.approximate
    )


# ---------------------------------------------------------------------------- record


@dataclass(frozen=True)
class Missing:
    """An element the submission lacks (BLOCKING), or holds only in part."""

    element: int
    message: Promise | str
    blocking: bool = True

    @property
    def title(self) -> str:
        return str(ELEMENTS[self.element])

    def __str__(self) -> str:
        return f"{self.element}. {self.title}: {self.message}"


def _chain(person: Person) -> list[Event]:
    return list(person.events.select_related("place", "agency").order_by("chain_index", "pk"))


def disappearance_event(person: Person, chain: list[Event] | None = None) -> Event | None:
    """The event that dates and places the disappearance: the first deprivation of
    liberty, else the first event recorded as a disappearance, else the last sighting or
    last contact."""
    chain = _chain(person) if chain is None else chain
    for event in chain:
        if event.pk == person.first_deprivation_id:
            return event
    for event in chain:
        if event.kind == EventKind.DISAPPEARANCE:
            return event
    last_seen = [e for e in chain if e.kind in (EventKind.SIGHTING, EventKind.LAST_CONTACT)]
    return last_seen[-1] if last_seen else None


def _agencies(chain: list[Event], event: Event | None) -> list[Agency]:
    """Every agency of the custody chain, the disappearance's own first, each once."""
    found: dict[int, Agency] = {}
    if event is not None and event.agency is not None:
        found[event.agency.pk] = event.agency
    for step in chain:
        if step.agency is not None and (step.kind in CUSTODY_KINDS or step is event):
            found.setdefault(step.agency.pk, step.agency)
    return list(found.values())


def completed(person: Person, details: Details | None = None) -> Details:
    """DETAILS with what the archive holds filled in where the file left a gap."""
    details = details or Details()
    owner = person.case.owner
    return replace(
        details,
        family_steps=details.family_steps or person.family_steps.strip(),
        nationality=details.nationality or person.nationality.strip(),
        submitter_contact=details.submitter_contact
        or (owner.contact_address.strip() if owner else ""),
    )


def check(
    person: Person, details: Details | None = None, *, chain: list[Event] | None = None
) -> list[Missing]:
    """What the submission for PERSON lacks, element by element; an empty list when the
    Working Group has all it requires. Asked before anything is written."""
    details = completed(person, details)
    chain = _chain(person) if chain is None else chain
    event = disappearance_event(person, chain)
    missing: list[Missing] = []

    if not (person.full_name or person.full_name_ko):
        missing.append(Missing(1, _("no full name is recorded (in Latin or Korean letters)")))
    if not person.date_of_birth and person.birth_year is None:
        missing.append(Missing(1, _("no date or year of birth"), blocking=False))
    if person.sex not in ("male", "female"):
        missing.append(Missing(1, _("sex unknown"), blocking=False))
    if not details.nationality:
        missing.append(
            Missing(
                1,
                _("nationality not recorded (on the person, or nationality in the details file)"),
                blocking=False,
            )
        )

    if event is None:
        missing.append(
            Missing(
                2,
                _(
                    "no arrest, abduction, detention, disappearance, sighting or last "
                    "contact is recorded"
                ),
            )
        )
        missing.append(Missing(3, _("no event of the disappearance to take the place from")))
    else:
        if not event.date:
            missing.append(Missing(2, _("the event of the disappearance has no date")))
        elif not _to_the_day(event.date):
            missing.append(
                Missing(
                    2,
                    _("the Working Group asks for year, month and day; the record has %(date)s")
                    % {"date": describe_date(event.date)},
                    blocking=False,
                )
            )
        if event.place is None:
            missing.append(Missing(3, _("the event of the disappearance has no place")))

    agencies = _agencies(chain, event)
    if not agencies:
        missing.append(Missing(4, _("no agency is recorded anywhere in the custody chain")))
    elif event is not None and event.agency is None:
        missing.append(
            Missing(
                4,
                _("the event of the disappearance has no agency; the custody chain names some"),
                blocking=False,
            )
        )

    if not details.family_steps:
        missing.append(
            Missing(
                5,
                _(
                    "no steps taken by the family are recorded (on the person, or "
                    "family_steps in the details file)"
                ),
            )
        )

    if person.case.owner is None:
        missing.append(Missing(6, _("the case has no owner partner")))
    if not details.submitter_contact:
        missing.append(
            Missing(
                6,
                _(
                    "no postal address or e-mail for the Working Group to reply to (the "
                    "partner's contact address, or submitter_contact in the details file)"
                ),
            )
        )
    return missing


# ----------------------------------------------------------------------------- access


def may_submit(user: Any, person: Person) -> bool:
    """A submission is sent on behalf of the partner that owns the case: its members may
    prepare one (and the platform administrator). Seeing a case through sharing, or as
    any partner's member, is not enough to speak for its owner."""
    if not Scope.for_user(user).persons.filter(pk=person.pk).exists():
        return False
    if visibility.is_platform_admin(user):
        return True
    return person.case.owner_id is not None and person.case.owner_id in visibility.partner_ids(user)


def submittable_person(user: Any, public_id: str) -> Person | None:
    """The person with PUBLIC_ID, if USER may prepare a submission for them. None alike
    for a person that does not exist and one USER may not submit: the answer must not
    tell which."""
    person = (
        Person.objects.select_related("case", "case__owner").filter(public_id=public_id).first()
    )
    if person is None or not may_submit(user, person):
        return None
    return person


# ---------------------------------------------------------------------------- output


def _country(code: str) -> str:
    return " / ".join(UN_COUNTRY_NAMES.get(c, c) for c in code.split("/") if c)


def _place(place: Place | None) -> dict[str, str] | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "name_ko": place.name_ko,
        "kind": str(place.get_kind_display()),
        "region": place.admin1,
        "country": _country(place.country),
    }


def _agency(agency: Agency) -> dict[str, str]:
    return {"name": agency.name, "name_ko": agency.name_ko, "country": _country(agency.country)}


def _step(event: Event) -> dict[str, Any]:
    return {
        "kind": str(event.get_kind_display()),
        "date": describe_date(event.date),
        "edtf": event.date,
        "place": _place(event.place),
        "agency": _agency(event.agency) if event.agency else None,
        "custody": str(event.get_custody_acknowledged_display()),
        "description": event.description_public,
    }


@dataclass
class Submission:
    html: str
    missing: list[Missing] = field(default_factory=list)


def _context(
    person: Person, details: Details, chain: list[Event], missing: list[Missing], draft: bool
) -> dict[str, Any]:
    event = disappearance_event(person, chain)
    agencies = _agencies(chain, event)
    owner = person.case.owner
    states = list(dict.fromkeys(_country(a.country) for a in agencies if a.country))
    basis = ""
    if event is not None:
        basis = {
            EventKind.DISAPPEARANCE: "the disappearance as recorded",
            EventKind.SIGHTING: "the last time the person was seen",
            EventKind.LAST_CONTACT: "the last contact with the person",
        }.get(event.kind, "the first deprivation of liberty")
    return {
        "draft": draft,
        "missing": missing,
        "blocking": [m for m in missing if m.blocking],
        "prepared_on": timezone.localdate().isoformat(),
        "public_id": person.public_id,
        "case_public_id": person.case.public_id,
        "identity": {
            "full_name": person.full_name,
            "full_name_ko": person.full_name_ko,
            "aliases": person.alias_list,
            "sex": str(person.get_sex_display()) if person.sex != "unknown" else "",
            "date_of_birth": describe_date(person.date_of_birth),
            "date_of_birth_edtf": person.date_of_birth,
            "birth_year": person.birth_year,
            "nationality": details.nationality,
            "status": str(person.get_status_display()),
        },
        "event": _step(event) if event is not None else None,
        "basis": basis,
        "agencies": [_agency(a) for a in agencies],
        "states": states,
        "chain": [_step(e) for e in chain],
        "family_steps": details.family_steps,
        "organisation": {
            "name": owner.name if owner else "",
            "name_ko": owner.name_ko if owner else "",
            "contact": details.submitter_contact,
            "confidential": details.submitter_confidential,
        },
        "elements": {n: str(title) for n, title in ELEMENTS.items()},
    }


def wgeid_export(
    *,
    actor: AbstractBaseUser,
    person: Person,
    details: Details | None = None,
    draft: bool = False,
) -> Submission:
    """The submission for PERSON as HTML. Raises Incomplete, before anything is made or
    audited, when an element the Working Group requires is missing, unless DRAFT (the
    draft is marked as one and lists what is missing). The caller has checked
    `may_submit`; this checks again, since it hands out a name."""
    if not may_submit(actor, person):
        raise PermissionError("this user may not prepare a submission for this person")
    details = completed(person, details)
    chain = _chain(person)
    # Checked in the user's language, for the messages they read...
    missing = check(person, details, chain=chain)
    blocking = [m for m in missing if m.blocking]
    if blocking and not draft:
        raise Incomplete(blocking)
    # ...and made in English whatever the user's language: the Working Group's.
    with translation.override("en"):
        html = render_to_string(
            "exchange/wgeid.html",
            _context(person, details, chain, check(person, details, chain=chain), draft),
        )
    audit_record(
        actor=actor,
        kind="export",
        partner=person.case.owner,
        record_type="exchange.wgeid",
        record_id=person.public_id,
        summary=(
            f"WGEID submission{' draft' if draft else ''} for {person.public_id}: "
            "identity (restricted) included"
        ),
        changes={
            "include_restricted": True,
            "draft": draft,
            "missing": sorted({m.element for m in blocking}),
            "incomplete": sorted({m.element for m in missing if not m.blocking}),
            "prepared_on": timezone.localdate().isoformat(),
        },
    )
    return Submission(html=html, missing=missing)
