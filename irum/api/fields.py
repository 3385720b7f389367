"""Serializer fields shared by the API's serializers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField, refusing a key with a NUL character as not found before
    it reaches the database: PostgreSQL cannot compare text holding one (DataError, a
    500). DRF's CharField refuses NUL already; its related fields do not."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)
