"""What a production deployment refuses to start with (read by irum/settings.py).

Kept apart from settings so that the rules read as one list and are tested one by one.
Imported while settings load: nothing here may import Django models or settings.
"""

from __future__ import annotations

# Django's own deploy check (security.W009) uses the same measures: a key this short, this
# repetitive or from startproject's template is guessable or already public.
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5
INSECURE_KEY_PREFIX = "django-insecure"


def refusals(
    *,
    debug: bool,
    secret_key: str,
    require_2fa: bool,
    secure_cookies: bool,
    allowed_hosts: list[str],
) -> list[str]:
    """Every reason the configuration is unfit to serve real records (empty when fit).

    All are listed at once, so that an operator fixes them in one pass."""
    problems = []
    if debug:
        problems.append("IRUM_DEBUG is on: debug pages show settings, queries and record values.")
    if not secret_key:
        problems.append("IRUM_SECRET_KEY (or IRUM_SECRET_KEY_FILE) is not set.")
    elif secret_key.startswith(INSECURE_KEY_PREFIX):
        problems.append("IRUM_SECRET_KEY is a Django default ('django-insecure-...').")
    elif (
        len(secret_key) < MIN_SECRET_KEY_LENGTH
        or len(set(secret_key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS
    ):
        problems.append(
            f"IRUM_SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random "
            "characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if not require_2fa:
        problems.append("IRUM_REQUIRE_2FA is off: a phished password would open the archive.")
    if not secure_cookies:
        problems.append("IRUM_SECURE_COOKIES is off: session cookies would travel unencrypted.")
    if not allowed_hosts or "*" in allowed_hosts:
        problems.append("IRUM_ALLOWED_HOSTS must name the site's host names, not '*'.")
    return problems
