"""New editions over the real bundle: an ATLAS edition built from the bundled graph, and the
OWASP LLM Top 10 2025 loaded as an edition of v1.1 (2023).

Each test seeds a fresh in-memory store with the bundled dataset (read once per module), loads
an edition through the load path (:func:`mosaic.dataset.load.replace_initiative`) and reads the
result back from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pytest

from mosaic.dataset.edition_views import changes_between, open_flags, provenance
from mosaic.dataset.editions import LoadOrigin
from mosaic.dataset.load import GraphReplacement, ReadSources, replace_initiative
from mosaic.dataset.seed import bundled_quads
from mosaic.errors import NotFoundError, ShapeViolationError
from mosaic.rdf.vocab import DCTERMS, OWL, SKOS
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.sparql.pool import current_default_graphs
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from tests.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

ATLAS = "https://w3id.org/mosaic/id/mitre-atlas/"
LLM2023 = "https://w3id.org/mosaic/id/owasp-llm-top10-2023/"
LLM2025 = "https://w3id.org/mosaic/id/owasp-llm-top10-2025/"
REMOVED, RENAMED, REDEFINED = f"{ATLAS}AML.T0024.002", f"{ATLAS}AML.T0051", f"{ATLAS}AML.T0043"
NEW_LABEL = "Prompt injection into LLMs"
LABEL = SKOS["prefLabel"]
NEW_DEFINITION = "An adversary feeds a model inputs built so that it returns a wrong class."


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        store_path=tmp_path_factory.mktemp("editions") / "store",
        ontology_dir=PROJECT_ROOT / "ontology",
        data_dir=PROJECT_ROOT / "loaders" / "data",
        _env_file=None,
    )


@pytest.fixture(scope="module")
def bundle(real_settings: Settings) -> list[ox.Quad]:
    return [q for quads in bundled_quads(real_settings).values() for q in quads]


@pytest.fixture
def store(real_settings: Settings, bundle: list[ox.Quad]) -> Iterator[GraphStore]:
    opened = open_store(None, real_settings.base_iri)
    opened.add_all(bundle)
    yield opened
    opened.close()


@pytest.fixture
def catalog(real_settings: Settings) -> Catalog:
    return Catalog.from_folder(real_settings.queries_dir)


def triples_of(store: GraphStore, initiative_id: str) -> list[ox.Triple]:
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.graph_quads(store.names.initiative(initiative_id))
    ]


def edited(
    triples: list[ox.Triple], edit: Callable[[ox.Triple], ox.Triple | None]
) -> list[ox.Triple]:
    return [t for t in map(edit, triples) if t is not None]


def atlas_edition(triples: list[ox.Triple], version: str = "5.7.0") -> list[ox.Triple]:
    """The bundled ATLAS with AML.T0024.002 removed, AML.T0051 renamed, AML.T0043 redefined."""

    def edit(t: ox.Triple) -> ox.Triple | None:
        subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else ""
        if REMOVED in (subject, getattr(t.object, "value", None)):
            return None
        if t.predicate == OWL["versionInfo"]:
            return ox.Triple(t.subject, t.predicate, ox.Literal(version))
        if subject == RENAMED and t.predicate == SKOS["prefLabel"]:
            return ox.Triple(t.subject, t.predicate, ox.Literal(NEW_LABEL, language="en"))
        if subject == REDEFINED and t.predicate == SKOS["definition"]:
            return ox.Triple(t.subject, t.predicate, ox.Literal(NEW_DEFINITION, language="en"))
        return t

    return edited(triples, edit)


def load(
    store: GraphStore, settings: Settings, initiative_id: str, triples: list[ox.Triple]
) -> GraphReplacement:
    origin = LoadOrigin("tester", "atlas-5.7.0.ttl", "ab" * 32, "test")
    return replace_initiative(
        store, settings, ReadSources(initiative_id, triples, [], origin=origin)
    )


def records_touching(store: GraphStore, concepts: set[str]) -> set[tuple[str, str, str]]:
    rows = store.select(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT ?g ?s ?o WHERE { GRAPH ?g { "
        "?r owl:annotatedSource ?s ; owl:annotatedTarget ?o } }"
    )
    found = {(str(r["g"]), str(r["s"]), str(r["o"])) for r in rows}
    return {
        (g.strip("<>"), s.strip("<>"), o.strip("<>"))
        for g, s, o in found
        if {s.strip("<>"), o.strip("<>")} & concepts
    }


def test_atlas_edition_finds_the_removed_renamed_and_redefined_concepts(
    store: GraphStore, real_settings: Settings
) -> None:
    replaced = load(
        store, real_settings, "mitre-atlas", atlas_edition(triples_of(store, "mitre-atlas"))
    )
    plan = replaced.edition
    assert plan is not None
    assert (plan.previous, plan.edition, plan.is_new_edition) == ("5.6.0", "5.7.0", True)
    found = {(c.kind, c.concept) for c in plan.changes}
    assert found == {
        ("removed", REMOVED),
        ("renamed", RENAMED),
        ("definition-changed", REDEFINED),
    }
    renamed = next(c for c in plan.changes if c.kind == "renamed")
    assert (renamed.before, renamed.after) == ("LLM Prompt Injection", NEW_LABEL)
    redefined = next(c for c in plan.changes if c.kind == "definition-changed")
    assert redefined.after == NEW_DEFINITION
    assert redefined.similarity is not None and 0 < redefined.similarity < 1


def test_removed_concept_is_deprecated_and_the_old_edition_stays_readable(
    store: GraphStore, real_settings: Settings
) -> None:
    old_count = len(store.graph_quads(store.names.initiative("mitre-atlas")))
    load(store, real_settings, "mitre-atlas", atlas_edition(triples_of(store, "mitre-atlas")))
    current = store.names.initiative("mitre-atlas")
    removed = ox.NamedNode(REMOVED)
    assert store.has_quad(removed, OWL["deprecated"], ox.Literal(True), current)
    assert store.has_quad(removed, SKOS["prefLabel"], None, current)
    archive = store.names.edition("mitre-atlas", "5.6.0")
    assert archive.value.endswith("/graph/mitre-atlas/edition/5.6.0")
    assert len(store.graph_quads(archive)) == old_count
    as_of = store.graph_quads(archive)
    assert [
        q.object for q in as_of if q.subject == ox.NamedNode(RENAMED) and q.predicate == LABEL
    ] == [ox.Literal("LLM Prompt Injection", language="en")]
    # The app's own queries see the current edition only, in the default graph and GRAPH ?g.
    default = store.select(
        "SELECT * WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }",
        {"c": ox.NamedNode(RENAMED)},
    )
    assert [r["l"] for r in default] == [ox.Literal(NEW_LABEL, language="en")]
    graphs = store.select(
        "SELECT DISTINCT ?g ?c WHERE { GRAPH ?g { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }",
        {"c": ox.NamedNode(RENAMED)},
    )
    assert [r["g"] for r in graphs] == [current]


def test_mappings_of_changed_concepts_are_flagged_and_the_others_carry_over(
    store: GraphStore, real_settings: Settings, catalog: Catalog
) -> None:
    touched = records_touching(store, {REMOVED, RENAMED, REDEFINED})
    assert touched, "the bundle maps the three concepts"
    mapping_graphs = [g for g in store.named_graphs() if "/graph/mappings/" in g.value]
    before = {g.value: sorted(map(str, store.graph_quads(g))) for g in mapping_graphs}
    replaced = load(
        store, real_settings, "mitre-atlas", atlas_edition(triples_of(store, "mitre-atlas"))
    )
    flags = open_flags(store, catalog)
    assert {(f.mapping_set, f.subject, f.object) for f in flags} == touched
    assert replaced.edition is not None and replaced.edition.flagged == len(touched)
    removed_flags = [f for f in flags if REMOVED in (f.subject, f.object)]
    assert removed_flags and all(f.kinds == ["removed"] for f in removed_flags)
    assert all(f.edition == "5.7.0" for f in flags)
    # Every mapping is still there, flagged or not: nothing in the mapping sets changed.
    assert {g.value: sorted(map(str, store.graph_quads(g))) for g in mapping_graphs} == before


def test_load_provenance_is_recorded_per_initiative(
    store: GraphStore, real_settings: Settings, catalog: Catalog
) -> None:
    load(store, real_settings, "mitre-atlas", atlas_edition(triples_of(store, "mitre-atlas")))
    history = provenance(store, catalog, "mitre-atlas")
    assert [(e.edition, e.current) for e in history.editions] == [("5.6.0", False), ("5.7.0", True)]
    (activity,) = history.loads
    assert (activity.loaded_by, activity.source, activity.sha256) == (
        "tester",
        "atlas-5.7.0.ttl",
        "ab" * 32,
    )
    assert (activity.edition, activity.previous_edition) == ("5.7.0", "5.6.0")
    assert activity.counts["removed"] == activity.counts["renamed"] == 1
    assert activity.counts["definition-changed"] == 1 and activity.counts["added"] == 0


def test_changes_between_held_editions_and_unknown_editions(
    store: GraphStore, real_settings: Settings
) -> None:
    load(store, real_settings, "mitre-atlas", atlas_edition(triples_of(store, "mitre-atlas")))
    changes = changes_between(store, "mitre-atlas", None, None)
    assert (changes.from_edition, changes.to_edition) == ("5.6.0", "5.7.0")
    assert changes.counts["removed"] == 1
    backwards = changes_between(store, "mitre-atlas", "5.7.0", "5.6.0")
    # Backwards, the concept deprecated in 5.7.0 is live again in 5.6.0.
    assert backwards.counts["renamed"] == 1 and backwards.counts["added"] == 1
    with pytest.raises(NotFoundError, match=r"9\.9.*held: 5\.6\.0, 5\.7\.0"):
        changes_between(store, "mitre-atlas", "9.9", None)


def test_failed_edition_load_leaves_the_store_as_before(
    store: GraphStore, real_settings: Settings
) -> None:
    before = sorted(map(str, store.all_quads()))
    broken = atlas_edition(triples_of(store, "mitre-atlas"))
    broken.append(
        ox.Triple(ox.NamedNode(RENAMED), SKOS["prefLabel"], ox.Literal("Second", language="en"))
    )
    with pytest.raises(ShapeViolationError):
        load(store, real_settings, "mitre-atlas", broken)
    assert sorted(map(str, store.all_quads())) == before
    assert not store.has_graph(store.names.edition("mitre-atlas", "5.6.0"))
    assert store.default_graphs() is None


def test_a_correction_within_an_edition_archives_and_flags_nothing(
    store: GraphStore, real_settings: Settings, catalog: Catalog
) -> None:
    corrected = atlas_edition(triples_of(store, "mitre-atlas"), version="5.6.0")
    replaced = load(store, real_settings, "mitre-atlas", corrected)
    assert replaced.edition is not None and not replaced.edition.is_new_edition
    assert not store.has_graph(store.names.edition("mitre-atlas", "5.6.0"))
    assert open_flags(store, catalog) == []
    # Within an edition a removed concept is gone, not deprecated.
    assert not store.has_quad(
        ox.NamedNode(REMOVED), None, None, store.names.initiative("mitre-atlas")
    )
    (activity,) = provenance(store, catalog, "mitre-atlas").loads
    assert activity.previous_edition is None and activity.edition == "5.6.0"
    assert activity.counts["removed"] == activity.counts["renamed"] == 1


def test_loading_the_same_copy_again_writes_nothing(
    store: GraphStore, real_settings: Settings, catalog: Catalog
) -> None:
    load(store, real_settings, "mitre-atlas", atlas_edition(triples_of(store, "mitre-atlas")))
    before = sorted(map(str, store.all_quads()))
    load(store, real_settings, "mitre-atlas", atlas_edition(triples_of(store, "mitre-atlas")))
    assert sorted(map(str, store.all_quads())) == before
    assert len(provenance(store, catalog, "mitre-atlas").loads) == 1


def test_llm_top10_2025_as_an_edition_of_2023(store: GraphStore, real_settings: Settings) -> None:
    """The two bundled editions stay separate initiatives; loaded as editions, they diff so."""
    replaced = load(
        store, real_settings, "owasp-llm-top10-2023", triples_of(store, "owasp-llm-top10-2025")
    )
    plan = replaced.edition
    assert plan is not None and (plan.previous, plan.edition) == ("1.1", "2025")
    renumbered = {
        c.notation: (c.successor, c.after) for c in plan.changes if c.kind == "renumbered"
    }
    # Same sense, new number: matched by label and definition across the two namespaces.
    assert renumbered["LLM01"] == (f"{LLM2025}LLM01", "LLM01")
    assert renumbered["LLM06"] == (f"{LLM2025}LLM02", "LLM02")  # Sensitive Information Disclosure
    assert renumbered["LLM02"] == (f"{LLM2025}LLM05", "LLM05")  # Insecure Output Handling
    renamed = {c.notation: c.after for c in plan.changes if c.kind == "renamed"}
    assert renamed["LLM02"] == "Improper Output Handling"
    added = {c.label for c in plan.changes if c.kind == "added"}
    assert {"System Prompt Leakage", "Vector and Embedding Weaknesses"} <= added
    removed = {c.label for c in plan.changes if c.kind == "removed"}
    assert "Insecure Plugin Design" in removed
    current = store.names.initiative("owasp-llm-top10-2023")
    old_llm06 = ox.NamedNode(f"{LLM2023}LLM06")
    assert store.has_quad(old_llm06, OWL["deprecated"], ox.Literal(True), current)
    assert store.has_quad(
        old_llm06, DCTERMS["isReplacedBy"], ox.NamedNode(f"{LLM2025}LLM02"), current
    )
    plugin = ox.NamedNode(f"{LLM2023}LLM07")
    assert store.has_quad(plugin, OWL["deprecated"], ox.Literal(True), current)
    assert not store.has_quad(plugin, DCTERMS["isReplacedBy"], None, current)


def test_archived_editions_are_out_of_the_default_graph_of_client_queries(
    store: GraphStore, real_settings: Settings
) -> None:
    sparql = "SELECT * WHERE { ?s ?p ?o }"
    assert current_default_graphs(store, sparql, None, None) is None
    load(store, real_settings, "mitre-atlas", atlas_edition(triples_of(store, "mitre-atlas")))
    graphs = current_default_graphs(store, sparql, None, None)
    archive = store.names.edition("mitre-atlas", "5.6.0").value
    assert graphs is not None and archive not in graphs
    assert store.names.initiative("mitre-atlas").value in graphs
    # A query that names its dataset keeps it.
    assert (
        current_default_graphs(store, "SELECT * FROM <urn:x:g> WHERE { ?s ?p ?o }", None, None)
        is None
    )
    assert current_default_graphs(store, sparql, [archive], None) == [archive]


def test_a_first_loads_added_count_is_the_full_diffs(bundle: list[ox.Quad]) -> None:
    """The shortcut a first load takes counts what the whole diff would, on every initiative."""
    from mosaic.dataset.edition_diff import added_on_first_load, diff_editions

    graphs: dict[str, list[ox.Triple]] = {}
    for q in bundle:
        graphs.setdefault(str(q.graph_name), []).append(q.triple)
    checked = 0
    for triples in graphs.values():
        added = [c for c in diff_editions([], triples) if c.kind == "added"]
        assert added_on_first_load(triples) == len(added)
        checked += bool(added)
    assert checked >= 10  # the bundle's initiatives, not just empty graphs
