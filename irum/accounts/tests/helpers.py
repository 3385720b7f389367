"""Helpers for the two-factor tests: a real password login, and the 2FA page URLs."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

ENROL = reverse("admin:two_factor_enrol")
VERIFY = reverse("admin:two_factor_verify")
TWO_FACTOR_ROOT = ENROL.removesuffix("enrol/")


def password_login(client: Client, username: str, password: str, **extra: Any):
    """Sign in through the admin's login form, as a person (or a phisher) would."""
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )


def persona_login(client: Client, name: str):
    return password_login(client, name, f"{name}-long-test-pass")


def is_sent_to_two_factor(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(TWO_FACTOR_ROOT)
