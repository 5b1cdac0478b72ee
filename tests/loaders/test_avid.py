"""Tests of the AVID taxonomy converter and of its bundled Turtle file."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.errors import LoadIssue
from mosaic.loaders import avid, build
from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, OWL, RDF_TYPE, SKOS
from tests.loaders.support import concepts as _concepts
from tests.loaders.support import graph as _graph
from tests.loaders.support import objects as _objects
from tests.loaders.support import shared_run as _shared_run

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "loaders" / "data" / "avid" / "avid.ttl"
FIXTURE = REPO / "tests" / "data" / "upstream" / "avid"
FIXTURE_PAGES = FIXTURE / "avidml-website" / "exampleSite" / "content" / "taxonomy"
UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "upstream" / "avid"
UPSTREAM_PAGES = UPSTREAM / "avidml-website" / "exampleSite" / "content" / "taxonomy"
NS = avid.NS.iri


def _bundle() -> ox.Store:
    return _graph(list(ox.parse(path=str(BUNDLE), format=ox.RdfFormat.TURTLE)))


def _upstream_rows(folder: Path) -> dict[str, tuple[str, str]]:
    """``id -> (name, description)`` of every taxonomy table row, read without the loader."""
    rows: dict[str, tuple[str, str]] = {}
    for page in ("security.md", "ethics.md", "performance.md", "_index.md"):
        for line in (folder / page).read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            ids = [c for c in cells if re.fullmatch(r"[SEPL]\d{2,4}", c)]
            if line.startswith("|") and ids:
                rest = [c for c in cells if c and c not in ids]
                name = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", rest[0])
                rows[ids[0]] = (" ".join(name.split()), " ".join(rest[1:]))
    return rows


# --- the bundled Turtle -----------------------------------------------------------------------


def test_bundle_concepts_are_complete() -> None:
    store = _bundle()
    concepts = _concepts(store)
    assert len(concepts) > 50
    kinds = set(KINDS.values())
    for concept in concepts:
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1 and labels[0].language == "en", concept
        definitions = _objects(store, concept, SKOS["definition"])
        assert len(definitions) == 1 and definitions[0].language == "en", concept
        assert definitions[0].value.strip(), concept
        assert len(_objects(store, concept, SKOS["notation"])) == 1, concept
        assert _objects(store, concept, SKOS["inScheme"]) == [avid.SCHEME], concept
        assert len(set(_objects(store, concept, RDF_TYPE)) & kinds) == 1, concept
        sources = _objects(store, concept, DCTERMS["source"])
        assert sources and all(isinstance(s, ox.NamedNode) for s in sources), concept


def test_bundle_scheme_and_shape() -> None:
    store = _bundle()
    scheme = avid.SCHEME.value
    for predicate in ("title", "publisher", "license", "source"):
        assert _objects(store, scheme, DCTERMS[predicate]), predicate
    assert _objects(store, scheme, OWL["versionInfo"])
    assert _objects(store, scheme, MOSAIC["initiative"]) == [
        ox.NamedNode("https://w3id.org/mosaic/initiative/avid")
    ]
    tops = {t.value.removeprefix(NS) for t in _objects(store, scheme, SKOS["hasTopConcept"])}
    assert {"S", "E", "P"} <= tops
    assert _objects(store, NS + "S", RDF_TYPE).count(MOSAIC["Term"]) == 1
    assert MOSAIC["Vulnerability"] in _objects(store, NS + "S0201", RDF_TYPE)
    assert _objects(store, NS + "S0201", SKOS["broader"]) == [ox.NamedNode(NS + "S0200")]
    assert _objects(store, NS + "S0200", SKOS["broader"]) == [ox.NamedNode(NS + "S")]
    for quad in store.quads_for_pattern(None, SKOS["broader"], None):
        assert isinstance(quad.object, ox.NamedNode)
        assert list(store.quads_for_pattern(quad.object, SKOS["narrower"], quad.subject))
    assert not list(store.quads_for_pattern(None, SKOS["closeMatch"], None))


# --- the hand-written fixture -----------------------------------------------------------------


def test_fixture_reports_the_bad_row() -> None:
    result = avid.convert(str(FIXTURE))
    assert result.issues == [
        LoadIssue(
            str(FIXTURE_PAGES / "ethics.md"),
            10,
            None,
            "subcategory E0101 does not follow its category",
            stage="convert",
        )
    ]
    report = FIXTURE / "avidml-avid-db" / "reports" / "2023" / "AVID-2023-R9999.json"
    assert result.warnings == [
        LoadIssue(
            str(report),
            None,
            None,
            "lifecycle_view value 'L09: Unknown Stage' is not in the taxonomy pages",
            stage="convert",
        )
    ]


def test_fixture_concepts() -> None:
    result = avid.convert(str(FIXTURE))
    store = _graph(result.triples)
    assert {c.removeprefix(NS) for c in _concepts(store)} == {
        "S",
        "E",
        "P",
        "S0100",
        "S0200",
        "S0201",
        "E0100",
        "E0101",
        "P0100",
        "L01",
        "L02",
    }
    assert _objects(store, NS + "E0101", SKOS["prefLabel"])[0].value == "Group unfairness"
    assert _objects(store, NS + "S0200", SKOS["prefLabel"])[0].value == "Bad Parts"
    assert _objects(store, NS + "S", SKOS["definition"])[0].value == "A test domain about attacks."
    assert _objects(store, NS + "S0201", SKOS["broader"]) == [ox.NamedNode(NS + "S0200")]
    assert MOSAIC["LifecycleStage"] in _objects(store, NS + "L02", RDF_TYPE)
    assert _objects(store, NS + "L02", SKOS["topConceptOf"]) == [avid.SCHEME]
    # The ATLAS link is AVID's declared mapping, not a statement of its vocabulary.
    assert not list(store.quads_for_pattern(None, SKOS["closeMatch"], None))
    assert [(m.subject.value, m.predicate, m.object.value) for m in result.mappings] == [
        (NS + "S0200", SKOS["closeMatch"], "https://w3id.org/mosaic/id/mitre-atlas/AML.T0010")
    ]
    assert _objects(store, avid.SCHEME.value, OWL["versionInfo"]) == [ox.Literal("0.3")]
    assert _objects(store, NS + "S0200", DCTERMS["source"]) == [
        ox.NamedNode("https://avidml.org/taxonomy/security/")
    ]


def test_fixture_pages_alone_use_the_default_version() -> None:
    result = avid.convert(str(FIXTURE_PAGES))
    store = _graph(result.triples)
    assert _objects(store, avid.SCHEME.value, OWL["versionInfo"]) == [
        ox.Literal(avid.DEFAULT_VERSION)
    ]
    assert result.warnings == []


def test_fixture_declared_atlas_links() -> None:
    assert avid.declared_atlas_links(str(FIXTURE)) == [("S0200", "mitre-atlas", "AML.T0010")]


def test_with_definitions_uses_ours_and_reports_missing_ones() -> None:
    result = avid.convert(str(FIXTURE), definitions={"S0100": "Ours.", "X9": "Unused."})
    store = _graph(result.triples)
    assert _objects(store, NS + "S0100", SKOS["definition"]) == [ox.Literal("Ours.", language="en")]
    assert not list(store.quads_for_pattern(None, SKOS["closeMatch"], None))
    messages = {i.message for i in result.issues}
    assert "no definition for S0201" in messages
    assert "no definition for S0100" not in messages
    assert "definition for unknown id X9" in {w.message for w in result.warnings}


def test_bad_rows(tmp_path: Path) -> None:
    for page in FIXTURE_PAGES.iterdir():
        (tmp_path / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    security = tmp_path / "security.md"
    security.write_text(
        security.read_text(encoding="utf-8")
        + "| E0300 | | Wrong page | Not a security id |\n"
        + "| S0100 | | Again | Duplicate |\n"
        + "| S0700 | | | No name |\n"
        + "| S0800 | Too few |\n",
        encoding="utf-8",
    )
    (tmp_path / "performance.md").unlink()
    issues = [(Path(i.source).name, i.line, i.message) for i in avid.convert(str(tmp_path)).issues]
    assert ("security.md", 13, "bad category id 'E0300'") in issues
    assert ("security.md", 14, "duplicate id S0100") in issues
    assert ("security.md", 15, "S0700 has no name") in issues
    assert ("security.md", 16, "expected 4 columns, found 2") in issues
    assert ("performance.md", None, "missing file performance.md") in issues


# --- the real upstream ------------------------------------------------------------------------


def _require_upstream() -> Path:
    if not UPSTREAM_PAGES.is_dir():
        pytest.skip("shared/upstream/avid is not available")
    return UPSTREAM_PAGES


@pytest.mark.upstream
def test_upstream_ids_and_names_are_in_the_bundle() -> None:
    rows = _upstream_rows(_require_upstream())
    assert len(rows) > 50
    store = _bundle()
    for item_id, (name, _description) in rows.items():
        labels = _objects(store, NS + item_id, SKOS["prefLabel"])
        assert [label.value for label in labels] == [name], item_id


@pytest.mark.upstream
def test_upstream_conversion_matches_the_bundle() -> None:
    _require_upstream()
    result = avid.convert(str(UPSTREAM))
    assert result.issues == []
    assert _concepts(_graph(result.triples)) == _concepts(_bundle())


@pytest.mark.upstream
def test_regenerating_gives_the_bundled_file(tmp_path: Path) -> None:
    _require_upstream()
    output = tmp_path / "out.ttl"
    assert build.main(["avid", str(UPSTREAM), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == BUNDLE.read_text(encoding="utf-8")


@pytest.mark.upstream
def test_bundled_definitions_are_our_own_words() -> None:
    folder = _require_upstream()
    store = _bundle()
    pages = " ".join(p.read_text(encoding="utf-8") for p in folder.glob("*.md"))
    for item_id, (_name, description) in _upstream_rows(folder).items():
        ours = _objects(store, NS + item_id, SKOS["definition"])[0].value
        assert _shared_run(ours, description, 8) is None, item_id
    for domain in ("S", "E", "P"):
        ours = _objects(store, NS + domain, SKOS["definition"])[0].value
        assert _shared_run(ours, pages, 8) is None, domain


@pytest.mark.upstream
def test_upstream_atlas_links() -> None:
    _require_upstream()
    links = avid.declared_atlas_links(str(UPSTREAM))
    assert ("S0600", "mitre-atlas", "AML.T0020") in links
    assert all(re.fullmatch(r"AML\.T\d{4}", technique) for _, _, technique in links)
