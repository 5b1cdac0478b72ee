"""Tests of the OWASP Top 10 for LLM Applications converter (2025 and 2023 editions)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.errors import LoadIssue
from mosaic.loaders import build
from mosaic.loaders import owasp_llm_top10 as llm
from mosaic.loaders import owasp_llm_top10_files as llm_files
from mosaic.loaders.base import triples_to_turtle
from mosaic.rdf.vocab import DCTERMS, KINDS, OWL, PROV, RDF_TYPE, SKOS
from tests.loaders.support import mitigations

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "upstream" / "owasp-llm-top10"
FIXTURE = REPO / "tests" / "data" / "upstream" / "owasp-llm-top10"
EDITIONS = [llm.EDITION_2025, llm.EDITION_2023]
CONCEPT = SKOS["Concept"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _local(term: object) -> str:
    """The last path segment of an IRI (a concept's local id)."""
    assert isinstance(term, ox.NamedNode)
    return term.value.rsplit("/", 1)[-1]


def _text(term: object) -> str:
    """The lexical form of a literal."""
    assert isinstance(term, ox.Literal)
    return term.value


def _store(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _objects(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[Term]:
    return [quad.object for quad in store.quads_for_pattern(subject, predicate, None)]


def _concepts(store: ox.Store) -> list[ox.NamedNode]:
    found = [q.subject for q in store.quads_for_pattern(None, RDF_TYPE, CONCEPT)]
    return [s for s in found if isinstance(s, ox.NamedNode)]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def _shared_run(ours: str, theirs: str, length: int) -> str | None:
    """A run of ``length`` consecutive words found in both texts, or None."""
    mine = _words(ours)
    grams = {tuple(mine[i : i + length]) for i in range(len(mine) - length + 1)}
    other = _words(theirs)
    for i in range(len(other) - length + 1):
        gram = tuple(other[i : i + length])
        if gram in grams:
            return " ".join(gram)
    return None


def _upstream_or_skip() -> Path:
    if not UPSTREAM.is_dir():
        pytest.skip("shared/upstream/owasp-llm-top10 is not available")
    return UPSTREAM


def _upstream_titles(folder: Path) -> dict[str, tuple[str, str]]:
    """Entry id -> (name, whole file text), read with a regex independent of the converter."""
    titles: dict[str, tuple[str, str]] = {}
    for path in sorted(folder.glob("LLM*.md")):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^## (LLM(?:0[1-9]|10)):(?:\d{4})? ?(.+?)\s*$", text, re.MULTILINE)
        if match:
            titles[match.group(1)] = (match.group(2), text)
    return titles


# --- (1) the bundled Turtle ----------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.key)
def test_bundle_concepts_have_the_required_shape(edition: llm.Edition) -> None:
    store = _store(edition.bundle_path)
    concepts = [
        c for c in _concepts(store) if edition.scheme in _objects(store, c, SKOS["inScheme"])
    ]
    assert len(concepts) == 10
    kinds = set(KINDS.values())
    for concept in concepts:
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1, concept
        assert isinstance(labels[0], ox.Literal) and labels[0].language == "en"
        definitions = _objects(store, concept, SKOS["definition"])
        assert any(isinstance(d, ox.Literal) and d.language == "en" for d in definitions)
        assert len(_objects(store, concept, SKOS["notation"])) == 1
        assert _objects(store, concept, SKOS["inScheme"]) == [edition.scheme]
        types = set(_objects(store, concept, RDF_TYPE))
        assert types & kinds == {KINDS["vulnerability"]}
        sources = _objects(store, concept, DCTERMS["source"])
        assert len(sources) == 1 and isinstance(sources[0], ox.NamedNode)
        assert concept in _objects(store, edition.scheme, SKOS["hasTopConcept"])
        notation = _objects(store, concept, SKOS["notation"])[0]
        assert concept == edition.namespace[_text(notation)]


def test_bundle_scheme_metadata_and_edition_link() -> None:
    new = _store(llm.EDITION_2025.bundle_path)
    scheme = llm.EDITION_2025.scheme
    assert _objects(new, scheme, PROV["wasRevisionOf"]) == [llm.EDITION_2023.scheme]
    assert _objects(new, scheme, DCTERMS["license"]) == [
        ox.NamedNode("https://creativecommons.org/licenses/by-sa/4.0/")
    ]
    old = _store(llm.EDITION_2023.bundle_path)
    assert _objects(old, llm.EDITION_2023.scheme, PROV["wasRevisionOf"]) == []
    version = _objects(old, llm.EDITION_2023.scheme, OWL["versionInfo"])
    assert version == [ox.Literal("1.1")]


def test_bundle_leaves_cross_initiative_links_out() -> None:
    for edition in EDITIONS:
        store = _store(edition.bundle_path)
        assert list(store.quads_for_pattern(None, SKOS["relatedMatch"], None)) == []


def test_2025_alt_label_and_page_address() -> None:
    store = _store(llm.EDITION_2025.bundle_path)
    concept = llm.EDITION_2025.namespace["LLM08"]
    assert _objects(store, concept, SKOS["altLabel"]) == [ox.Literal("LLM08:2025", language="en")]
    assert _objects(store, concept, DCTERMS["source"]) == [
        ox.NamedNode("https://genai.owasp.org/llmrisk/llm082025-vector-and-embedding-weaknesses/")
    ]


# --- (2) the real upstream -----------------------------------------------------------------


@pytest.mark.upstream
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.key)
def test_every_upstream_entry_is_bundled_with_its_name(edition: llm.Edition) -> None:
    folder = _upstream_or_skip() / edition.folder
    titles = _upstream_titles(folder)
    assert len(titles) == 10
    store = _store(edition.bundle_path)
    for ident, (name, _text) in titles.items():
        labels = _objects(store, edition.namespace[ident], SKOS["prefLabel"])
        assert labels == [ox.Literal(name, language="en")], ident


@pytest.mark.upstream
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.key)
def test_user_conversion_has_the_bundle_concepts(edition: llm.Edition) -> None:
    folder = _upstream_or_skip() / edition.folder
    result = llm.convert(str(folder))
    assert result.issues == []
    converted = {t.subject for t in result.triples if t.predicate == SKOS["inScheme"]}
    assert converted == set(_concepts(_store(edition.bundle_path)))
    # the user's copy keeps the upstream text: each definition is a piece of its file
    titles = _upstream_titles(folder)
    for triple in result.triples:
        if triple.predicate == SKOS["definition"]:
            ident = _local(triple.subject)
            entry = ident.split("-")[0]  # a strategy (LLM01-M1) is a piece of its entry's file
            first_words = " ".join(_words(_text(triple.object))[:8])
            if ident == entry:
                assert first_words in " ".join(_words(titles[ident][1]))
            else:
                assert first_words in " ".join(_words(titles[entry][1]))


@pytest.mark.upstream
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.key)
def test_bundled_definitions_are_our_own_words(edition: llm.Edition) -> None:
    folder = _upstream_or_skip() / edition.folder
    titles = _upstream_titles(folder)
    store = _store(edition.bundle_path)
    for ident, (_name, text) in titles.items():
        (definition,) = _objects(store, edition.namespace[ident], SKOS["definition"])
        run = _shared_run(_text(definition), text, 8)
        assert run is None, f"{ident} shares {run!r} with the upstream text"


