"""The SHACL rules of shapes/: one fixture folder per rule, each rule firing on exactly its focus
nodes, a clean fixture on which nothing fires, the compiled queries agreeing with pyshacl, and
the report formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from mosaic.store.embedded import EmbeddedGraphStore
from mosaic.store.graphs import GraphNames
from mosaic.store.protocol import GraphStore
from mosaic.validation.compiler import SH
from mosaic.validation.engine import (
    rdflib_graph,
    run_pyshacl,
    term_from_rdflib,
    validate,
    validate_quads,
    validate_replacement,
)
from mosaic.validation.report import report_to_json, report_to_text, report_to_turtle
from mosaic.validation.rules import SHAPES, Shapes, load_shapes
from tests.conftest import DATA
from tests.paths import PROJECT_ROOT

SHAPE_FIXTURES = DATA / "shapes"
NAMES = GraphNames("https://w3id.org/mosaic/")
SHACL = rdflib.Namespace(SH.iri)


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return load_shapes(PROJECT_ROOT / "shapes")


def rule_ids() -> list[str]:
    return sorted(load_shapes(PROJECT_ROOT / "shapes").rules)


def fixtures(prefix: str) -> list[Path]:
    return sorted(SHAPE_FIXTURES.glob(f"*/{prefix}*.ttl"))


def expected_focus(path: Path) -> set[str]:
    """The ``# focus: <IRI>`` lines at the top of an invalid fixture."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.split(":", 1)[1].strip() for line in lines if line.startswith("# focus:")}


def report_of(path: Path, shapes: Shapes) -> object:
    return validate_quads(ox.parse(path=path), shapes, NAMES)


# --- the shapes graph itself -----------------------------------------------------------------


def test_every_rule_has_an_id_severity_message_and_title(shapes: Shapes) -> None:
    assert len(shapes.rules) >= 30
    for rule in shapes.rules.values():
        assert rule.iri.value == SHAPES.iri + rule.id
        assert re.fullmatch(r"(S\d+|Q|P|M)-[a-z0-9-]+", rule.id), rule.id
        assert rule.severity in ("Violation", "Warning", "Info")
        assert rule.message and rule.name and rule.description
        assert rule.checks, f"{rule.id} has no check"
        for check in rule.checks:
            assert check.severity == rule.severity, f"{rule.id}: nested severity differs"
            assert check.message


def test_rules_are_named_after_their_group_severity(shapes: Shapes) -> None:
    """SKOS integrity (S*) is always a Violation; profile rules about concepts are Info."""
    for rule in shapes.rules.values():
        if rule.id.startswith("S"):
            assert rule.severity == "Violation", rule.id
        if rule.id.startswith("P-concept-") and rule.id != "P-concept-in-scheme":
            assert rule.severity == "Info", rule.id


def test_every_sparql_rule_is_valid_shacl_sparql(shapes: Shapes) -> None:
    """Runnable by any SHACL-SPARQL engine: $this bound, prefixes declared, no MINUS/VALUES."""
    for rule in shapes.rules.values():
        for check in rule.checks:
            if check.targeted:
                continue
            select = check.query.split("\n", len(shapes.prefixes))[-1]
            assert "PREFIX" not in select.upper().split("SELECT", 1)[0]
            assert "$this" in select, rule.id
            assert not re.search(r"\bMINUS\b|\bVALUES\b", select, re.IGNORECASE), rule.id
            projections = re.findall(r"SELECT(.*?)WHERE", select, re.IGNORECASE | re.DOTALL)
            assert all("$this" in p for p in projections), f"{rule.id}: a SELECT without $this"


def test_every_rule_runs_on_pyoxigraph_not_pyshacl(shapes: Shapes) -> None:
    assert {rule.engine for rule in shapes.rules.values()} == {"sparql"}


def test_every_rule_is_documented_with_its_severity(shapes: Shapes) -> None:
    docs = (PROJECT_ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(" `"): line for line in docs.splitlines() if line.startswith("| `")
    }
    for rule in shapes.rules.values():
        assert rule.id in rows, f"{rule.id} is not in docs/validation.md"
        assert f"| {rule.severity} |" in rows[rule.id], f"{rule.id}: severity differs in the docs"


def test_shapes_are_parsed_once(shapes: Shapes) -> None:
    assert load_shapes(PROJECT_ROOT / "shapes") is shapes


# --- one fixture folder per rule -------------------------------------------------------------


