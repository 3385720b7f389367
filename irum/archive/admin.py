"""Data entry: a case with its persons, and each person's events in chain order, on one
screen (django-nested-admin). Every save goes through the archive services."""

from __future__ import annotations

import nested_admin
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from irum.archive import services
from irum.archive.forms import (
    CaseForm,
    EventForm,
    EventStandaloneForm,
    PersonForm,
    PersonStandaloneForm,
    ServiceForm,
    SourceForm,
)
from irum.archive.models import (
    Case,
    DeletedCase,
    DeletedEvent,
    DeletedPerson,
    DeletedSource,
    Event,
    Person,
    Source,
)
from irum.archive.widgets import LabelledAutocompleteSelect
from irum.audit.services import audit_record
from irum.exchange.downloads import DOWNLOAD_ACTIONS
from irum.gazetteer.models import Agency, Place
from irum.partners import visibility
from irum.routes.views import person_route_context
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
        # simple_history's history pages pass a record rebuilt from its history, which
        # may be deleted: a deleted record is seen on the deleted-record pages only.
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        if isinstance(obj, Source):
            # A source may support several cases; every one of them must be changeable.
            return visibility.can_change_source(request.user, obj)
        return visibility.can_change_case(request.user, case_of(obj))


_DELETE = {
    Case: (services.case_delete, "case"),
    Person: (services.person_delete, "person"),
    Event: (services.event_delete, "event"),
    Source: (services.source_delete, "source"),
}
_RESTORE = {
    Case: (services.case_restore, "case"),
    Person: (services.person_restore, "person"),
    Event: (services.event_restore, "event"),
    Source: (services.source_restore, "source"),
}
_DELETE_REASON = "deleted in the admin"  # stored data: English, whoever deleted


def _concrete(obj):
    """A deleted-record proxy row as its archive model, for the services."""
    model = obj._meta.concrete_model
    if type(obj) is model:
        return obj
    return model.all_objects.get(pk=obj.pk)


def audit_restricted_view(request: HttpRequest, obj, *, summary: str) -> None:
    """Every view of a record's restricted fields leaves an audit entry (issue 3)."""
    case = case_of(obj)
    audit_record(
        actor=request.user,
        kind="view_restricted",
        partner=case.owner if case is not None else None,
        record=obj,
        summary=summary,
    )


class ServiceAdminMixin(PartnerScopedMixin):
    """Route the main object's save through its form's service, and its delete through
    the soft-delete service: nothing is lost, and an administrator can restore it."""

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = bind_actor(self.form, request)
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        # form.save() calls the service with the form's bound actor (request.user).
        form.save(commit=True)

    def has_delete_permission(self, request, obj=None):
        # Deleting is soft (the record is marked, never removed) and follows the right
        # to change the record.
        return self.has_change_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # Django's own summary collects related rows for a hard delete and stops at the
        # PROTECT foreign keys; a soft delete marks the records below instead. Say so.
        objs = list(objs)
        below: list[str] = []
        for obj in objs:
            if isinstance(obj, Case):
                n_persons = Person.objects.filter(case=obj).count()
                n_events = Event.objects.filter(person__case=obj).count()
                below.append(
                    ngettext(
                        "%(n)d person and their events (%(e)d) are deleted with %(obj)s",
                        "%(n)d persons and their events (%(e)d) are deleted with %(obj)s",
                        n_persons,
                    )
                    % {"n": n_persons, "e": n_events, "obj": obj}
                )
            elif isinstance(obj, Person):
                n_events = Event.objects.filter(person=obj).count()
                below.append(
                    ngettext(
                        "%(n)d event is deleted with %(obj)s",
                        "%(n)d events are deleted with %(obj)s",
                        n_events,
                    )
                    % {"n": n_events, "obj": obj}
                )
        summary = [str(obj) for obj in objs] + below
        counts = {self.model._meta.verbose_name_plural: len(objs)}
        return summary, counts, set(), []

    def delete_model(self, request, obj):
        delete, kind = _DELETE[type(obj)]
        delete(actor=request.user, **{kind: obj}, change_reason=_DELETE_REASON)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None and request.method == "GET":
            audit_restricted_view(request, obj, summary="opened in the admin")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        # simple_history renders without a TemplateResponse: find the record again.
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is not None and response.status_code == 200:
            audit_restricted_view(
                request, obj, summary=f"opened history version {version_id} in the admin"
            )
        return response


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
                    ("sex", "birth_year", "home_province", "nationality"),
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
                    "family_steps",
                ]
            },
        ),
    ]


