from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from irum.partners.models import Organization


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "name", "name_ko"]
    search_fields = ["slug", "name", "name_ko"]
