"""Tests of the OWASP AISVS converter and of its bundled Turtle file."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.errors import LoadIssue
from mosaic.loaders import build
from mosaic.loaders import owasp_aisvs as aisvs
from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, OWL, RDF_TYPE, SKOS, XSD
from tests.loaders.support import concepts as _concepts
from tests.loaders.support import graph as _graph
from tests.loaders.support import objects as _objects
from tests.loaders.support import shared_run as _shared_run

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "loaders" / "data" / "owasp-aisvs" / "owasp-aisvs.ttl"
FIXTURE = REPO / "tests" / "data" / "upstream" / "owasp-aisvs"
FIXTURE_PAGES = FIXTURE / "1.0" / "en"
UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "upstream" / "owasp-aisvs"
UPSTREAM_PAGES = UPSTREAM / "1.0" / "en"
NS = aisvs.NS.iri


def _bundle() -> ox.Store:
    return _graph(list(ox.parse(path=str(BUNDLE), format=ox.RdfFormat.TURTLE)))


def _upstream_items(folder: Path) -> dict[str, tuple[str, str]]:
    """``local id -> (name, text)`` of chapters, sections, requirements and glossary terms.

    Read with plain regular expressions, independently of the loader. Requirements have no
    name, so their name is their id.
    """
    items: dict[str, tuple[str, str]] = {}
    for path in sorted(folder.glob("0x10-C*.md")):
        text = path.read_text(encoding="utf-8")
        for number, name in re.findall(r"^#{1,2} (C\d+(?:\.\d+)?) (.+)$", text, re.M):
            items[number] = (name.strip(), "")
        for row in re.findall(r"^\| \*\*(\d+\.\d+\.\d+)\*\* \|(.*)\|\s*\d\s*\|$", text, re.M):
            items["C" + row[0]] = ("C" + row[0], row[1])
    glossary = (folder / "0x90-Appendix-A_Glossary.md").read_text(encoding="utf-8")
    for term, meaning in re.findall(r"^\* \*\*(.+?)\*\* \u2013 (.*)$", glossary, re.M):
        items[aisvs.slug(term)] = (term, meaning)
    return items


# --- the bundled Turtle -----------------------------------------------------------------------


def test_bundle_concepts_are_complete() -> None:
    store = _bundle()
    concepts = _concepts(store)
    assert len(concepts) > 300
    kinds = set(KINDS.values())
    schemes = {aisvs.SCHEME, aisvs.GLOSSARY_SCHEME}
    for concept in concepts:
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1 and labels[0].language == "en", concept
        definitions = _objects(store, concept, SKOS["definition"])
        assert len(definitions) == 1 and definitions[0].language == "en", concept
        assert definitions[0].value.strip(), concept
        assert len(_objects(store, concept, SKOS["notation"])) == 1, concept
        in_scheme = _objects(store, concept, SKOS["inScheme"])
        assert len(in_scheme) == 1 and in_scheme[0] in schemes, concept
        assert len(set(_objects(store, concept, RDF_TYPE)) & kinds) == 1, concept
        sources = _objects(store, concept, DCTERMS["source"])
        assert sources and all(isinstance(s, ox.NamedNode) for s in sources), concept


def test_bundle_schemes_and_hierarchy() -> None:
    store = _bundle()
    for scheme in (aisvs.SCHEME.value, aisvs.GLOSSARY_SCHEME.value):
        for predicate in ("title", "publisher", "license", "source"):
            assert _objects(store, scheme, DCTERMS[predicate]), predicate
        assert _objects(store, scheme, OWL["versionInfo"]) == [ox.Literal("1.0")]
        assert _objects(store, scheme, MOSAIC["initiative"]) == [
            ox.NamedNode("https://w3id.org/mosaic/initiative/owasp-aisvs")
        ]
    tops = {
        t.value.removeprefix(NS) for t in _objects(store, aisvs.SCHEME.value, SKOS["hasTopConcept"])
    }
    assert tops == {f"C{n}" for n in range(1, 13)}
    requirements = {
        q.subject.value
        for q in store.quads_for_pattern(None, RDF_TYPE, MOSAIC["Requirement"])
        if isinstance(q.subject, ox.NamedNode)
    }
    assert len(requirements) > 150
    for requirement in requirements:
        levels = _objects(store, requirement, MOSAIC["verificationLevel"])
        assert len(levels) == 1 and levels[0].datatype == XSD["integer"], requirement
        assert levels[0].value in {"1", "2", "3"}, requirement
        section = _objects(store, requirement, SKOS["broader"])
        assert len(section) == 1 and requirement.startswith(section[0].value + "."), requirement
        chapter = _objects(store, section[0].value, SKOS["broader"])
        assert len(chapter) == 1 and chapter[0].value.removeprefix(NS) in tops, requirement
    for quad in store.quads_for_pattern(None, SKOS["broader"], None):
        assert isinstance(quad.object, ox.NamedNode)
        assert list(store.quads_for_pattern(quad.object, SKOS["narrower"], quad.subject))


# --- the hand-written fixture -----------------------------------------------------------------


def test_fixture_reports_the_bad_row() -> None:
    result = aisvs.convert(str(FIXTURE))
    assert result.issues == [
        LoadIssue(
            str(FIXTURE_PAGES / "0x10-C01-Test-Chapter.md"),
            27,
            None,
            "C1.2.2: bad verification level '4'",
            stage="convert",
        )
    ]


def test_fixture_concepts() -> None:
    store = _graph(aisvs.convert(str(FIXTURE)).triples)
    assert {c.removeprefix(NS) for c in _concepts(store)} == {
        "C1",
        "C1.1",
        "C1.1.1",
        "C1.1.2",
        "C1.2",
        "C1.2.1",
        "widget",
        "tla",
        "thing",
    }
    assert _objects(store, NS + "C1", SKOS["prefLabel"]) == [
        ox.Literal("Test Chapter & Friends", language="en")
    ]
    assert (
        _objects(store, NS + "C1", SKOS["definition"])[0].value == "This chapter is about testing."
    )
    assert _objects(store, NS + "C1.1", SKOS["definition"])[0].value == "The first section."
    assert _objects(store, NS + "C1.1.2", MOSAIC["verificationLevel"]) == [
        ox.Literal("3", datatype=XSD["integer"])
    ]
    assert _objects(store, NS + "C1.2.1", SKOS["definition"])[0].value == (
        "Verify that a pipe | inside a cell is kept."
    )
    assert _objects(store, NS + "C1.2", SKOS["broader"]) == [ox.NamedNode(NS + "C1")]
    assert _objects(store, NS + "C1.2.1", SKOS["broader"]) == [ox.NamedNode(NS + "C1.2")]
    assert _objects(store, NS + "C1", SKOS["topConceptOf"]) == [aisvs.SCHEME]
    assert _objects(store, NS + "C1.1", DCTERMS["source"]) == [
        ox.NamedNode(
            "https://github.com/OWASP/AISVS/blob/main/1.0/en/0x10-C01-Test-Chapter.md"
            "#c11-first-section"
        )
    ]
    assert _objects(store, NS + "tla", SKOS["inScheme"]) == [aisvs.GLOSSARY_SCHEME]
    assert _objects(store, NS + "tla", SKOS["notation"]) == [
        ox.Literal("TLA (Three Letter Acronym)")
    ]
    assert set(_objects(store, NS + "tla", SKOS["altLabel"])) == {
        ox.Literal("TLA", language="en"),
        ox.Literal("Three Letter Acronym", language="en"),
    }
    assert _objects(store, NS + "thing", SKOS["altLabel"]) == [ox.Literal("Thing", language="en")]
    assert MOSAIC["Term"] in _objects(store, NS + "widget", RDF_TYPE)


def test_with_definitions_uses_ours_and_reports_missing_ones() -> None:
    result = aisvs.convert(str(FIXTURE_PAGES), definitions={"C1.1.1": "Ours."})
    store = _graph(result.triples)
    assert _objects(store, NS + "C1.1.1", SKOS["definition"]) == [
        ox.Literal("Ours.", language="en")
    ]
    messages = {i.message for i in result.issues}
    assert "no definition for widget" in messages
    assert "no definition for C1.1.1" not in messages


def test_bad_rows(tmp_path: Path) -> None:
    chapter = tmp_path / "0x10-C02-Broken.md"
    chapter.write_text(
        "# C2 Broken\n"
        "\n"
        "| **2.0.1** | **Verify that** nothing. | 1 |\n"
        "## C3.1 Wrong chapter\n"
        "## C2.1 Right\n"
        "| **2.2.1** | **Verify that** wrong section. | 1 |\n"
        "| **2.1.1** | | 1 |\n"
        "| **x.1.1** | **Verify that** bad id. | 1 |\n"
        "| **2.1.2** | **Verify that** ok. | 2 |\n"
        "| **2.1.2** | **Verify that** again. | 2 |\n"
        "| **2.1.3** | too few |\n",
        encoding="utf-8",
    )
    issues = [(i.line, i.message) for i in aisvs.convert(str(tmp_path)).issues]
    assert issues == [
        (3, "requirement row outside a section"),
        (4, "section C3.1 is not in chapter C2"),
        (6, "requirement C2.2.1 is not in section C2.1"),
        (7, "C2.1.1 has no description"),
        (8, "bad requirement id '**x.1.1**'"),
        (10, "duplicate id C2.1.2"),
        (11, "expected 3 columns, found 2"),
        (None, "missing glossary (Appendix A)"),
    ]


def test_slug_and_anchor() -> None:
    assert aisvs.slug("JIT (Just-in-Time) Privileged Access") == "jit-privileged-access"
    assert aisvs.slug("OAuth 2.1") == "oauth-2-1"
    assert aisvs.github_anchor("C2.2 Content & Policy Screening") == "c22-content--policy-screening"


# --- the real upstream ------------------------------------------------------------------------


def _require_upstream() -> Path:
    if not UPSTREAM_PAGES.is_dir():
        pytest.skip("shared/upstream/owasp-aisvs is not available")
    return UPSTREAM_PAGES


@pytest.mark.upstream
def test_upstream_ids_and_names_are_in_the_bundle() -> None:
    items = _upstream_items(_require_upstream())
    assert len(items) > 350
    store = _bundle()
    for local_id, (name, _text) in items.items():
        labels = _objects(store, NS + local_id, SKOS["prefLabel"])
        assert [label.value for label in labels] == [name], local_id


@pytest.mark.upstream
def test_upstream_conversion_matches_the_bundle() -> None:
    _require_upstream()
    result = aisvs.convert(str(UPSTREAM))
    assert result.issues == []
    assert _concepts(_graph(result.triples)) == _concepts(_bundle())


@pytest.mark.upstream
def test_regenerating_gives_the_bundled_file(tmp_path: Path) -> None:
    _require_upstream()
    output = tmp_path / "out.ttl"
    assert build.main(["owasp-aisvs", str(UPSTREAM), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == BUNDLE.read_text(encoding="utf-8")


@pytest.mark.upstream
def test_bundled_definitions_are_our_own_words() -> None:
    folder = _require_upstream()
    store = _bundle()
    upstream = _graph(aisvs.convert(str(UPSTREAM)).triples)
    for local_id, (_name, text) in _upstream_items(folder).items():
        ours = _objects(store, NS + local_id, SKOS["definition"])[0].value
        theirs = text or _objects(upstream, NS + local_id, SKOS["definition"])[0].value
        assert _shared_run(ours, theirs, 8) is None, local_id
