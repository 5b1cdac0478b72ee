"""Guidance over the real bundled dataset: the answers the initiatives' own files imply, every
LLM Top 10 2025 entry answered by several initiatives, every initiative mapped, incidents linked.

The expected threat -> control pairs are read from the upstream files with parsers of their own
(not the converters), so a converter that drops or invents a link fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.dataset.registry import bundled_vocabulary, registry_entries
from mosaic.dataset.seed import bundled_quads
from mosaic.settings import Settings
from tests.conftest import require_upstream

pytestmark = pytest.mark.slow

SKOS = "http://www.w3.org/2004/02/skos/core#"
MOSAIC = "https://w3id.org/mosaic/ontology#"
#: Per-entry figures of the last run, printed at the end of the module (for the report).
FIGURES: dict[str, int] = {}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of an app over a fresh store seeded with the real bundle."""
    settings = Settings(store_path=tmp_path_factory.mktemp("bundle") / "store", _env_file=None)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def graph() -> ox.Store:
    """The bundled dataset in memory, every graph."""
    store = ox.Store()
    store.extend(q for quads in bundled_quads(Settings(_env_file=None)).values() for q in quads)
    return store


def members(answer: dict[str, Any]) -> set[str]:
    return {m["curie"] for row in answer["rows"] for m in row["members"]}


