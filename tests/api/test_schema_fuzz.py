"""Schemathesis against ``/openapi.json``, in process, on both databases.

Every operation gets a fixed-seed, bounded run of generated requests; each request is sent as
anonymous, staff and enterprise. Whatever it holds, the answer is never a 5xx, and its status,
content type and body are ones the API publishes for that operation. (Schemathesis' pytest
plugin cannot load a schema from a fixture under this pytest, so the operations are walked here.)
"""

from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Api

pytestmark = pytest.mark.slow

ROLES = (None, "staff", "enterprise")
EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(api: Api, operation: schemathesis.APIOperation, sent: list[str]) -> None:
    @given(case=operation.as_strategy())
    @seed(20200801)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def run(case: schemathesis.Case) -> None:
        for who in ROLES:
            sent.append(operation.label)
            case.call_and_validate(headers=api.headers(who), checks=CHECKS)

    run()


def test_no_server_errors_and_responses_match_the_schema(
    api: Api, record_property: Callable[[str, object], None]
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    sent: list[str] = []
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        try:
            _fuzz(api, operation, sent)
        except Exception as failure:  # a failed check, or the app's own error (a 5xx)
            failures[operation.label] = str(failure)
    record_property("requests", len(sent))
    assert len(operations) >= 12
    assert failures == {}
