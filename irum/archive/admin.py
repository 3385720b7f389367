"""Data entry: a case with its persons, and each person's events in chain order, on one
screen (django-nested-admin). Every save goes through the archive services."""

from __future__ import annotations

import nested_admin
from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from irum.archive.forms import (
    CaseForm,
    EventForm,
    EventStandaloneForm,
    PersonForm,
    PersonStandaloneForm,
    ServiceForm,
    SourceForm,
)
from irum.archive.models import Case, Event, Person, Source
from irum.archive.widgets import LabelledAutocompleteSelect
from irum.gazetteer.models import Agency, Place
from irum.partners import visibility
from irum.vault.crypto import blind_index


def bind_actor(form_class: type[ServiceForm], request: HttpRequest) -> type[ServiceForm]:
    """A subclass of the form that records request.user as the actor of its saves."""
    return type(form_class.__name__, (form_class,), {"actor": request.user})


def case_of(obj) -> Case | None:
    """The case a record belongs to: visibility and change rights follow it."""
    # Unsaved rows (a new person on the case page) may not have a parent yet.
    if isinstance(obj, Case):
        return obj
    if isinstance(obj, Person):
        return obj.case if obj.case_id else None
    if isinstance(obj, Event):
        return case_of(obj.person) if obj.person_id else None
    return None


class PartnerScopedMixin:
    """Admin pages show a partner's staff only what irum.partners.visibility allows."""

    def visible(self, user):
        return visibility.visible_cases(user)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=self.visible(request.user).values("pk"))

    def has_module_permission(self, request):
        return request.user.is_staff and visibility.is_partner_member(request.user)

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, obj=None):
        return request.user.is_staff and visibility.can_change_case(request.user)

    def has_change_permission(self, request, obj=None):
        if not request.user.is_staff:
            return False
        if obj is None:
            return visibility.can_change_case(request.user)
        if isinstance(obj, Source):
            # A source may support several cases; every one of them must be changeable.
            return visibility.can_change_source(request.user, obj)
        return visibility.can_change_case(request.user, case_of(obj))


class ServiceAdminMixin(PartnerScopedMixin):
    """Route the main object's save through its form's service."""

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = bind_actor(self.form, request)
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        # form.save() calls the service with the form's bound actor (request.user).
        form.save(commit=True)

    def has_delete_permission(self, request, obj=None):
        # Nothing is lost: records are never hard-deleted from the admin.
        return False


class BoundInlineMixin:
    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = bind_actor(self.form, request)
        return super().get_formset(request, obj, **kwargs)

    # OBJ is the parent record; rights follow its case (a new case: any partner editor).
    def has_add_permission(self, request, obj=None):
        return visibility.can_change_case(request.user, case_of(obj) if obj else None)

    def has_change_permission(self, request, obj=None):
        return visibility.can_change_case(request.user, case_of(obj) if obj else None)

    def has_view_permission(self, request, obj=None):
        return visibility.is_partner_member(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(BoundInlineMixin, nested_admin.NestedTabularInline):
    model = Event
    form = EventForm
    extra = 0
    # Autocomplete boxes labelled from one table per request keep a long chain to a
    # fixed number of queries: a plain select loads every place once per event row.
    autocomplete_fields = ["place", "agency"]
    ordering = ["chain_index"]
    fk_name = "person"
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sources")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        labels = _labels_for(request)
        base = formset.form

        class LabelledEventForm(base):  # type: ignore[valid-type, misc]
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                for name in ("place", "agency"):
                    widget = self.fields[name].widget
                    inner = getattr(widget, "widget", widget)  # unwrap the related-field wrapper
                    replacement = LabelledAutocompleteSelect(
                        inner.field, inner.admin_site, labels[name], attrs=inner.attrs
                    )
                    replacement.choices = inner.choices
                    if hasattr(widget, "widget"):
                        widget.widget = replacement
                    else:
                        self.fields[name].widget = replacement

        formset.form = LabelledEventForm
        return formset


def _labels_for(request: HttpRequest) -> dict[str, dict[str, str]]:
    """Labels of every place and agency, built once per request (two queries)."""
    cached = getattr(request, "_irum_labels", None)
    if cached is None:
        cached = {
            "place": {str(p.pk): str(p) for p in Place.objects.all()},
            "agency": {str(a.pk): str(a) for a in Agency.objects.all()},
        }
        request._irum_labels = cached  # type: ignore[attr-defined]
    return cached


class PersonInline(BoundInlineMixin, nested_admin.NestedStackedInline):
    model = Person
    form = PersonForm
    extra = 0
    inlines = [EventInline]
    ordering = ["position", "pk"]
    show_change_link = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("ref", "pseudonym"),
                    ("sex", "birth_year", "home_province"),
                    ("status", "reason"),
                    "opened_version",
                ]
            },
        ),
        (
            _("Identity (restricted, encrypted)"),
            {
                "fields": [
                    ("full_name", "full_name_ko"),
                    ("date_of_birth", "aliases"),
                    ("address", "family_contacts"),
                ]
            },
        ),
    ]


