"""API fuzzing: schemathesis generates requests from the app's own OpenAPI document and sends
them to a real server on 127.0.0.1; every built-in check runs on every answer (no 5xx, every
status and content type documented, response bodies match their schemas, ...).

Bounded: a few examples per operation, so the whole module stays under a minute on the
2-core machines. Writes are authenticated (a tokens file with no usable token here), so the
fuzzer cannot change the store; rate limits are off on the test server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from app.api import create_app
from app.auth import add_token
from app.settings import Settings
from tests.conftest import DATA
from tests.live_server import live_server

pytestmark = pytest.mark.slow

EXAMPLES = 25

#: Every built-in check runs but one. ``positive_data_acceptance`` expects any value the
#: document allows to be accepted; the document does not state yet which initiative ids,
#: CURIEs and format names are valid (an empty ``?format=`` or ``/concepts/0`` is schema-valid
#: and answered 400). Until the parameters carry their patterns and enums, it stays off.
EXCLUDED = [checks.positive_data_acceptance]


@schemathesis.serializer("application/n-triples", "application/n-quads", "application/trig")
def _rdf_text(_context: schemathesis.SerializationContext, value: object) -> bytes:
    """RDF line and TriG syntaxes are text: send what was generated as UTF-8."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


#: The document the server publishes, taken from the app factory (nothing is opened or served).
OPENAPI = create_app(
    Settings(ontology_dir=DATA / "ontology", data_dir=DATA / "bundle", _env_file=None)
).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server over the test bundle, with a tokens file whose token nobody sends."""
    folder = tmp_path_factory.mktemp("schemathesis")
    tokens = folder / "tokens.json"
    add_token(tokens, "Nobody", "maintainer", ["gamma"])
    env = {
        "MOSAIC_TOKENS_FILE": str(tokens),
        "MOSAIC_QUERY_TIMEOUT": "5",
        "MOSAIC_QUERY_WORKERS": "1",
        "MOSAIC_LOG_LEVEL": "warning",
    }
    with live_server(folder / "store", env) as server:
        yield server.base


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(case: schemathesis.Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url, timeout=30, excluded_checks=EXCLUDED)


def test_the_fuzzed_document_has_the_public_interface() -> None:
    """Guard against a vacuous run."""
    assert {"/sparql", "/initiatives/{initiative_id}/graph", "/terms/resolve"} <= set(
        OPENAPI["paths"]
    )
