"""Partner organisations and their members. What a member may see or change is decided
in one place, irum.partners.visibility."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organization(models.Model):
    slug = models.SlugField(_("id"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True)
    # Where the UN Working Group and other bodies reply to a submission from this partner.
    contact_address = models.TextField(
        _("contact address"),
        blank=True,
        db_default="",
        help_text=_("Postal address or e-mail for replies to submissions."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"