@admin.register(Case)
class CaseAdmin(ServiceAdminMixin, nested_admin.NestedModelAdmin, SimpleHistoryAdmin):
    actions = DOWNLOAD_ACTIONS
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
    actions = DOWNLOAD_ACTIONS

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The person's own route, numbered, with its dates: drawn from what this user may
        # see (a record she cannot see gets the admin's usual answer, and no route).
        person = self.visible(request.user).filter(pk=object_id).only("public_id").first()
        if person is not None and request.method == "GET":
            extra_context = (extra_context or {}) | person_route_context(person, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # Names are encrypted: an exact full name (in Latin letters or Hangul, any case or
        # spacing) is found through its blind index, never by decrypting every row.
        results, distinct = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            index = blind_index(search_term)
            by_name = queryset.filter(Q(full_name_index=index) | Q(full_name_ko_index=index))
            found = list(by_name.values_list("public_id", flat=True)[:50])
            if found:
                # A search by name is a look at restricted data: audited, with what it
                # found but never with the name searched for.
                audit_record(
                    actor=request.user,
                    kind="view_restricted",
                    record_type="archive.person",
                    summary="found by exact name in the admin",
                    changes={"public_ids": found},
                )
            results |= by_name
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


class DeletedRecordAdmin(admin.ModelAdmin):
    """Deleted records of one kind: listed for those who may restore them, and restored
    by an action. Read-only otherwise; nothing here removes a row."""

    restorable = staticmethod(visibility.restorable_cases)
    actions = ["restore_selected"]
    list_display = ["__str__", "deleted_at"]
    ordering = ["-deleted_at"]

    def get_queryset(self, request):
        return self.restorable(request.user)

    def has_module_permission(self, request):
        return request.user.is_staff and visibility.can_restore(request.user)

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Django adds delete_selected; a deleted record is never removed for good here.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Restore the selected records"))
    def restore_selected(self, request, queryset):
        restored = 0
        for obj in queryset:
            record = _concrete(obj)
            restore, kind = _RESTORE[type(record)]
            try:
                restore(actor=request.user, **{kind: record}, change_reason="restored in the admin")
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                restored += 1
        if restored:
            self.message_user(
                request,
                ngettext("%(n)d record restored.", "%(n)d records restored.", restored)
                % {"n": restored},
                messages.SUCCESS,
            )


@admin.register(DeletedCase)
class DeletedCaseAdmin(DeletedRecordAdmin):
    restorable = staticmethod(visibility.restorable_cases)
    list_display = ["ref", "public_id", "title", "owner", "deleted_at"]
    list_select_related = ["owner"]
    search_fields = ["ref", "public_id"]


@admin.register(DeletedPerson)
class DeletedPersonAdmin(DeletedRecordAdmin):
    restorable = staticmethod(visibility.restorable_persons)
    list_display = ["ref", "public_id", "pseudonym", "case", "deleted_at"]
    list_select_related = ["case"]
    search_fields = ["ref", "public_id"]


@admin.register(DeletedEvent)
class DeletedEventAdmin(DeletedRecordAdmin):
    restorable = staticmethod(visibility.restorable_events)
    list_display = ["person", "kind", "date", "place", "deleted_at"]
    list_select_related = ["person", "place"]


@admin.register(DeletedSource)
class DeletedSourceAdmin(DeletedRecordAdmin):
    restorable = staticmethod(visibility.restorable_sources)
    list_display = ["ref", "kind", "date", "deleted_at"]
    search_fields = ["ref"]
