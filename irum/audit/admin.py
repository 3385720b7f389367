"""The audit log in the admin: view only. Nobody adds, changes or deletes entries here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from irum.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "seq",
        "created_at",
        "kind",
        "actor_label",
        "partner",
        "record_type",
        "record_id",
        "summary",
    ]
    list_display_links = ["seq"]
    list_filter = ["kind", "partner", "actor", "record_type"]
    search_fields = ["record_id", "record_type", "actor_label", "summary"]
    date_hierarchy = "created_at"
    list_select_related = ["partner", "actor"]
    ordering = ["-seq"]
    show_full_result_count = False
    list_per_page = 100
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