def test_every_rule_has_a_fixture_folder_and_every_folder_a_rule(shapes: Shapes) -> None:
    folders = {path.name for path in SHAPE_FIXTURES.iterdir() if path.is_dir()}
    assert folders == set(shapes.rules)
    for rule in shapes.rules:
        folder = SHAPE_FIXTURES / rule
        assert (folder / f"invalid-{rule}.ttl").is_file(), rule
        assert list(folder.glob("valid-*.ttl")), rule


@pytest.mark.parametrize("path", fixtures("invalid-"), ids=lambda p: p.parent.name)
def test_rule_fires_on_exactly_its_focus_nodes(path: Path, shapes: Shapes) -> None:
    rule = path.parent.name
    report = validate_quads(ox.parse(path=path), shapes, NAMES)
    fired = [r for r in report.results if r.rule == rule]
    assert {r.focus_node for r in fired} == expected_focus(path)
    assert {r.source_shape for r in fired} == {SHAPES.iri + rule}
    assert {r.severity for r in fired} == {shapes.rules[rule].severity}
    assert report.conforms == (shapes.rules[rule].severity != "Violation" or not fired)


@pytest.mark.parametrize("path", fixtures("valid-"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_rule_does_not_fire_on_valid_fixture(path: Path, shapes: Shapes) -> None:
    report = validate_quads(ox.parse(path=path), shapes, NAMES)
    assert report.conforms
    assert [r for r in report.results if r.rule == path.parent.name] == []


def test_no_rule_fires_on_the_clean_fixture(shapes: Shapes) -> None:
    report = validate_quads(ox.parse(path=SHAPE_FIXTURES / "clean.ttl"), shapes, NAMES)
    assert report.conforms
    assert report.results == []


def pyshacl_keys(path: Path, shapes: Shapes, rules: frozenset[str]) -> set[tuple[str, str]]:
    """(rule, focus node) of pyshacl's results with our whole shapes graph (Core and SPARQL)."""
    quads = list(ox.parse(path=path))
    results = run_pyshacl(rdflib_graph(quads), shapes, rules, with_sparql=True)
    keys = set()
    for node in results.subjects(rdflib.RDF.type, SHACL.ValidationResult):
        shape = term_from_rdflib(results.value(node, SHACL.sourceShape))
        assert isinstance(shape, ox.NamedNode | ox.BlankNode)
        rule = shapes.rule_for_shape(shape)
        assert rule is not None
        keys.add((rule, str(results.value(node, SHACL.focusNode))))
    return keys


@pytest.mark.parametrize(
    "path", fixtures("invalid-") + fixtures("valid-"), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_compiled_rule_agrees_with_pyshacl(path: Path, shapes: Shapes) -> None:
    rule = path.parent.name
    report = validate_quads(ox.parse(path=path), shapes, NAMES)
    ours = {(r.rule, r.focus_node) for r in report.results if r.rule == rule}
    assert ours == pyshacl_keys(path, shapes, frozenset({rule}))


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(SHAPE_FIXTURES.rglob("*.ttl")), ids=lambda p: p.stem)
def test_every_rule_agrees_with_pyshacl_on_every_fixture(path: Path, shapes: Shapes) -> None:
    report = validate_quads(ox.parse(path=path), shapes, NAMES)
    ours = {(r.rule, r.focus_node) for r in report.results}
    assert ours == pyshacl_keys(path, shapes, frozenset(shapes.rules))


def test_pyshacl_engine_gives_the_same_report_on_the_test_bundle(
    store: GraphStore, shapes: Shapes
) -> None:
    compiled = validate(store, shapes)
    reference = validate(store, shapes, core_engine="pyshacl")
    key = [(r.rule, r.focus_node, r.path, r.value, r.severity) for r in compiled.results]
    assert key == [(r.rule, r.focus_node, r.path, r.value, r.severity) for r in reference.results]
    assert compiled.results


# --- scope, context and safety ---------------------------------------------------------------


def test_validation_is_restricted_to_the_focus_graphs(store: GraphStore, shapes: Shapes) -> None:
    whole = validate(store, shapes)
    beta = validate(store, shapes, focus_graphs=[store.names.initiative("beta")])
    assert {r.focus_node for r in whole.results if "/alpha/" in r.focus_node}
    assert not [r for r in beta.results if "/alpha/" in r.focus_node]


def test_replacement_is_checked_against_the_rest_of_the_store(
    store: GraphStore, shapes: Shapes
) -> None:
    """A broader link into another initiative is fine when that concept is loaded."""
    beta_concept = ox.NamedNode("https://w3id.org/mosaic/id/beta/B7")
    new = ox.NamedNode("https://w3id.org/mosaic/id/gamma/G1")
    skos = "http://www.w3.org/2004/02/skos/core#"
    triples = [
        ox.Triple(new, ox.NamedNode(skos + "broader"), beta_concept),
        ox.Triple(
            new,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(skos + "Concept"),
        ),
    ]
    graph = store.names.initiative("gamma")
    report = validate_replacement(store, shapes, {graph: triples})
    assert "Q-relation-to-undefined-concept" not in {r.rule for r in report.results}
    alone = validate_quads(
        (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples), shapes, NAMES
    )
    assert "Q-relation-to-undefined-concept" in {r.rule for r in alone.results}
    assert not store.has_graph(graph)


def test_shapes_in_the_data_are_data_not_rules(shapes: Shapes) -> None:
    """An upload cannot add rules, nor switch ours off."""
    data = (
        SHAPE_FIXTURES / "S14-one-preflabel-per-language/invalid-S14-one-preflabel-per-language.ttl"
    ).read_text()
    data += """
@prefix sh: <http://www.w3.org/ns/shacl#> .
<https://w3id.org/mosaic/shapes#S14-one-preflabel-per-language> sh:deactivated true .
ex:everything a sh:NodeShape ; sh:targetClass skos:Concept ;
    sh:property [ sh:path skos:prefLabel ; sh:maxCount 0 ] .
"""
    report = validate_quads(ox.parse(data.encode(), format=ox.RdfFormat.TURTLE), shapes, NAMES)
    rules = {r.rule for r in report.results}
    assert "S14-one-preflabel-per-language" in rules
    assert all(r.source_shape.startswith(SHAPES.iri) for r in report.results)
    reference = validate(EmbeddedGraphStore(_store_of(data), NAMES), shapes, core_engine="pyshacl")
    assert {r.rule for r in reference.results} == rules


def _store_of(turtle: str) -> ox.Store:
    store = ox.Store()
    store.extend(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))
    return store


# --- report formats --------------------------------------------------------------------------


def test_json_report_lists_every_result_with_its_fields(shapes: Shapes) -> None:
    path = SHAPE_FIXTURES / "Q-overlapping-labels/invalid-Q-overlapping-labels.ttl"
    report = validate_quads(ox.parse(path=path), shapes, NAMES)
    body = json.loads(report_to_json(report))
    assert set(body) == {"conforms", "results"}
    fired = [r for r in body["results"] if r["rule"] == "Q-overlapping-labels"]
    assert len(fired) == 2
    assert set(fired[0]) == {
        "focus_node",
        "path",
        "value",
        "severity",
        "rule",
        "message",
        "source_shape",
    }
    assert {r["value"] for r in fired} == {"Evasion"}
    assert "https://example.org/v/" in fired[0]["message"]


def test_turtle_report_is_a_shacl_validation_report(shapes: Shapes) -> None:
    path = SHAPE_FIXTURES / "Q-label-whitespace/invalid-Q-label-whitespace.ttl"
    report = validate_quads(ox.parse(path=path), shapes, NAMES)
    triples = list(ox.parse(report_to_turtle(report, shapes), format=ox.RdfFormat.TURTLE))
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    solutions = store.query(
        """
            PREFIX sh: <http://www.w3.org/ns/shacl#>
            SELECT ?conforms ?focus ?value ?severity ?shape ?message WHERE {
                ?report a sh:ValidationReport ; sh:conforms ?conforms ; sh:result ?r .
                ?r a sh:ValidationResult ; sh:focusNode ?focus ; sh:resultSeverity ?severity ;
                   sh:sourceShape ?shape ; sh:resultMessage ?message ; sh:value ?value ;
                   sh:resultPath ?path ; sh:sourceConstraintComponent ?component .
            }
            """
    )
    assert isinstance(solutions, ox.QuerySolutions)
    rows = list(solutions)
    assert len(rows) == len(report.results) == 1
    row = rows[0]
    assert row["conforms"] == ox.Literal(
        "true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    )
    assert row["severity"] == SH["Warning"]
    assert row["value"] == ox.Literal(" Prompt injection", language="en")
    assert row["shape"] == SHAPES["Q-label-whitespace"]


def test_text_report_has_one_line_per_result_and_a_summary(shapes: Shapes) -> None:
    path = SHAPE_FIXTURES / "Q-cyclic-hierarchy/invalid-Q-cyclic-hierarchy.ttl"
    report = validate_quads(ox.parse(path=path), shapes, NAMES)
    lines = report_to_text(report).splitlines()
    assert len(lines) == len(report.results) + 1
    assert lines[0].startswith("Violation Q-cyclic-hierarchy https://example.org/v/")
    assert lines[-1].endswith("does not conform")
