"""Loading an upstream's own files: the vocabulary and its declared crosswalks, written together."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.dataset.converters import converter_names, find_converter
from mosaic.dataset.load import read_upstream, replace_initiative
from mosaic.errors import LoadError, ParameterError, StoreError
from mosaic.loaders import cosai_risk_map, owasp_aiexchange
from mosaic.loaders.upstream import UPSTREAM_FORMATS, upstream_format
from mosaic.rdf.source import DeclaredMapping
from mosaic.rdf.vocab import MOSAIC, OWL, RDF_TYPE, SEMAPV, SKOS, SSSOM
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import EmbeddedGraphStore
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA, require_upstream

CROSSREFS = DATA / "upstream" / "owasp-ai-exchange-crossrefs"
AIX = "https://w3id.org/mosaic/id/owasp-aiexchange/"
ATLAS = "https://w3id.org/mosaic/id/mitre-atlas/"


def snapshot(store: GraphStore) -> set[str]:
    return {str(q) for q in store.all_quads()}


def graphs(store: GraphStore) -> tuple[ox.NamedNode, ox.NamedNode]:
    return (
        store.names.initiative("owasp-aiexchange"),
        store.names.mapping_set("owasp-aiexchange-declared"),
    )


def load_crossrefs(store: GraphStore, settings: Settings) -> Any:
    result = owasp_aiexchange.convert(str(CROSSREFS))
    return replace_initiative(store, settings, read_upstream(settings, "owasp-aiexchange", result))


def test_declared_mappings_land_in_their_set_graph_not_the_initiative_graph(
    store: GraphStore, settings: Settings
) -> None:
    replaced = load_crossrefs(store, settings)
    vocabulary, declared = graphs(store)
    assert replaced.summary.graph == vocabulary.value
    assert replaced.declared is not None and replaced.declared.graph == declared.value
    assert replaced.declared.added == replaced.declared.total > 0
    in_vocabulary = store.graph_quads(vocabulary)
    assert not any(q.predicate == SKOS["relatedMatch"] for q in in_vocabulary)
    assert not any(q.object == SSSOM["Mapping"] for q in in_vocabulary)
    rows = store.select(
        """
        SELECT ?g ?source ?target ?author ?justification WHERE {
            GRAPH ?g {
                ?source <http://www.w3.org/2004/02/skos/core#relatedMatch> ?target .
                ?r <http://www.w3.org/2002/07/owl#annotatedSource> ?source ;
                   <http://www.w3.org/2002/07/owl#annotatedTarget> ?target ;
                   <https://w3id.org/sssom/author_id> ?author ;
                   <https://w3id.org/sssom/mapping_justification> ?justification .
            }
        }
        """,
        {"g": declared},
    )
    assert len(rows) == 6
    assert {r["author"].value for r in rows} == {  # type: ignore[union-attr]
        f"{settings.base_iri}initiative/owasp-aiexchange"
    }
    assert {r["justification"] for r in rows} == {SEMAPV["ManualMappingCuration"]}
    pairs = {(r["source"].value, r["target"].value) for r in rows}  # type: ignore[union-attr]
    assert (AIX + "toyguard", ATLAS + "AML.M0004") in pairs


def test_loading_the_same_copy_again_changes_nothing(store: GraphStore, settings: Settings) -> None:
    load_crossrefs(store, settings)
    before = snapshot(store)
    replaced = load_crossrefs(store, settings)
    assert (replaced.summary.added, replaced.summary.removed) == (0, 0)
    assert replaced.declared is not None
    assert (replaced.declared.added, replaced.declared.removed) == (0, 0)
    assert snapshot(store) == before


def test_a_copy_that_declares_nothing_empties_the_declared_set(
    store: GraphStore, settings: Settings
) -> None:
    load_crossrefs(store, settings)
    result = owasp_aiexchange.convert(str(CROSSREFS))
    result.mappings.clear()
    replaced = replace_initiative(
        store, settings, read_upstream(settings, "owasp-aiexchange", result)
    )
    assert replaced.declared is not None and replaced.declared.total == 0
    assert store.graph_quads(graphs(store)[1]) == []


def test_a_copy_that_never_declared_anything_makes_no_set_graph(
    store: GraphStore, settings: Settings
) -> None:
    result = owasp_aiexchange.convert(str(CROSSREFS))
    result.mappings.clear()
    replaced = replace_initiative(
        store, settings, read_upstream(settings, "owasp-aiexchange", result)
    )
    assert replaced.declared is None
    assert graphs(store)[1] not in store.named_graphs()


def test_a_converter_issue_is_raised_before_the_store_is_touched(settings: Settings) -> None:
    result = cosai_risk_map.convert(str(DATA / "upstream" / "cosai-risk-map"))
    assert result.issues
    with pytest.raises(LoadError):
        read_upstream(settings, "cosai-risk-map", result)


class FailingWrites:
    """The real store, except that writes fail once they reach ``graph``.

    An ``update`` that touches ``graph`` runs with one more operation that fails (creating a
    graph that exists), so pyoxigraph itself must roll back what the request did before it;
    ``extend`` (the first write of empty graphs) feeds the real store until the first quad of
    ``graph``, then raises like a full disk. Writing the graphs one after
    the other would leave the first one changed.
    """

    def __init__(self, real: ox.Store, graph: ox.NamedNode) -> None:
        self.real = real
        self.graph = graph

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.real)

    def update(self, text: str) -> None:
        if f"<{self.graph.value}>" in text:
            text += f" ;\nCREATE GRAPH <{self.graph.value}>"
        self.real.update(text)

    def _until_graph(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        for quad in quads:
            if quad.graph_name == self.graph:
                raise OSError(28, "No space left on device")
            yield quad

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        self.real.extend(self._until_graph(quads))


def test_a_failure_in_the_set_graph_leaves_both_graphs_as_they_were(
    store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_crossrefs(store, settings)
    vocabulary, declared = graphs(store)
    before = snapshot(store)
    result = owasp_aiexchange.convert(str(CROSSREFS))
    guard = ox.NamedNode(AIX + "toyguard")
    label = ox.Literal("Renamed toy guard", language="en")
    result.triples = [
        t for t in result.triples if (t.subject, t.predicate) != (guard, SKOS["prefLabel"])
    ] + [ox.Triple(guard, SKOS["prefLabel"], label)]
    result.mappings.append(
        DeclaredMapping(
            ox.NamedNode(AIX + "toyguard"), SKOS["relatedMatch"], ox.NamedNode(ATLAS + "AML.M0000")
        )
    )
    read = read_upstream(settings, "owasp-aiexchange", result)
    assert isinstance(store, EmbeddedGraphStore)  # the embedded store's internals
    monkeypatch.setattr(store, "_store", FailingWrites(store._store, declared))
    with pytest.raises(StoreError):
        replace_initiative(store, settings, read)
    monkeypatch.undo()
    assert snapshot(store) == before
    assert store.graph_quads(vocabulary) and store.graph_quads(declared)


def test_a_failure_while_filling_new_graphs_writes_neither(
    store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    vocabulary, declared = graphs(store)
    before = snapshot(store)
    assert isinstance(store, EmbeddedGraphStore)  # the embedded store's internals
    monkeypatch.setattr(store, "_store", FailingWrites(store._store, declared))
    with pytest.raises(StoreError):
        load_crossrefs(store, settings)
    monkeypatch.undo()
    assert snapshot(store) == before
    assert store.graph_quads(vocabulary) == []


def test_replace_graphs_without_failure_writes_every_graph(store: GraphStore) -> None:
    a, b = store.names.initiative("gamma"), store.names.mapping_set("gamma-declared")
    triple = ox.Triple(ox.NamedNode(AIX + "x"), SKOS["relatedMatch"], ox.NamedNode(ATLAS + "y"))
    first, second = store.replace_graphs({a: [triple], b: [triple]})
    assert (first.graph, first.added, second.graph, second.added) == (a.value, 1, b.value, 1)
    first, second = store.replace_graphs({a: [], b: [triple]})
    assert (first.removed, first.total, second.added, second.removed) == (1, 0, 0, 0)


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI reads get_settings(); point it at the test bundle and a temporary store."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    return settings


@pytest.mark.usefixtures("cli_settings")
def test_load_from_reports_concepts_and_declared_mappings(runner: CliRunner) -> None:
    outcome = runner.invoke(cli, ["load", "--from", "owasp-aiexchange", str(CROSSREFS)])
    assert outcome.exit_code == 0, outcome.output
    out = outcome.stdout
    assert "graph/owasp-aiexchange: " in out
    assert "graph/mappings/owasp-aiexchange-declared: " in out
    assert "owasp-aiexchange: 2 concepts, 6 declared mappings (6 cross-references skipped: " in out
    assert "ENISA: no MOSAIC concept to link: 1" in out


# --- the shared upstream copy ----------------------------------------------------------------


@pytest.mark.upstream
@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("cosai", "cosai-risk-map"),
        ("owasp-llm-top10-2025", "owasp-llm-top10/2_0_vulns"),
        ("owasp-aiexchange", "owasp-ai-exchange"),
        ("avid", "avid"),
    ],
)
def test_upstream_copy_loads_with_its_declared_crosswalks(
    store: GraphStore, settings: Settings, name: str, folder: str
) -> None:
    spec = upstream_format(name)
    result = spec.converter()(str(require_upstream() / folder))
    read = read_upstream(settings, spec.initiative_id, result)
    replaced = replace_initiative(store, settings, read)
    assert replaced.declared is not None and read.declared is not None
    assert read.declared.mappings > 0
    set_graph = store.names.mapping_set(f"{spec.initiative_id}-declared")
    quads = store.graph_quads(set_graph)
    records = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object == SSSOM["Mapping"]}
    assert len(records) == read.declared.mappings
    authors = {q.object for q in quads if q.predicate == SSSOM["author_id"]}
    assert authors == {ox.NamedNode(f"{settings.base_iri}initiative/{spec.initiative_id}")}
    vocabulary = {q.subject for q in store.graph_quads(store.names.initiative(spec.initiative_id))}
    by_record: dict[object, dict[object, object]] = {}
    for q in quads:
        by_record.setdefault(q.subject, {})[q.predicate] = q.object
    for record in records:
        fields = by_record[record]
        if fields[OWL["annotatedProperty"]] == MOSAIC["mitigates"]:
            # A threat -> control statement names the initiative's control or its threat (the AI
            # Exchange says which ATLAS mitigations address its threats).
            ends = {fields[OWL["annotatedSource"]], fields[OWL["annotatedTarget"]]}
            assert ends & vocabulary, record
        else:
            assert fields[OWL["annotatedSource"]] in vocabulary, record


def test_a_declared_mapping_contradicting_a_curated_one_awaits_review(
    store: GraphStore, settings: Settings
) -> None:
    """SKOS forbids exactMatch beside relatedMatch; the initiative's claim yields to ours."""
    from mosaic.curation.record import MappingRecord, record_triples
    from mosaic.curation.sssom import mapping_set_iri

    curated = store.names.mapping_set("aix-atlas")
    record = MappingRecord(
        subject=ox.NamedNode(AIX + "toyguard"),
        predicate=SKOS["exactMatch"],
        object=ox.NamedNode(ATLAS + "AML.M0004"),
        justification=SEMAPV["ManualMappingCuration"],
    )
    base = settings.base_iri
    store.add_all(
        ox.Quad(t.subject, t.predicate, t.object, curated)
        for t in record_triples(record, mapping_set_iri(base, "aix-atlas"), base, "aix-atlas")
    )
    replaced = load_crossrefs(store, settings)  # no ShapeViolationError
    held_back = [w.message for w in replaced.warnings if "awaiting review" in w.message]
    assert len(held_back) == 1 and "aix-atlas" in held_back[0]
    _, declared = graphs(store)
    plain = ox.Quad(
        ox.NamedNode(AIX + "toyguard"),
        SKOS["relatedMatch"],
        ox.NamedNode(ATLAS + "AML.M0004"),
        declared,
    )
    assert plain not in set(store.graph_quads(declared))
    status = store.select(
        """
        SELECT ?g ?s ?status WHERE { GRAPH ?g {
            ?r <http://www.w3.org/2002/07/owl#annotatedSource> ?s ;
               <https://w3id.org/mosaic/ontology#reviewStatus> ?status } }
        """,
        {"g": declared, "s": ox.NamedNode(AIX + "toyguard")},
    )
    assert [row["status"].value for row in status] == ["proposed"]  # type: ignore[union-attr]


def test_every_upstream_format_is_an_entry_point_of_mosaic_converters() -> None:
    """The app finds converters by entry point only; pyproject.toml lists every format."""
    assert converter_names() == sorted(UPSTREAM_FORMATS)
    for name, spec in UPSTREAM_FORMATS.items():
        assert find_converter(name) is spec


def test_an_unknown_upstream_format_names_the_known_ones() -> None:
    with pytest.raises(ParameterError, match="known: atlas, avid, cosai"):
        find_converter("nope")
