from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from irum.gazetteer.models import Agency, AgencyName, Place, PlaceName


class PlaceNameInline(admin.TabularInline):
    model = PlaceName
    fields = ["name"]
    extra = 0


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    fields = ["name", "valid_from", "valid_to"]
    extra = 0


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_ko", "kind", "country", "admin1", "precision", "lat", "lon"]
    list_filter = ["kind", "country", "precision"]
    search_fields = ["slug", "name", "name_ko", "names__folded", "names__name"]
    readonly_fields = ["slug"]
    inlines = [PlaceNameInline]

    # The gazetteer is sourced data, loaded by `irum load-gazetteer`: change the CSV and
    # reload, so every place keeps its source. New places also come in through imports.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "name", "name_ko", "country", "parent"]
    list_filter = ["country"]
    search_fields = ["slug", "name", "name_ko", "names__folded", "names__name"]
    inlines = [AgencyNameInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
