"""The OpenAPI schema is valid, and a schema-driven fuzz run against a live server finds no server error
and no response that breaks the schema."""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from administration import roles
from tests.api.conftest import role_group
from tests.triage.factories import ComplaintFactory, TeamFactory
from triage.services import queue_item_ensure, queue_item_note_add

# Bounded, so the run takes seconds and is the same every time.
EXAMPLES_PER_OPERATION = 10


def test_the_schema_validates(db):
    response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    # The OpenAPI 3 JSON Schema that drf-spectacular ships; raises on any violation.
    validate_schema(schema)
    paths = set(schema["paths"])
    assert {
        "/api/v1/mentions/",
        "/api/v1/mentions/{id}/",
        "/api/v1/clusters/",
        "/api/v1/clusters/{id}/",
        "/api/v1/queue-items/",
        "/api/v1/queue-items/{id}/",
        "/api/v1/queue-items/{id}/status/",
        "/api/v1/queue-items/{id}/assign/",
        "/api/v1/queue-items/{id}/notes/",
        "/api/v1/queue-items/{id}/correction/",
        "/api/v1/queue-items/{id}/external-case/",
    } <= paths
    assert schema["components"]["securitySchemes"]["integrationToken"]["scheme"] == "bearer"
    mention_filters = {p["name"] for p in schema["paths"]["/api/v1/mentions/"]["get"]["parameters"]}
    assert {
        "q",
        "hospital",
        "platform",
        "sentiment",
        "category",
        "severity",
        "date_from",
        "cursor",
    } <= mention_filters


def test_the_docs_page_serves_everything_from_here(db, client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>" not in page, "inline scripts are blocked by the CSP"
    assert "cdn" not in page.lower() and "https://" not in page
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "/api/v1/schema/" in script.content.decode()


@pytest.fixture
def fuzz_token(transactional_db, live_server, settings):
    """A read-write Admin token (every endpoint open to it), and something for ids to find."""
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"integration": "100000/min"}
    }
    from api.services import integration_token_create

    token = integration_token_create(
        actor=None, name="Fuzzer", role=role_group(roles.ADMIN), scope="read_write"
    ).token
    TeamFactory(name="Billing")
    for n in range(3):
        item = queue_item_ensure(mention=ComplaintFactory(text=f"Complaint {n}"))
        queue_item_note_add(item=item, user=None, text="Seen.")
    return token


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation, from the schema the code generates (no database needed)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in generated["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )


def test_fuzzing_finds_no_server_error_and_no_schema_violation(fuzz_token, live_server):
    """Every operation, with valid and with invalid input. One test rather than one per operation: the live
    server needs a transactional database, and emptying it after each of 24 tests took two minutes."""
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    headers = {"Authorization": f"Bearer {fuzz_token}"}
    failures = []
    for method, path in _operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=schema[path][method].as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                case.call_and_validate(
                    base_url=live_server.url,
                    headers=headers,
                    checks=[
                        not_a_server_error,
                        status_code_conformance,
                        content_type_conformance,
                        response_schema_conformance,
                    ],
                )

            try:
                run()
            except Exception as error:  # Every operation is tried, and every failure reported.
                failures.append(f"{method} {path} ({mode.value}):\n{error}")
    assert not failures, "\n\n".join(failures)
