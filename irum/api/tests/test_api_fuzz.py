"""The API under a fuzzer (issue 5, "Bad input"): schemathesis generates requests from
the OpenAPI schema the app serves at /api/schema/, sends them to a live test server
holding the demo data, and checks every answer: no 500, a documented status code, the
documented content type, and a body that fits the documented schema.

It runs three times: as the anonymous public (the public projection), with a partner
editor's API token, whose writes (POST, PUT, PATCH, DELETE) reach the cases her partner
owns, and with the platform administrator's, who alone writes the gazetteer. Half the requests that name a record name a real one, and half the generated
bodies have their references (owner, case, person, place, agency, sources, version)
replaced by real keys, so that writes get past "not found" and some succeed or conflict.

The run is bounded for CI: few examples per operation, Hypothesis derandomized, no
example database and no shrinking, so the same requests go out on every run and the
whole file takes about a minute. IRUM_FUZZ_EXAMPLES=60 makes a longer run by hand;
IRUM_FUZZ_REPORT=FILE appends the findings and the status codes seen to FILE.

schemathesis's pytest loader for a schema that exists only at test time
(`schemathesis.pytest.from_fixture`) does not run under pytest 9 (it sets the private
`Function._nodeid`), so each operation's schemathesis strategy is driven by Hypothesis
here; the checks are schemathesis's own.
"""

from __future__ import annotations

