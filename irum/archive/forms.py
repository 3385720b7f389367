"""Admin and page forms for the archive. Saving goes through services, never form.save().

A form that is asked to save (by the admin or an inline formset) calls `persist`, which
calls the model's service with the acting user; so the admin keeps the same rules,
validation and history as the importer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from irum.archive import services
from irum.archive.models import Case, Event, Person, Source
from irum.archive.widgets import LabelledAutocompleteSelectMultiple
from irum.lib import dates
from irum.partners import visibility
from irum.partners.models import Organization


class ServiceForm(forms.ModelForm):
    # Set per request by the admin (see ServiceAdminMixin.bind_actor).
    actor: ClassVar[AbstractBaseUser | None] = None
    # The version of the record this form was opened on: saving from a stale copy is
    # refused (archive.services.save_record), so two editors never overwrite each other. (Not
    # named `version`: the admin refuses a form field named like a non-editable column.)
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        opened = cleaned.get("opened_version")
        if self.instance.pk and opened is not None:
            current = (
                type(self.instance)
                ._default_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != opened:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this record after you opened it. Nothing was "
                        "saved: reload the page, check their change, and apply yours again."
                    ),
                    code="edit_conflict",
                )
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The cleaned values of the model's own fields (not extra form fields)."""
        model_fields = {f.name for f in self._meta.model._meta.concrete_fields}
        data = {name: value for name, value in self.cleaned_data.items() if name in model_fields}
        return data

    def persist(self, *, actor: AbstractBaseUser | None) -> models.Model:
        raise NotImplementedError

    def save(self, commit: bool = True) -> models.Model:
        if not commit:
            return super().save(commit=False)
        opened = self.cleaned_data.get("opened_version")
        if self.instance.pk and opened is not None:
            # Save as the copy the editor opened: the service refuses it if it is stale.
            self.instance.version = opened
        saved = self.persist(actor=self.actor)
        if saved is not self.instance:
            # The admin and nested formsets keep using form.instance afterwards (as the
            # parent of nested rows, for messages and redirects): make it the saved row.
            for field in saved._meta.concrete_fields:
                setattr(self.instance, field.attname, getattr(saved, field.attname))
            self.instance._state.adding = False
            self.instance._state.db = saved._state.db
        return self.instance


def _clean_edtf(value: str) -> str:
    try:
        return dates.parse(value or "").text
    except dates.EDTFError as exc:
        raise forms.ValidationError(
            _("%(value)s %(reason)s"), params={"value": repr(value), "reason": str(exc)}
        ) from None


class CaseForm(ServiceForm):
    class Meta:
        model = Case
        fields = [
            "ref",
            "title",
            "owner",
            "confidentiality",
            "verification",
            "reported_on",
            "summary_public",
            "narrative_restricted",
        ]

    def clean_reported_on(self) -> str:
        return _clean_edtf(self.cleaned_data.get("reported_on", ""))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "owner" in self.fields and not visibility.is_platform_admin(self.actor):
            # Partner staff file cases under a partner they edit for, and nowhere else.
            self.fields["owner"].queryset = Organization.objects.filter(
                pk__in=visibility.partner_ids(self.actor, visibility.WRITE_ROLES)
            )
            self.fields["owner"].required = True

    def persist(self, *, actor):
        data = self.service_data()
        if self.instance.pk:
            return services.case_update(actor=actor, case=self.instance, **data)
        ref = data.pop("ref")
        return services.case_create(actor=actor, ref=ref, **data)


class PersonForm(ServiceForm):
    class Meta:
        model = Person
        fields = [
            "ref",
            "pseudonym",
            "full_name",
            "full_name_ko",
            "aliases",
            "sex",
            "birth_year",
            "home_province",
            "status",
            "reason",
            "date_of_birth",
            "address",
            "family_contacts",
            "family_steps",
            "nationality",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs={"size": 30}),
            "full_name_ko": forms.TextInput(attrs={"size": 20}),
            "date_of_birth": forms.TextInput(attrs={"size": 12, "placeholder": "1975-03"}),
            "aliases": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "address": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "family_contacts": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "family_steps": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            "nationality": forms.TextInput(attrs={"size": 12}),
        }

    def clean_date_of_birth(self) -> str:
        return _clean_edtf(self.cleaned_data.get("date_of_birth", ""))

    def clean_case(self):
        case = self.cleaned_data.get("case")
        if case is not None and not visibility.can_change_case(self.actor, case):
            raise forms.ValidationError(_("You may not add persons to this case."))
        return case

    def persist(self, *, actor):
        data = self.service_data()
        data.pop("id", None)
        # An inline formset adds the parent's key (`case`) to the form's data.
        case = data.pop("case", None) or self.instance.case
        if self.instance.pk:
            return services.person_update(actor=actor, person=self.instance, case=case, **data)
        ref = data.pop("ref")
        return services.person_create(actor=actor, ref=ref, case=case, **data)


class PersonStandaloneForm(PersonForm):
    class Meta(PersonForm.Meta):
        fields = ["case", *PersonForm.Meta.fields]


class EventForm(ServiceForm):
    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.all(), required=False, label=_("sources")
    )

    class Media:
        css = {"all": ["irum/archive-admin.css"]}

    class Meta:
        model = Event
        fields = [
            "seq",
            "kind",
            "date",
            "place",
            "agency",
            "custody_acknowledged",
            "description_public",
            "description_restricted",
        ]
        widgets = {
            "description_public": forms.Textarea(attrs={"rows": 2, "cols": 30}),
            "description_restricted": forms.Textarea(attrs={"rows": 2, "cols": 30}),
            "date": forms.TextInput(attrs={"size": 12, "placeholder": "2013-04~"}),
            # A class, not a style attribute: the CSP allows no inline style.
            "seq": forms.NumberInput(attrs={"class": "irum-seq"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = self.fields["sources"]
        # .all() uses the inline's prefetch: no query per event row.
        chosen = list(self.instance.sources.all()) if self.instance.pk else []
        sources.widget = LabelledAutocompleteSelectMultiple(
            Event._meta.get_field("sources"), admin.site, {str(s.pk): str(s) for s in chosen}
        )
        sources.widget.choices = sources.choices
        sources.initial = [s.pk for s in chosen]

    def clean_date(self) -> str:
        return _clean_edtf(self.cleaned_data.get("date", ""))

    def persist(self, *, actor):
        data = self.service_data()
        data.pop("id", None)
        sources = list(self.cleaned_data.get("sources") or [])
        # An inline formset adds the parent's key (`person`) to the form's data.
        person = data.pop("person", None) or self.instance.person
        if self.instance.pk:
            return services.event_update(
                actor=actor, event=self.instance, sources=sources, person=person, **data
            )
        kind = data.pop("kind")
        return services.event_record(actor=actor, person=person, kind=kind, sources=sources, **data)


class EventStandaloneForm(EventForm):
    class Meta(EventForm.Meta):
        fields = ["person", *EventForm.Meta.fields]


class SourceForm(ServiceForm):
    class Meta:
        model = Source
        fields = [
            "ref",
            "kind",
            "date",
            "connection",
            "reliability",
            "consent_public",
            "content_restricted",
        ]

    def clean_date(self) -> str:
        return _clean_edtf(self.cleaned_data.get("date", ""))

    def persist(self, *, actor):
        data = self.service_data()
        if self.instance.pk:
            return services.source_update(actor=actor, source=self.instance, **data)
        ref = data.pop("ref")
        return services.source_create(actor=actor, ref=ref, **data)
