"""A model field whose value is encrypted in the database and plain text in Python."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from irum.vault import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with AES-GCM (irum.vault.crypto).

    The associated data names the column by its model's own label; a history table
    (django-simple-history) uses the label of the model it records, so the same value
    may be copied into history but into no other column. Lookups other than isnull are
    refused: search through a blind index instead.
    """

    description = "Encrypted text"

    def context(self) -> str:
        # Built once per field: it is asked for on every value read and written, and the
        # string never changes (a history model has its own copy of the field).
        cached = self.__dict__.get("_context")
        if cached is None:
            model = getattr(self.model, "instance_type", None) or self.model
            cached = f"{model._meta.app_label}.{model._meta.model_name}.{self.name}"
            self.__dict__["_context"] = cached
        return cached

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.context())

    def get_lookup(self, lookup_name: str):
        if lookup_name not in ("isnull", "exact_empty"):
            raise FieldError(
                f"{self.context()} is encrypted and cannot be searched with "
                f"'{lookup_name}'; use its blind index"
            )
        return super().get_lookup(lookup_name)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "irum.vault.fields.EncryptedTextField", args, kwargs
