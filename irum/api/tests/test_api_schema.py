"""The OpenAPI 3 schema and its docs page, served from the app itself."""

from __future__ import annotations

import yaml
from django.test import Client


def test_the_schema_describes_every_endpoint(db):
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = (
        response.json()
        if response["Content-Type"].startswith("application/json")
        else yaml.safe_load(response.content)
    )
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for endpoint in ("cases", "persons", "events", "sources", "places", "agencies"):
        assert f"/api/{endpoint}/" in paths
    assert "409" in str(paths["/api/cases/{public_id}/"]) or "version" in str(schema["components"])


def test_the_docs_page_loads_its_scripts_from_this_site(db):
    html = Client().get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()
