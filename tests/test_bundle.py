"""The real bundled dataset: it loads with no issue, and every concept is complete."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mosaic.dataset.registry import registry_entries
from mosaic.dataset.seed import bundled_quads
from mosaic.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle() -> ox.Store:
    settings = Settings(_env_file=None)
    store = ox.Store()
    for quads in bundled_quads(settings).values():
        store.extend(quads)
    return store


def test_every_bundled_file_belongs_to_a_registered_initiative() -> None:
    settings = Settings(_env_file=None)
    ids = {e.id for e in registry_entries(settings.ontology_dir, settings.base_iri)}
    folders = {p.name for p in settings.data_dir.iterdir() if p.is_dir() and p.name != "mappings"}
    assert folders <= ids


@pytest.mark.parametrize("initiative", ["mitre-atlas", "owasp-llm-top10-2025", "owasp-aiexchange"])
def test_core_initiatives_are_bundled(bundle: ox.Store, initiative: str) -> None:
    graph = ox.NamedNode(f"https://w3id.org/mosaic/graph/{initiative}")
    concepts = list(
        bundle.quads_for_pattern(
            None,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept"),
            graph,
        )
    )
    assert len(concepts) >= 10


def test_every_bundled_concept_has_label_definition_notation_and_source(bundle: ox.Store) -> None:
    result = bundle.query(
        """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?c WHERE {
          ?c a skos:Concept .
          MINUS { ?c skos:prefLabel ?l ; skos:definition ?d ; skos:notation ?n ; dcterms:source ?s ;
                     skos:inScheme ?scheme . FILTER(LANG(?l) = "en" && LANG(?d) = "en") }
        }
        """,
        use_default_graph_as_union=True,
    )
    assert isinstance(result, ox.QuerySolutions)
    assert [str(row["c"]) for row in result] == []


def test_atlas_prompt_injection_has_its_sub_techniques(bundle: ox.Store) -> None:
    result = bundle.query(
        "SELECT ?n WHERE { <https://w3id.org/mosaic/id/mitre-atlas/AML.T0051> <http://www.w3.org/2004/02/skos/core#narrower> ?n }",
        use_default_graph_as_union=True,
    )
    assert isinstance(result, ox.QuerySolutions)
    assert len(list(result)) == 3
