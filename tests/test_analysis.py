from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mosaic.analysis.coverage import Analysis
from mosaic.dataset.load import SourceFile, load_into_initiative
from mosaic.dataset.sources import read_source
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA

AL = "https://w3id.org/mosaic/id/alpha/"
BE = "https://w3id.org/mosaic/id/beta/"
GA = "https://w3id.org/mosaic/id/gamma/"


@pytest.fixture
def analysis(store: GraphStore, settings: Settings) -> Analysis:
    return Analysis(store, Catalog.from_folder(settings.queries_dir))


def add_gamma(store: GraphStore, settings: Settings) -> None:
    path = DATA / "analysis/gamma.csv"
    load_into_initiative(
        store, settings, "gamma", [SourceFile(path.read_bytes(), path.name, "csv")]
    )


def add_conflicts(store: GraphStore, settings: Settings) -> None:
    """Write conflicting mappings straight into the store.

    The load gate refuses them (SHACL), so they are written below it, as data from before the
    rules would be: the analysis must still find them.
    """
    path = DATA / "analysis/conflicts.sssom.tsv"
    result = read_source(
        path.read_bytes(),
        format="sssom",
        source=path.name,
        initiative_id=None,
        base_iri=settings.base_iri,
        converter=load_converter(settings.ontology_dir / "prefixes.json"),
        mapping_set_id="conflicts",
    )
    assert result.issues == []
    store.replace_graph(store.names.mapping_set("conflicts"), result.triples)


def test_coverage_counts_pairs_and_senses(analysis: Analysis) -> None:
    coverage = analysis.coverage()
    assert coverage.initiatives == ["alpha", "beta"]
    [pair] = coverage.pairs
    assert (pair.source, pair.target) == ("alpha", "beta")
    assert (pair.source_concepts, pair.target_concepts) == (3, 1)
    assert (pair.mapped_source_concepts, pair.mapped_target_concepts) == (1, 1)
    assert pair.by_predicate == {"exactMatch": 1}
    [sense] = coverage.senses
    assert sense.concepts == [AL + "A1", BE + "B7"]
    assert sense.initiatives == ["alpha", "beta"]


def test_gaps_split_weak_links_and_unreviewed(
    analysis: Analysis, store: GraphStore, settings: Settings
) -> None:
    gaps = analysis.gaps("beta", "alpha")
    assert [g.concept for g in gaps.unreviewed] == [AL + "A1.1", AL + "A2"]
    assert gaps.weak_only == []
    add_gamma(store, settings)
    add_conflicts(store, settings)  # A1 relatedMatch B7 as well; A1.1 exactMatch B7
    gaps = analysis.gaps("beta", "alpha")
    assert [g.concept for g in gaps.unreviewed] == [AL + "A2"]
    reverse = analysis.gaps("gamma", "alpha")
    assert [g.concept for g in reverse.unreviewed] == [AL + "A1.1", AL + "A2"]


def test_cache_is_dropped_after_a_write(
    analysis: Analysis, store: GraphStore, settings: Settings
) -> None:
    assert analysis.coverage().initiatives == ["alpha", "beta"]
    add_gamma(store, settings)
    assert analysis.coverage().initiatives == ["alpha", "beta", "gamma"]


def test_conflicts_of_every_kind_are_found(
    analysis: Analysis, store: GraphStore, settings: Settings
) -> None:
    assert analysis.conflicts().total == 0
    add_gamma(store, settings)
    add_conflicts(store, settings)
    found = {(c.kind, tuple(c.concepts)) for c in analysis.conflicts().items}
    assert ("mapping-clash", (AL + "A1", BE + "B7")) in found
    assert ("scheme-merge", (AL + "A1", AL + "A1.1")) in found
    assert ("contradictory-path", (AL + "A1", BE + "B7", GA + "G1")) in found
    # "Prompt injection" in alpha and gamma: only a broadMatch links them and their
    # definitions share almost no words.
    assert ("label-clash", (AL + "A1", GA + "G1")) in found
    # "Model theft": alpha's A2 has no definition, so there is nothing to compare.
    assert ("label-clash", (AL + "A2", GA + "G2")) not in found


@pytest.fixture
def analysis_client(client: TestClient) -> Iterator[TestClient]:
    yield client


def test_analysis_routes(analysis_client: TestClient) -> None:
    coverage = analysis_client.get("/analysis/coverage")
    assert coverage.status_code == 200
    assert coverage.json()["pairs"][0]["by_predicate"] == {"exactMatch": 1}
    gaps = analysis_client.get(
        "/analysis/gaps", params={"initiative": "beta", "reference": "alpha"}
    )
    assert [g["concept"] for g in gaps.json()["unreviewed"]] == [AL + "A1.1", AL + "A2"]
    conflicts = analysis_client.get("/analysis/conflicts")
    assert conflicts.json() == {"items": [], "total": 0}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"initiative": "beta"}, 400),
        ({"initiative": "beta", "reference": "beta"}, 400),
        ({"initiative": "Bad Id", "reference": "alpha"}, 400),
        ({"initiative": "nope", "reference": "alpha"}, 404),
    ],
)
def test_gap_errors(analysis_client: TestClient, params: dict[str, str], status: int) -> None:
    response = analysis_client.get("/analysis/gaps", params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
