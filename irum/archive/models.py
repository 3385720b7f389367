"""The archive: cases, persons, their custody chains (events) and the sources behind them.

Modelled on HURIDOCS' "who did what to whom", fitted to enforced disappearance: the
custody chain is the heart of the record, and every step carries its own uncertain date,
place, agency and sources.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from irum.gazetteer.models import Agency, Place
from irum.partners.models import Organization
from irum.vault.fields import EncryptedTextField


class Verification(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CORROBORATED = "corroborated", _("Corroborated")
    VERIFIED = "verified", _("Verified")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Shared with partners")
    RESTRICTED = "restricted", _("Restricted")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class Status(models.TextChoices):
    MISSING = "missing", _("Still missing")
    DETAINED = "detained", _("Detained")
    RELEASED = "released", _("Released")
    DECEASED = "deceased", _("Deceased")
    UNKNOWN = "unknown", _("Unknown")


class Reason(models.TextChoices):
    ESCAPE_REPATRIATED = "escape_repatriated", _("Repatriated after escape")
    ESCAPE_ATTEMPT = "escape_attempt", _("Attempted escape")
    ESCAPE_PREPARING = "escape_preparing", _("Preparing an escape")
    ESCAPE_HELPING = "escape_helping", _("Helping an escape")
    GUILT_BY_ASSOCIATION = "guilt_by_association", _("Guilt by association (연좌제)")
    OUTSIDE_CONTACT = "outside_contact", _("Contact with the outside world")
    CRITICISM = "criticism", _("Criticism of the leadership")
    RELIGION = "religion", _("Religion")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class EventKind(models.TextChoices):
    ARREST = "arrest", _("Arrest")
    ABDUCTION = "abduction", _("Abduction")
    DETENTION = "detention", _("Detention")
    INTERROGATION = "interrogation", _("Interrogation")
    TRANSFER = "transfer", _("Transfer")
    REPATRIATION = "repatriation", _("Forced repatriation")
    TRIAL = "trial", _("Trial")
    SENTENCE = "sentence", _("Sentence")
    RELEASE = "release", _("Release")
    ESCAPE = "escape", _("Escape")
    DEATH = "death", _("Death")
    SIGHTING = "sighting", _("Sighting")
    LAST_CONTACT = "last_contact", _("Last contact")
    DISAPPEARANCE = "disappearance", _("Disappearance")


# The first of these in a person's chain is their first deprivation of liberty (FDL),
# which defines the place and era of disappearance in the figures (docs/figures.md).
DEPRIVATION_KINDS = (EventKind.ARREST, EventKind.ABDUCTION, EventKind.DETENTION)
CUSTODY_KINDS = (
    *DEPRIVATION_KINDS,
    EventKind.INTERROGATION,
    EventKind.TRANSFER,
    EventKind.REPATRIATION,
    EventKind.TRIAL,
    EventKind.SENTENCE,
)


class CustodyAcknowledged(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DENIED = "denied", _("Denied")
    NOT_DISCLOSED = "not_disclosed", _("Location not disclosed")
    UNKNOWN = "unknown", _("Unknown")


class SourceKind(models.TextChoices):
    TESTIMONY = "testimony", _("Testimony")
    FAMILY_REPORT = "family_report", _("Family report")
    DOCUMENT = "document", _("Document")
    MEDIA = "media", _("Media")
    SATELLITE_IMAGE = "satellite_image", _("Satellite image")
    OFFICIAL_STATEMENT = "official_statement", _("Official statement")
    OTHER = "other", _("Other")


class Connection(models.TextChoices):
    VICTIM = "victim", _("The victim")
    WITNESS = "witness", _("A witness")
    RELATIVE = "relative", _("A relative")
    CO_DETAINEE = "co_detainee", _("A fellow detainee")
    ACQUAINTANCE = "acquaintance", _("An acquaintance")
    OFFICIAL = "official", _("An official")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Reliability(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    UNKNOWN = "unknown", _("Unknown")


class LiveManager(models.Manager):
    """Records not deleted. The default manager, so that every query of the archive
    (visibility, figures, exports, related managers) leaves deleted records out."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