@admin.register(Case)
class CaseAdmin(ServiceAdminMixin, nested_admin.NestedModelAdmin, SimpleHistoryAdmin):
    form = CaseForm
    inlines = [PersonInline]
    list_display = [
        "ref",
        "public_id",
        "title",
        "owner",
        "confidentiality",
        "verification",
        "person_count",
    ]
    list_filter = ["confidentiality", "verification", "owner"]
    search_fields = ["ref", "public_id", "title", "persons__ref", "persons__pseudonym"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("ref", "public_id"),
                    "title",
                    ("owner", "confidentiality", "verification"),
                    "reported_on",
                ]
            },
        ),
        (_("Public"), {"fields": ["summary_public"]}),
        (_("Restricted"), {"fields": ["narrative_restricted"]}),
        # `opened_version` is a hidden field: it carries the copy's version for conflict checks.
        (_("Record"), {"fields": [("created_at", "updated_at"), "opened_version"]}),
    ]

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .select_related("owner")
            .annotate(n_persons=Count("persons"))
        )

    @admin.display(description=_("persons"), ordering="n_persons")
    def person_count(self, obj: Case) -> int:
        return obj.n_persons


@admin.register(Person)
class PersonAdmin(ServiceAdminMixin, nested_admin.NestedModelAdmin, SimpleHistoryAdmin):
    def visible(self, user):
        return visibility.visible_persons(user)

    form = PersonStandaloneForm
    inlines = [EventInline]
    list_display = [
        "ref",
        "public_id",
        "pseudonym",
        "case",
        "sex",
        "birth_year",
        "status",
        "reason",
    ]
    list_filter = [
        "sex",
        "status",
        "reason",
        "case__confidentiality",
        # Only provinces someone comes from, not the whole gazetteer.
        ("home_province", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["case"]
    search_fields = ["ref", "public_id", "pseudonym", "case__ref"]
    readonly_fields = ["public_id"]
    autocomplete_fields = ["case"]

    def get_search_results(self, request, queryset, search_term):
        # Names are encrypted: an exact full name (in Latin letters or Hangul, any case or
        # spacing) is found through its blind index, never by decrypting every row.
        results, distinct = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            index = blind_index(search_term)
            results |= queryset.filter(Q(full_name_index=index) | Q(full_name_ko_index=index))
        return results, distinct


@admin.register(Event)
class EventAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    def visible(self, user):
        return visibility.visible_events(user)

    form = EventStandaloneForm
    list_display = [
        "person",
        "chain_index",
        "seq",
        "kind",
        "date",
        "place",
        "agency",
        "custody_acknowledged",
    ]
    list_filter = ["kind", "custody_acknowledged", "agency", "place__country"]
    list_select_related = ["person", "place", "agency"]
    search_fields = ["person__ref", "person__pseudonym", "date", "place__name"]
    autocomplete_fields = ["person", "place", "agency"]
    ordering = ["person_id", "chain_index"]


@admin.register(Source)
class SourceAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    def visible(self, user):
        return visibility.visible_sources(user)

    form = SourceForm
    list_display = ["ref", "kind", "date", "connection", "reliability", "consent_public"]
    list_filter = ["kind", "connection", "reliability", "consent_public"]
    search_fields = ["ref"]
