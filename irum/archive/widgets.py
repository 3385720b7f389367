"""Admin widgets."""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple


class LabelledAutocompleteMixin:
    """An autocomplete box that labels its selected options from a table it is given.

    Django's own widget runs one query per box to label the selection, so a custody
    chain of fifty events would cost a hundred queries or more.
    """

    labels: dict[str, str]

    def __init__(self, field, admin_site, labels: dict[str, str], attrs=None) -> None:
        super().__init__(field, admin_site, attrs=attrs)  # type: ignore[call-arg]
        self.labels = labels

    def optgroups(self, name, value, attr=None):
        options: list = []
        if not self.is_required and not self.allow_multiple_selected:  # type: ignore[attr-defined]
            options.append(self.create_option(name, "", "", False, 0))  # type: ignore[attr-defined]
        selected = {str(v) for v in value if v not in (None, "")}
        for pk in sorted(selected):
            label = self.labels.get(pk, pk)
            options.append(self.create_option(name, pk, label, selected, len(options)))  # type: ignore[attr-defined]
        return [(None, options, 0)]


class LabelledAutocompleteSelect(LabelledAutocompleteMixin, AutocompleteSelect):
    pass


class LabelledAutocompleteSelectMultiple(LabelledAutocompleteMixin, AutocompleteSelectMultiple):
    pass
