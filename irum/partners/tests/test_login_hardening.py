"""Staff logins: argon2 hashes, and lockout after repeated failures (django-axes)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse


def _login(client, password):
    return client.post(
        reverse("admin:login"), {"username": "alice", "password": password}, REMOTE_ADDR="10.9.8.7"
    )


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2(personas):
    assert personas["alice"].password.startswith("argon2")


def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(
    client, personas, settings
):
    statuses = [
        _login(client, "wrong-guess").status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The form comes back for each failure until the limit; the last failure locks.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = _login(client, "alice-long-test-pass")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_logs_in_and_resets_the_count(client, personas):
    _login(client, "wrong-guess")
    response = _login(client, "alice-long-test-pass")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="alice").pk)
