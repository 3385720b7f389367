"""API tokens: made by an operator for a named user, shown once, kept as a hash, and
revocable; a bad or revoked token is a 401, never a fall back to the public view."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from irum.api.models import ApiToken


def make_token(username: str) -> str:
    out = io.StringIO()
    call_command(
        "api-token", "create", username, "--name", "script", stdout=out, stderr=io.StringIO()
    )
    return out.getvalue().strip()


def test_a_token_acts_with_its_users_rights(world):
    text = make_token("carol")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {text}")
    listed = {row["public_id"] for row in client.get("/api/cases/").json()["results"]}
    assert listed == {
        world[label]["case"].public_id
        for label in ("public-a", "partners-a", "restricted-b-shared-a")
    }
    assert ApiToken.objects.get().last_used_at is not None


def test_last_used_is_stamped_at_most_once_a_minute(world):
    text = make_token("carol")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {text}")
    client.get("/api/cases/")
    first = ApiToken.objects.get().last_used_at
    client.get("/api/cases/")
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/cases/")
    assert ApiToken.objects.get().last_used_at > first - timedelta(minutes=1)


def test_only_the_hash_of_a_token_is_stored(world):
    text = make_token("alice")
    # irum_<hex prefix>_<secret>: the secret is URL-safe base64, which may hold "_" itself,
    # so it is everything after the prefix (splitting at the last "_" left a scrap of two
    # characters that a hex digest contains by chance).
    secret = text.removeprefix("irum_").split("_", 1)[1]
    assert len(secret) == 43
    token = ApiToken.objects.get()
    assert secret not in token.digest and token.digest != secret and len(token.digest) == 64


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer nonsense", "Bearer irum_deadbeef_wrong", "Bearer irum_", "Bearer a b"],
)
def test_a_bad_token_is_a_401(world, header):
    response = APIClient(HTTP_AUTHORIZATION=header).get("/api/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_no_longer_works(world):
    text = make_token("alice")
    call_command("api-token", "revoke", ApiToken.objects.get().prefix, stdout=io.StringIO())
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/cases/").status_code == 401


def test_a_token_for_an_unknown_user_is_refused(world):
    with pytest.raises(CommandError):
        make_token("nobody")


def test_making_and_revoking_tokens_is_audited(world):
    from irum.audit.models import AuditEntry

    make_token("alice")
    call_command("api-token", "revoke", ApiToken.objects.get().prefix, stdout=io.StringIO())
    summaries = list(AuditEntry.objects.order_by("-seq").values_list("summary", flat=True)[:2])
    assert "revoked" in summaries[0] and "made for alice" in summaries[1]


def test_a_password_only_session_is_the_public_view(world, personas):
    client = APIClient()
    client.force_login(personas["alice"])  # no second factor
    assert client.get("/api/events/").status_code in (401, 403)
    assert client.get("/api/cases/").json()["count"] == 1