@pytest.mark.upstream
def test_declared_atlas_links_match_the_related_section() -> None:
    folder = _upstream_or_skip() / llm.EDITION_2025.folder
    expected: dict[str, list[str]] = {}
    for ident, (_name, text) in _upstream_titles(folder).items():
        related = re.split(r"^#+ Related Frameworks and Taxonomies", text, flags=re.MULTILINE)
        tail = related[1] if len(related) > 1 else ""
        ids = re.findall(r"\(https://atlas\.mitre\.org/techniques/(AML\.T[0-9.]+?)/?\)", tail)
        expected[ident] = list(dict.fromkeys(ids))
    links = llm.declared_atlas_links(folder)
    assert links == expected
    assert any(links.values())
    result = llm.convert(str(folder))
    assert not any(t.predicate == SKOS["relatedMatch"] for t in result.triples)
    matches = {
        (_local(m.subject), _local(m.object))
        for m in result.mappings
        if m.predicate == SKOS["relatedMatch"]
    }
    assert matches == {(k, v) for k, vs in links.items() for v in vs}


@pytest.mark.upstream
def test_main_regenerates_the_committed_bundles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _upstream_or_skip()
    for edition in EDITIONS:
        target = tmp_path / edition.initiative_id
        target.mkdir()
        (target / "definitions.yaml").write_bytes(edition.definitions_path.read_bytes())
        names = edition.data_dir / "names.yaml"
        if names.is_file():
            (target / "names.yaml").write_bytes(names.read_bytes())
    committed = {e.key: e.bundle_path.read_text(encoding="utf-8") for e in EDITIONS}
    declared = llm.EDITION_2025.data_dir / "owasp-llm-top10-2025-declared.ttl"
    committed_declared = declared.read_text(encoding="utf-8")
    monkeypatch.setattr(llm_files, "DATA_ROOT", tmp_path)
    assert build.main(["owasp-llm-top10-2025", str(root)]) == 0
    assert build.main(["owasp-llm-top10-2023", str(root)]) == 0
    for edition in EDITIONS:
        assert edition.bundle_path.read_text(encoding="utf-8") == committed[edition.key]
    regenerated = tmp_path / "owasp-llm-top10-2025" / "owasp-llm-top10-2025-declared.ttl"
    assert regenerated.read_text(encoding="utf-8") == committed_declared
    assert not (tmp_path / "owasp-llm-top10-2023" / "owasp-llm-top10-2023-declared.ttl").exists()


# --- (3) the hand-written fixture ----------------------------------------------------------