import io
import os
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = int(os.environ.get("IRUM_FUZZ_EXAMPLES", "12"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # Generate only: a failure is recorded as it was sent, not shrunk (no time bound).
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@pytest.fixture(autouse=True)
def clear_audit_log_before_flush(transactional_db):
    """As in e2e/conftest.py: the audit table refuses DELETE (a trigger), and on SQLite
    the end-of-test flush deletes row by row. Torn down before that flush, this empties
    the log with its triggers lifted and puts them back."""
    yield
    from django.db import connection

    initial = import_module("irum.audit.migrations.0001_initial")
    with connection.cursor() as cursor:
        for sql in initial.DROP_TRIGGER_SQL.get(connection.vendor, []):
            cursor.execute(sql)
        cursor.execute("DELETE FROM audit_auditentry")
        cursor.execute("DELETE FROM audit_audithead")
        for sql in initial.TRIGGER_SQL.get(connection.vendor, []):
            cursor.execute(sql)


def _some(rows: Any, n: int = 8) -> list[Any]:
    """N of ROWS (a query in a stable order), the same ones on every run: the keys
    themselves are random (public ids) or depend on what ran before (database ids)."""
    rows = list(rows)
    return random.Random(5).sample(rows, min(n, len(rows)))


@pytest.fixture
def demo_world(transactional_db):
    """The gazetteer and the demo data, API tokens for a partner editor and for the
    platform administrator, and real keys to put in requests. The editor's partner owns
    every other demo case."""
    from django.contrib.auth import get_user_model

    from irum.api.models import ApiToken
    from irum.archive.models import Case, Event, Person, Source
    from irum.gazetteer.models import Agency, Place, PlaceKind
    from irum.partners.models import Membership, Organization

    call_command("load-gazetteer", stdout=io.StringIO())
    call_command("demo-data", stdout=io.StringIO())
    partner = Organization.objects.create(slug="fuzz-partner", name="Fuzz partner")
    editor = get_user_model().objects.create_user("fuzz-editor", password="fuzz-long-test-pass")
    Membership.objects.create(user=editor, organization=partner, role="editor")
    owned = list(Case.objects.order_by("ref").values_list("pk", flat=True))[::2]
    Case.objects.filter(pk__in=owned).update(owner=partner)
    _row, token = ApiToken.issue(user=editor, name="schemathesis")
    admin = get_user_model().objects.create_superuser(
        "fuzz-admin", "fuzz-admin@example.invalid", "fuzz-long-test-pass"
    )
    _row, admin_token = ApiToken.issue(user=admin, name="schemathesis")

    def keys(model: Any, key: str, *order: str, **where: Any) -> list[Any]:
        return _some(model.objects.filter(**where).order_by(*order).values_list(key, flat=True))

    owned_cases = keys(Case, "public_id", "ref", owner=partner)
    owned_persons = keys(Person, "public_id", "ref", case__owner=partner)
    places = keys(Place, "slug", "slug")
    agencies = keys(Agency, "slug", "slug")
    return {
        "tokens": {"editor": token, "admin": admin_token},
        # Path parameters: detail, update and delete of records that exist.
        "paths": {
            "/api/cases/{public_id}/": keys(Case, "public_id", "ref") + owned_cases,
            "/api/persons/{public_id}/": keys(Person, "public_id", "ref") + owned_persons,
            "/api/events/{id}/": keys(Event, "id", "person__ref", "chain_index"),
            "/api/sources/{id}/": keys(Source, "id", "ref"),
            "/api/places/{slug}/": places,
            "/api/agencies/{slug}/": agencies,
        },
        # Body fields that name another record: replaced by real keys in half the bodies.
        "refs": {
            "owner": ["fuzz-partner"],
            "case": owned_cases,
            "person": owned_persons,
            "place": places,
            "agency": agencies,
            "home_province": keys(Place, "slug", "slug", kind=PlaceKind.PROVINCE),
            "sources": [[ref] for ref in keys(Source, "ref", "ref")],
            "version": [1, 2],
        },
    }


def with_refs(case: Any, refs: dict[str, Any] | None) -> Any:
    if refs is not None and isinstance(case.body, dict):
        for name, value in refs.items():
            if name in case.body:
                case.body[name] = value
    return case


def strategy_for(operation: Any, world: dict[str, Any]) -> st.SearchStrategy:
    """Valid and invalid requests; where the path names a record, half of them name a
    real one; half the bodies name real related records."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    options = [operation.as_strategy(mode) for mode in modes]
    real = world["paths"].get(operation.path)
    if real:
        (name,) = (parameter.name for parameter in operation.path_parameters)
        options += [
            st.sampled_from(real).flatmap(
                lambda key, mode=mode: operation.as_strategy(mode, path_parameters={name: key})
            )
            for mode in modes
        ]
    refs = st.none() | st.fixed_dictionaries(
        {name: st.sampled_from(values) for name, values in world["refs"].items() if values}
    )
    return st.builds(with_refs, st.one_of(options), refs)


@dataclass(frozen=True)
class Finding:
    operation: str
    kind: str
    status: int | None
    detail: str
    curl: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.kind} [{self.status}]\n  {self.curl}\n  {self.detail}"


def fuzz(
    base_url: str, headers: dict[str, str], world: dict[str, Any]
) -> tuple[list[Finding], dict[str, Counter]]:
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema/?format=json")
    findings: dict[tuple[str, str, int | None], Finding] = {}
    seen: dict[str, Counter] = defaultdict(Counter)
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ_SETTINGS
        @given(case=strategy_for(operation, world))
        def run(case: Any) -> None:
            try:
                response = case.call(base_url=base_url, headers=headers)
                seen[case.operation.label][response.status_code] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (FailureGroup, Failure) as exc:
                for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                    status = getattr(failure, "status_code", None)
                    findings.setdefault(
                        (case.operation.label, failure.title, status),
                        Finding(
                            operation=case.operation.label,
                            kind=failure.title,
                            status=status,
                            detail=failure.message[:600],
                            curl=case.as_curl_command(headers=headers),
                        ),
                    )

        run()
    return list(findings.values()), seen


@pytest.mark.parametrize("caller", ["anonymous", "editor", "admin"])
def test_every_generated_request_is_answered_as_the_schema_says(live_server, demo_world, caller):
    token = demo_world["tokens"].get(caller)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    findings, seen = fuzz(live_server.url, headers, demo_world)
    report = os.environ.get("IRUM_FUZZ_REPORT")
    if report:
        with open(report, "a") as out:
            out.write(f"=== {caller}: findings\n" + "\n".join(map(str, findings)) + "\n")
            out.write(f"=== {caller}: status codes seen\n")
            for label, counts in seen.items():
                out.write(f"{label}: {dict(sorted(counts.items()))}\n")
    assert not findings, "\n\n".join(map(str, findings))
