from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "irum.routes"
    verbose_name = _("Transfer routes")
