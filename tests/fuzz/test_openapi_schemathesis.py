"""API fuzzing: schemathesis generates requests from the app's own OpenAPI document and sends
them to a real server on 127.0.0.1; every built-in check runs on every answer (no 5xx, every
status and content type documented, response bodies match their schemas, schema-valid data
accepted: 2xx, or 404 for a well-formed id or CURIE that names nothing, ...). The few places
where the document cannot state what is valid are listed below, each with its reason.

Bounded: a few examples per operation, so the whole module stays under a minute on the
2-core machines. Writes are authenticated (a tokens file with no usable token here), so the
fuzzer cannot change the store; rate limits are off on the test server.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.api.routes.sparql import FORM, SPARQL_QUERY
from mosaic.rdf.identifiers import CURIE_PREFIX
from mosaic.settings import Settings
from mosaic.sparql.description import EXAMPLES as SPARQL_EXAMPLES
from tests.conftest import DATA
from tests.live_server import live_server

pytestmark = pytest.mark.slow

EXAMPLES = 25

#: Operations whose valid input JSON Schema cannot state, so the positive-data check is off
#: there: ``POST /validate`` takes a whole vocabulary (RDF or CSV) that must parse, and a
#: random body is a documented 400. Random bodies are still sent, for every other check.
#: (``PUT /initiatives/{id}/graph`` needs no entry: without a token it is 401 first.)
FREE_FORM_BODIES = {("POST", "/validate")}

#: The prefixes the server knows (ontology/prefixes.json of the test bundle).
KNOWN_PREFIXES = [
    record["prefix"]
    for record in json.loads((DATA / "ontology" / "prefixes.json").read_text(encoding="utf-8"))
]


@schemathesis.serializer(
    "application/n-triples", "application/n-quads", "application/trig", "application/sparql-query"
)
def _text(_context: schemathesis.SerializationContext, value: object) -> bytes:
    """RDF line and TriG syntaxes and SPARQL are text: send what was generated as UTF-8."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def fuzzable(document: dict[str, Any]) -> dict[str, Any]:
    """The published document, narrowed where valid data cannot be stated in JSON Schema.

    Every value the narrowed document allows is one the published document allows too; what
    is cut is refused on purpose, with a documented 400, and tested in tests/api:

    - a CURIE's prefix: any ``prefix:id`` is well-formed, but an unknown prefix is 400, and the
      prefix map is data, not schema; the fuzzer draws the prefixes the server knows;
    - a SPARQL query is free text that must parse (400 otherwise); the fuzzer sends the
      example queries of the query page. The SPARQL screen and the RDF parsers are fuzzed on
      their own in test_parsers_fuzz.py.
    """
    narrowed = copy.deepcopy(document)
    known = "(?:" + "|".join(re.escape(prefix) for prefix in KNOWN_PREFIXES) + ")"

    def visit(node: object) -> None:
        if isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str) and CURIE_PREFIX in pattern:
                node["pattern"] = pattern.replace(CURIE_PREFIX, known)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(narrowed)
    queries = [query for _, query in SPARQL_EXAMPLES]
    content = narrowed["paths"]["/sparql"]["post"]["requestBody"]["content"]
    content[SPARQL_QUERY]["schema"] = {"enum": queries}
    content[FORM]["schema"] = {
        "type": "object",
        "required": ["query"],
        "properties": {"query": {"enum": queries}},
    }
    return narrowed


#: The document the server publishes, taken from the app factory (nothing is opened or served).
OPENAPI = create_app(
    Settings(ontology_dir=DATA / "ontology", data_dir=DATA / "bundle", _env_file=None)
).openapi()
schema = schemathesis.openapi.from_dict(fuzzable(OPENAPI))


#: Rules between parameters that OpenAPI cannot state, by path; a request that breaks one is
#: a documented 400 (tests/api), so the positive-data check is off for that request alone.
CROSS_PARAMETER_RULES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "/terms/compare": lambda query: ("q" in query) != ("concept" in query),
    "/analysis/gaps": lambda query: query.get("initiative") != query.get("reference"),
    "/guidance": lambda query: ("threat" in query) != ("control" in query),
}


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
    excluded: list[Any] = []
    rule = CROSS_PARAMETER_RULES.get(case.operation.path)
    breaks_rule = rule is not None and not rule(dict(case.query or {}))
    if breaks_rule or (case.operation.method.upper(), case.operation.path) in FREE_FORM_BODIES:
        excluded.append(checks.positive_data_acceptance)
    case.call_and_validate(base_url=base_url, timeout=30, excluded_checks=excluded)


def test_the_fuzzed_document_has_the_public_interface() -> None:
    """Guard against a vacuous run."""
    assert {"/sparql", "/initiatives/{initiative_id}/graph", "/terms/resolve"} <= set(
        OPENAPI["paths"]
    )
    [curie] = OPENAPI["paths"]["/concepts/{curie}"]["get"]["parameters"][:1]
    assert CURIE_PREFIX in curie["schema"]["pattern"]
