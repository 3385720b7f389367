"""Partner organisations. Membership, sharing and the visibility rules build on this."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organization(models.Model):
    slug = models.SlugField(_("id"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name