def test_fixture_2025_reports_the_bad_heading_and_keeps_the_rest() -> None:
    folder = FIXTURE / "2_0_vulns"
    result = llm.convert(str(folder))
    assert result.issues == [
        LoadIssue(
            str(folder / "LLM02_NoColon.md"),
            1,
            None,
            "title heading '## LLM02 Toy Entry Without Colon' is not of the form "
            "'## LLMnn:YYYY Name' or '## LLMnn: Name'",
            stage="convert",
        )
    ]
    assert result.warnings == [
        LoadIssue(
            str(folder / "LLM01_ToyInjection.md"),
            16,
            None,
            "LLM01: link text names AML.T0048.002 but the link points to AML.T0048; "
            "the link target is used",
            stage="convert",
        ),
        LoadIssue(
            str(folder / "LLM03_ToyLeak.md"),
            1,
            None,
            "LLM03 has no '### Description' heading; the text before the first section is used",
            stage="convert",
        ),
        LoadIssue(
            str(folder / "LLM03_ToyLeak.md"),
            1,
            None,
            "LLM03 has no Prevention and Mitigation Strategies",
            stage="convert",
        ),
    ]
    ns = llm.EDITION_2025.namespace
    concepts = {t.subject for t in result.triples if t.predicate == SKOS["inScheme"]}
    # LLM01's one bulleted strategy is a control of its own, which addresses LLM01.
    assert concepts == {ns["LLM01"], ns["LLM03"], ns["LLM01-M1"]}
    assert mitigations(result) == {(ns["LLM01-M1"].value, ns["LLM01"].value)}
    definitions = {
        t.subject: _text(t.object) for t in result.triples if t.predicate == SKOS["definition"]
    }
    assert definitions[ns["LLM01"]] == (
        "A made-up entry used by the tests.\n\nIt has a second paragraph with a link."
    )
    assert definitions[ns["LLM03"]] == (
        "Text placed before any section, with no Description heading."
    )
    assert llm.declared_atlas_links(folder) == {
        "LLM01": ["AML.T0051.000", "AML.T0048"],
        "LLM03": ["AML.T0024"],
    }


def test_fixture_2023_rejects_a_heading_of_the_other_edition() -> None:
    folder = FIXTURE / "Archive" / "1_1_vulns"
    result = llm.convert(str(folder))
    assert result.issues == [
        LoadIssue(
            str(folder / "LLM02_WrongEdition.md"),
            2,
            None,
            "LLM02: the heading is of the 2025 edition, expected 2023",
            stage="convert",
        )
    ]
    ns = llm.EDITION_2023.namespace
    assert (
        ox.Triple(ns["LLM01"], SKOS["prefLabel"], ox.Literal("Old Toy", language="en"))
        in result.triples
    )
    assert (
        ox.Triple(
            ns["LLM01"],
            DCTERMS["source"],
            ox.NamedNode(f"{llm.REPOSITORY}/blob/main/Archive/1_1_vulns/LLM01_OldToy.md"),
        )
        in result.triples
    )
    assert not any(t.predicate == PROV["wasRevisionOf"] for t in result.triples)


def test_fixture_repository_folder_with_edition_and_definitions() -> None:
    result = llm.convert(
        str(FIXTURE), definitions={"LLM03": "Our toy wording.", "LLM99": "Unused."}, edition="2025"
    )
    folder = FIXTURE / "2_0_vulns"
    assert (
        LoadIssue(
            str(folder / "LLM01_ToyInjection.md"),
            1,
            None,
            "no definition for LLM01 in the definitions file",
            stage="convert",
        )
        in result.issues
    )
    assert (
        LoadIssue(
            str(FIXTURE),
            None,
            None,
            "definitions file has an entry for unknown id LLM99",
            "convert",
        )
        in result.warnings
    )
    ns = llm.EDITION_2025.namespace
    assert (
        ox.Triple(ns["LLM03"], SKOS["definition"], ox.Literal("Our toy wording.", language="en"))
        in result.triples
    )
    assert not any(t.predicate == SKOS["relatedMatch"] for t in result.triples)
    turtle = triples_to_turtle(result.triples, llm.turtle_prefixes(llm.EDITION_2025))
    assert "prov:wasRevisionOf llm2023:scheme" in turtle


def test_missing_path_and_no_entries(tmp_path: Path) -> None:
    result = llm.convert(str(tmp_path / "absent"))
    assert [issue.message for issue in result.issues] == ["no such file or folder"]
    empty = llm.convert(str(tmp_path))
    assert [issue.message for issue in empty.issues] == ["no LLMnn_*.md entry files found"]
    both = llm.convert(str(FIXTURE))
    assert [issue.message for issue in both.issues] == [
        "the repository folder holds both editions; pass edition '2025' or '2023'"
    ]


def test_load_definitions_rejects_a_non_mapping(tmp_path: Path) -> None:
    bad = tmp_path / "definitions.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a mapping"):
        llm.load_definitions(bad)
    bad.write_text("LLM01: ''\n", encoding="utf-8")
    with pytest.raises(ValueError, match="non-empty definition"):
        llm.load_definitions(bad)