def deleted_rows_index(name: str) -> models.Index:
    """An index of the deleted rows only. Nearly every row is live, and a full index on
    deleted_at led SQLite (before ANALYZE) to read whole tables through it for
    `deleted_at IS NULL`, in no useful order (bench/flows.py); live queries cannot use
    this one, and the restore pages, which list deleted rows, can."""
    return models.Index(
        fields=["deleted_at"], name=name, condition=models.Q(deleted_at__isnull=False)
    )


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic concurrency: a save from a stale copy (an older version) is refused,
    # never silently written over a colleague's change (archive.services.save_record).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Nothing is lost: deleting sets this, and an administrator can restore the record
    # (archive.services.*_delete / *_restore). Records deleted together with their case
    # or person carry the same time, which is how a restore finds them again.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    objects = LiveManager()
    # Every row, deleted or not: for restoring, and for uniqueness checks (a deleted
    # record keeps its ref and public id).
    all_objects = models.Manager()  # noqa: DJ012 (ruff takes LiveManager() for a field)

    class Meta:
        abstract = True


class Case(TimeStamped):
    ref = models.CharField(_("case ref"), max_length=64, unique=True)
    # Random, never derived from names or refs: it is what the public site shows.
    public_id = models.CharField(_("public id"), max_length=16, unique=True, editable=False)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("owner partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_cases",
    )
    # Partners a restricted case is shared with: their members may see it too.
    shared_with = models.ManyToManyField(
        Organization, verbose_name=_("shared with"), blank=True, related_name="shared_cases"
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    summary_public = models.TextField(_("public summary"), blank=True)
    narrative_restricted = EncryptedTextField(_("restricted narrative"), blank=True)
    reported_on = models.CharField(_("reported on (EDTF)"), max_length=64, blank=True)
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.REPORTED,
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.RESTRICTED,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["ref"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [deleted_rows_index("case_deleted_rows")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.title}" if self.title else self.ref


class Person(TimeStamped):
    ref = models.CharField(_("person ref"), max_length=64, unique=True)
    public_id = models.CharField(_("public id"), max_length=16, unique=True, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="persons"
    )
    # Position in the case as entered, so persons keep the order the documenter gave.
    position = models.PositiveIntegerField(_("position"), default=0)
    pseudonym = models.CharField(_("pseudonym"), max_length=120, blank=True)
    # The identity: encrypted at rest (irum.vault), shown only to authorised users.
    full_name = EncryptedTextField(_("full name"), blank=True)
    full_name_ko = EncryptedTextField(_("full name (Korean)"), blank=True)
    aliases = EncryptedTextField(_("aliases"), blank=True, help_text=_("Separate aliases with ;"))
    date_of_birth = EncryptedTextField(_("date of birth (EDTF)"), blank=True)
    address = EncryptedTextField(_("last known address"), blank=True)
    family_contacts = EncryptedTextField(_("family contacts"), blank=True)
    # What the family (or others) did to find the person: petitions, inquiries, brokers.
    # The UN Working Group asks for it (element 5); it can name relatives, so encrypted.
    family_steps = EncryptedTextField(
        _("steps taken by the family"),
        blank=True,
        db_default="",
        help_text=_("Inquiries, petitions and searches by the family or others, with dates."),
    )
    # Blind indexes (HMACs of the normalised names) let an authorised user find a person
    # by exact name, and flag likely duplicates across partners, without decrypting.
    full_name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    full_name_ko_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    nationality = models.CharField(
        _("nationality"),
        max_length=100,
        blank=True,
        db_default="",
        help_text=_("As the person or family gives it, e.g. DPRK; DPRK and ROK."),
    )
    home_province = models.ForeignKey(
        Place,
        verbose_name=_("home province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "province"},
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN
    )
    reason = models.CharField(
        _("reason"), max_length=30, choices=Reason.choices, default=Reason.UNKNOWN
    )
    # The first arrest, abduction or detention in the chain: derived, kept by the services
    # that order the chain (archive.chain). Stored because the report's place and era of
    # disappearance hang on it, and a join is far cheaper than finding it per person.
    first_deprivation = models.ForeignKey(
        "Event",
        verbose_name=_("first deprivation of liberty"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["first_deprivation"])

    class Meta:
        ordering = ["case__ref", "position", "ref"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [deleted_rows_index("person_deleted_rows")]

    def __str__(self) -> str:
        return self.pseudonym or self.ref

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split(";") if a.strip()]


class ProtectedName(models.Model):
    """The blind-index digest (irum.vault.crypto.blind_index) of each name a person is
    known by: full name, Hangul name and every alias. Comment moderation looks a reader's
    words up here (irum.discussion.moderation.names), so a protected name is found in a
    comment without any name being decrypted. Derived from Person by the services and the
    importer; `irum protected-names --rebuild` recomputes it (after a blind-index key
    change, say). Deleted persons keep theirs: they are no less at risk."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="protected_names")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "digest"], name="protected_name_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.digest[:8]}"


class Source(TimeStamped):
    ref = models.CharField(_("source ref"), max_length=64, unique=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    date = models.CharField(_("date (EDTF)"), max_length=64, blank=True)
    connection = models.CharField(
        _("connection to the information"),
        max_length=20,
        choices=Connection.choices,
        default=Connection.UNKNOWN,
    )
    reliability = models.CharField(
        _("reliability"), max_length=10, choices=Reliability.choices, default=Reliability.UNKNOWN
    )
    consent_public = models.BooleanField(_("consents to publication"), default=False)
    content_restricted = EncryptedTextField(_("restricted content"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["ref"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        indexes = [deleted_rows_index("source_deleted_rows")]

    def __str__(self) -> str:
        return self.ref


class Event(TimeStamped):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    # Order of entry (file order), the last tie-breaker of the chain order.
    position = models.PositiveIntegerField(_("position"), default=0)
    # The event's place in the custody chain, kept by services (see archive.chain). It is
    # stored so that the figures can find each person's first deprivation in SQL.
    chain_index = models.PositiveIntegerField(_("chain index"), default=0, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    date = models.CharField(_("date (EDTF)"), max_length=64, blank=True)
    date_lower = models.DateField(_("earliest date"), null=True, blank=True, editable=False)
    date_upper = models.DateField(_("latest date"), null=True, blank=True, editable=False)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    custody_acknowledged = models.CharField(
        _("custody acknowledged"),
        max_length=20,
        choices=CustodyAcknowledged.choices,
        default=CustodyAcknowledged.UNKNOWN,
    )
    description_public = models.TextField(_("public description"), blank=True)
    description_restricted = EncryptedTextField(_("restricted description"), blank=True)
    sources = models.ManyToManyField(
        Source, through="EventSource", related_name="events", blank=True
    )
    history = HistoricalRecords(excluded_fields=["chain_index"])

    class Meta:
        ordering = ["person_id", "chain_index"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["person", "chain_index"], name="event_person_chain"),
            # Covers the report's pass over a person's custody events (kind, agency, order)
            # without reading the table, and keeps SQLite's planner off the agency index
            # even before ANALYZE has run.
            models.Index(
                fields=["person", "kind", "agency", "chain_index"], name="event_person_kind_agency"
            ),
            deleted_rows_index("event_deleted_rows"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "seq"],
                condition=models.Q(seq__isnull=False),
                name="event_seq_unique_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}".strip()


class EventSource(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "source"], name="eventsource_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} ← {self.source_id}"


# Deleted records, for restoring them in the admin (irum.archive.admin). Proxies of the
# archive models whose default manager sees every row; the admin narrows them to what
# the user may restore (irum.partners.visibility.restorable_*).


class DeletedCase(Case):
    objects = models.Manager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("deleted case")
        verbose_name_plural = _("deleted cases")


class DeletedPerson(Person):
    objects = models.Manager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("deleted person")
        verbose_name_plural = _("deleted persons")


class DeletedEvent(Event):
    objects = models.Manager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("deleted event")
        verbose_name_plural = _("deleted events")


class DeletedSource(Source):
    objects = models.Manager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("deleted source")
        verbose_name_plural = _("deleted sources")