def ask(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get("/guidance", params=params)
    assert response.status_code == 200, (params, response.text)
    body: dict[str, Any] = response.json()
    return body


# --- what the upstream files say ----------------------------------------------------------------


@pytest.mark.upstream
def test_every_periodic_table_row_is_answered(bundle: TestClient) -> None:
    docs = require_upstream() / "owasp-ai-exchange" / "content" / "ai_exchange" / "content" / "docs"
    overview = (docs / "ai_security_overview.md").read_text(encoding="utf-8")
    table = overview.split("/go/periodictable/", 1)[1]
    expected: dict[str, set[str]] = {}
    for row in re.findall(r"<tr>.*?</tr>", table, re.DOTALL):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        if len(cells) < 2:
            continue
        for threat in re.findall(r'href="/go/([a-z0-9]+)/"', cells[-2]):
            controls = re.findall(r'href="/go/([a-z0-9]+)/"', cells[-1])
            expected.setdefault(threat, set()).update(f"aix:{c}" for c in controls)
    assert len(expected) >= 15
    for threat, wanted in expected.items():
        answer = ask(bundle, threat=f"aix:{threat}", related="false")
        assert wanted <= members(answer), (threat, sorted(wanted - members(answer)))


@pytest.mark.upstream
def test_every_cosai_control_answers_its_risks(bundle: TestClient) -> None:
    folder = require_upstream() / "cosai-risk-map" / "risk-map" / "yaml"
    controls = yaml.safe_load((folder / "controls.yaml").read_text(encoding="utf-8"))["controls"]
    every = yaml.safe_load((folder / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    checked = 0
    for control in controls:
        listed = control.get("risks") or []
        # CoSAI writes "all" for a control against every risk, "none" for none.
        names = (
            [r["id"] for r in every]
            if listed == "all"
            else listed
            if isinstance(listed, list)
            else []
        )
        risks = {f"cosai:{r}" for r in names}
        if not risks:
            continue
        answer = ask(bundle, control=f"cosai:{control['id']}", related="false")
        assert risks <= members(answer), (control["id"], sorted(risks - members(answer)))
        checked += 1
    assert checked >= 30


@pytest.mark.upstream
def test_every_atlas_mitigation_answers_for_its_techniques(bundle: TestClient) -> None:
    path = require_upstream() / "mitre-atlas" / "dist" / "ATLAS.yaml"
    matrix = yaml.safe_load(path.read_text(encoding="utf-8"))["matrices"][0]
    by_technique: dict[str, set[str]] = {}
    for mitigation in matrix["mitigations"]:
        for technique in mitigation.get("techniques") or []:
            ident = technique["id"] if isinstance(technique, dict) else technique
            by_technique.setdefault(ident, set()).add(f"atlas:{mitigation['id']}")
    assert len(by_technique) >= 50
    for technique, mitigations in by_technique.items():
        answer = ask(bundle, threat=f"atlas:{technique}", related="false")
        assert mitigations <= members(answer), (technique, sorted(mitigations - members(answer)))


# --- every LLM Top 10 2025 entry --------------------------------------------------------------


def _initiatives_with_a_control(graph: ox.Store, entry: str) -> set[str]:
    """Initiatives that state a control for the entry or a threat any mapping links to it."""
    query = f"""
        SELECT DISTINCT ?author WHERE {{
          {{ BIND(<{entry}> AS ?threat) }}
          UNION {{ VALUES ?p {{ <{SKOS}exactMatch> <{SKOS}closeMatch> <{SKOS}broadMatch>
                                <{SKOS}narrowMatch> <{SKOS}relatedMatch> }}
                  {{ <{entry}> ?p ?threat }} UNION {{ ?threat ?p <{entry}> }} }}
          ?record <http://www.w3.org/2002/07/owl#annotatedProperty> <{MOSAIC}mitigates> ;
                  <http://www.w3.org/2002/07/owl#annotatedTarget> ?threat ;
                  <https://w3id.org/sssom/author_id> ?author .
        }}"""
    solutions = graph.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return {str(row["author"].value).rsplit("/", 1)[1] for row in solutions}


@pytest.mark.parametrize("number", range(1, 11), ids=lambda n: f"LLM{n:02d}")
def test_every_llm_2025_entry_has_controls_of_several_initiatives(
    bundle: TestClient, graph: ox.Store, number: int
) -> None:
    entry = f"https://w3id.org/mosaic/id/owasp-llm-top10-2025/LLM{number:02d}"
    answer = ask(bundle, threat=f"llm2025:LLM{number:02d}")
    having = _initiatives_with_a_control(graph, entry)
    FIGURES[f"LLM{number:02d}"] = len(answer["initiatives"])
    assert len(answer["initiatives"]) >= min(4, len(having)), (answer["initiatives"], having)
    assert "owasp-llm-top10-2025" in answer["initiatives"]  # its own strategies
    assert len(answer["initiatives"]) >= 4


# --- every initiative mapped, incidents linked --------------------------------------------------


def test_every_bundled_initiative_has_a_mapping(graph: ox.Store) -> None:
    settings = Settings(_env_file=None)
    entries = registry_entries(settings.ontology_dir, settings.base_iri)
    bundled = [e for e in entries if bundled_vocabulary(settings.data_dir, e.id) is not None]
    assert len(bundled) >= 15
    for entry in bundled:
        query = f"""
            ASK {{
              GRAPH <{entry.graph}> {{ ?concept a <{SKOS}Concept> }}
              ?record a <https://w3id.org/sssom/Mapping> .
              {{ ?record <http://www.w3.org/2002/07/owl#annotatedSource> ?concept }}
              UNION {{ ?record <http://www.w3.org/2002/07/owl#annotatedTarget> ?concept }}
            }}"""
        assert graph.query(query, use_default_graph_as_union=True), f"{entry.id} has no mapping"


def test_every_incident_involves_a_technique_or_threat(graph: ox.Store) -> None:
    solutions = graph.query(
        f"""
        SELECT ?incident (COUNT(DISTINCT ?concept) AS ?n) WHERE {{
          ?incident a <{MOSAIC}Incident> .
          OPTIONAL {{ ?incident <{MOSAIC}involves> ?concept .
                     ?concept a ?kind .
                     FILTER(?kind IN (<{MOSAIC}AttackTechnique>, <{MOSAIC}Threat>)) }}
        }} GROUP BY ?incident""",
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, ox.QuerySolutions)
    rows = list(solutions)
    assert len(rows) == 57 + 46
    assert all(int(row["n"].value) >= 1 for row in rows)


def test_incidents_of_both_collections_reach_guidance(bundle: TestClient) -> None:
    atlas = ask(bundle, threat="prompt injection")
    assert any(i["identifier"].startswith("AML.CS") for i in atlas["incidents"])
    agentic = ask(bundle, threat="asi:ASI05")
    assert any(i["identifier"].startswith("incident-") for i in agentic["incidents"])
    assert all("asi:ASI05" in i["involves"] for i in agentic["incidents"])


def test_guidance_page_and_figures(bundle: TestClient) -> None:
    page = bundle.get("/ui/guidance?threat=prompt+injection", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Who recommends what" in page.text and "<svg" in page.text
    concept = bundle.get("/concepts/llm2025:LLM01", headers={"Accept": "text/html"})
    assert "/ui/guidance?threat=llm2025%3ALLM01" in concept.text
    control = bundle.get("/concepts/atlas:AML.M0015", headers={"Accept": "text/html"})
    assert "/ui/guidance?control=atlas%3AAML.M0015" in control.text


def teardown_module() -> None:
    """Print the per-entry figures (``pytest -s`` shows them)."""
    if FIGURES:
        print("\ninitiatives with controls per LLM Top 10 2025 entry:", FIGURES)  # noqa: T201
