"""Tests of the OWASP AI Exchange converter (threats, controls and the periodic table)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.errors import LoadIssue
from mosaic.loaders import build
from mosaic.loaders import owasp_aiexchange as aix
from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, OWL, RDF_TYPE, SKOS
from tests.loaders.support import bundled_declared, mitigations

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "upstream" / "owasp-ai-exchange"
FIXTURE = REPO / "tests" / "data" / "upstream" / "owasp-ai-exchange"
FIXTURE_DOCS = FIXTURE / "content" / "ai_exchange" / "content" / "docs"
CONCEPT = SKOS["Concept"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
#: One Category/Permalink block, read with a regex independent of the converter.
BLOCK = re.compile(
    r"^(?P<heading>.*)\n\s*>\s*Category:\s*(?P<category>.*?)\s*\n"
    r"\s*>\s*Permalink:\s*https://owaspai\.org/go/(?P<slug>[a-z0-9]+)/",
    re.MULTILINE,
)


def _local(term: object) -> str:
    """The last path segment of an IRI (a concept's local id)."""
    assert isinstance(term, ox.NamedNode)
    return term.value.rsplit("/", 1)[-1]


def _text(term: object) -> str:
    """The lexical form of a literal."""
    assert isinstance(term, ox.Literal)
    return term.value


def _store(path: Path = aix.BUNDLE_PATH) -> ox.Store:
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


def _docs_or_skip() -> Path:
    docs = UPSTREAM / "content" / "ai_exchange" / "content" / "docs"
    if not docs.is_dir():
        pytest.skip("shared/upstream/owasp-ai-exchange is not available")
    return docs


def _upstream_items(docs: Path) -> dict[str, tuple[str, str]]:
    """Slug -> (kind, heading line) of every threat and control in the pages."""
    items: dict[str, tuple[str, str]] = {}
    for page in sorted(docs.glob("*.md")):
        for match in BLOCK.finditer(page.read_text(encoding="utf-8")):
            category = match.group("category").lower()
            if category == "control details":
                continue
            kind = "control" if "control" in category else "threat" if "threat" in category else ""
            if kind:
                items.setdefault(match.group("slug"), (kind, match.group("heading")))
    return items


# --- (1) the bundled Turtle ----------------------------------------------------------------


def test_bundle_concepts_have_the_required_shape() -> None:
    store = _store()
    concepts = _concepts(store)
    assert len(concepts) > 50
    kinds = {KINDS["threat"], KINDS["control"]}
    for concept in concepts:
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1, concept
        assert isinstance(labels[0], ox.Literal) and labels[0].language == "en"
        definitions = _objects(store, concept, SKOS["definition"])
        assert any(isinstance(d, ox.Literal) and d.language == "en" for d in definitions)
        notations = _objects(store, concept, SKOS["notation"])
        assert len(notations) == 1 and concept == aix.AIX[_text(notations[0])]
        assert _objects(store, concept, SKOS["inScheme"]) == [aix.SCHEME]
        assert len(set(_objects(store, concept, RDF_TYPE)) & kinds) == 1
        assert _objects(store, concept, DCTERMS["source"]) == [
            ox.NamedNode(f"https://owaspai.org/go/{_text(notations[0])}/")
        ]


def test_bundle_hierarchy_is_stated_both_ways_within_one_kind() -> None:
    store = _store()
    for quad in store.quads_for_pattern(None, SKOS["broader"], None):
        child, parent = quad.subject, quad.object
        assert isinstance(child, ox.NamedNode) and isinstance(parent, ox.NamedNode)
        assert child in _objects(store, parent, SKOS["narrower"])
        child_kinds = set(_objects(store, child, RDF_TYPE))
        assert child_kinds == set(_objects(store, parent, RDF_TYPE))
        assert _objects(store, child, SKOS["topConceptOf"]) == []
    for concept in _concepts(store):
        top = _objects(store, concept, SKOS["topConceptOf"]) == [aix.SCHEME]
        assert top != bool(_objects(store, concept, SKOS["broader"])), concept


def test_bundle_scheme_metadata_and_mitigations() -> None:
    store = _store()
    assert _objects(store, aix.SCHEME, OWL["versionInfo"]) == [ox.Literal(aix.BUNDLED_VERSION)]
    assert _objects(store, aix.SCHEME, DCTERMS["license"]) == [aix.LICENSE]
    assert not list(store.quads_for_pattern(None, MOSAIC["mitigates"], None))
    declared = bundled_declared("owasp-aiexchange")
    links = list(declared.quads_for_pattern(None, MOSAIC["mitigates"], None))
    assert links
    for quad in links:
        control, threat = quad.subject, quad.object
        assert isinstance(control, ox.NamedNode) and isinstance(threat, ox.NamedNode)
        if control.value.startswith(aix.AIX.iri):
            assert KINDS["control"] in _objects(store, control, RDF_TYPE)
        else:  # an ATLAS mitigation a control cites
            assert "/mitre-atlas/AML.M" in control.value
        if threat.value.startswith(aix.AIX.iri):
            assert KINDS["threat"] in _objects(store, threat, RDF_TYPE)
        else:  # an ATLAS technique a control's text links
            assert "/mitre-atlas/AML.T" in threat.value


# --- (2) the real upstream -----------------------------------------------------------------


@pytest.mark.upstream
def test_every_upstream_item_is_bundled_with_its_kind_and_name() -> None:
    items = _upstream_items(_docs_or_skip())
    assert len(items) > 50
    store = _store()
    assert {c.value.rsplit("/", 1)[-1] for c in _concepts(store)} == set(items)
    for slug, (kind, heading) in items.items():
        concept = aix.AIX[slug]
        assert KINDS[kind] in _objects(store, concept, RDF_TYPE), slug
        (label,) = _objects(store, concept, SKOS["prefLabel"])
        control = re.match(r"^#+\s+#(.+?)\s*$", heading)
        numbered = re.match(r"^#+\s+\d+(?:\.\d+)*\.?\s+(.+?)\s*$", heading)
        if control:
            assert _text(label) == control.group(1), slug
        elif numbered and " - " not in numbered.group(1):
            assert _text(label) == numbered.group(1), slug


@pytest.mark.upstream
def test_user_conversion_has_the_bundle_concepts() -> None:
    docs = _docs_or_skip()
    result = aix.convert(str(UPSTREAM))
    assert result.issues == []
    converted = {t.subject for t in result.triples if t.predicate == SKOS["inScheme"]}
    assert converted == set(_concepts(_store()))
    assert not any(t.predicate == OWL["versionInfo"] for t in result.triples)
    texts = aix.section_texts(docs)
    for triple in result.triples:
        if triple.predicate == SKOS["definition"]:
            slug = _local(triple.subject)
            first_words = " ".join(_words(_text(triple.object))[:6])
            plain = re.sub(r"\]\([^)]*\)", "]", texts[slug])
            assert first_words in " ".join(_words(plain))


@pytest.mark.upstream
def test_bundled_definitions_are_our_own_words() -> None:
    texts = aix.section_texts(_docs_or_skip())
    store = _store()
    for slug, text in texts.items():
        (definition,) = _objects(store, aix.AIX[slug], SKOS["definition"])
        run = _shared_run(_text(definition), text, 8)
        assert run is None, f"{slug} shares {run!r} with the upstream text"


@pytest.mark.upstream
def test_mitigations_come_from_rows_of_the_periodic_table() -> None:
    overview = (_docs_or_skip() / "ai_security_overview.md").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>.*?</tr>", overview.split("/go/periodictable/", 1)[1], re.DOTALL)
    pairs: set[tuple[str, str]] = set()
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        if len(cells) >= 2:
            threats = re.findall(r'href="/go/([a-z0-9]+)/"', cells[-2])
            controls = re.findall(r'href="/go/([a-z0-9]+)/"', cells[-1])
            pairs.update((c, t) for t in threats for c in controls)
    declared = bundled_declared("owasp-aiexchange")
    bundled = {
        (_local(q.subject), _local(q.object))
        for q in declared.quads_for_pattern(None, MOSAIC["mitigates"], None)
        if str(q.subject).startswith(f"<{aix.AIX.iri}")
        and str(q.object).startswith(f"<{aix.AIX.iri}")
    }
    assert bundled == pairs


@pytest.mark.upstream
def test_main_regenerates_the_committed_bundle(tmp_path: Path) -> None:
    _docs_or_skip()
    output = tmp_path / "aix.ttl"
    assert build.main(["owasp-aiexchange", str(UPSTREAM), "-o", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == aix.BUNDLE_PATH.read_text(encoding="utf-8")


# --- (3) the hand-written fixture ----------------------------------------------------------


def test_fixture_reports_every_bad_record() -> None:
    result = aix.convert(str(FIXTURE))
    controls = FIXTURE_DOCS / "1_toy_controls.md"
    assert result.issues == [
        LoadIssue(
            str(controls),
            21,
            None,
            "permalink 'owaspai.org/go/toybroken' of '#TOY BROKEN' is not of the form "
            "https://owaspai.org/go/<slug>/",
            stage="convert",
        ),
        LoadIssue(
            str(controls),
            26,
            None,
            "control heading '#TOY NO METADATA' has no Category or Permalink line",
            stage="convert",
        ),
        LoadIssue(
            str(FIXTURE_DOCS / "toy_overview.md"),
            12,
            None,
            "periodic table links /go/toymissing/, which is an unknown item",
            stage="convert",
        ),
    ]
    threats = FIXTURE_DOCS / "2_toy_threats.md"
    assert result.warnings == [
        LoadIssue(str(controls), 5, None, "'Toy controls' has no description text", "convert"),
        LoadIssue(
            str(controls), 8, None, "'Toy guard controls' has no description text", "convert"
        ),
        LoadIssue(str(threats), 18, None, "'Toy trickery' has no description text", "convert"),
    ]


def test_fixture_items_hierarchy_and_mitigations() -> None:
    result = aix.convert(str(FIXTURE_DOCS))
    triples = set(result.triples)
    kinds = {
        _local(t.subject): t.object
        for t in result.triples
        if t.predicate == RDF_TYPE and t.object != CONCEPT
    }
    kinds.pop("scheme")
    assert kinds == {
        "toycontrols": KINDS["control"],
        "toyguards": KINDS["control"],
        "toyguard": KINDS["control"],
        "toylate": KINDS["control"],
        "toythreats": KINDS["threat"],
        "toyfilter": KINDS["control"],
        "toytrickery": KINDS["threat"],
        "toytrick": KINDS["threat"],
        "toyexhaustion": KINDS["threat"],
    }
    broader = {
        (_local(t.subject), _local(t.object))
        for t in result.triples
        if t.predicate == SKOS["broader"]
    }
    assert broader == {
        ("toyguards", "toycontrols"),
        ("toyguard", "toyguards"),
        ("toylate", "toycontrols"),
        ("toytrickery", "toythreats"),
        ("toytrick", "toytrickery"),
        ("toyexhaustion", "toythreats"),
    }
    ns = aix.AIX
    assert ox.Triple(ns["toytrickery"], SKOS["narrower"], ns["toytrick"]) in triples
    assert ox.Triple(ns["toyfilter"], SKOS["topConceptOf"], aix.SCHEME) in triples
    labels = {
        _local(t.subject): _text(t.object)
        for t in result.triples
        if t.predicate == SKOS["prefLabel"]
    }
    assert labels["toycontrols"] == "Toy controls"
    assert labels["toythreats"] == "Toy threats"
    assert labels["toyguard"] == "TOY GUARD"
    assert labels["toytrick"] == "Toy trick"
    assert not any(t.predicate == MOSAIC["mitigates"] for t in result.triples)
    mitigates = {(c.rsplit("/", 1)[-1], t.rsplit("/", 1)[-1]) for c, t in mitigations(result)}
    assert mitigates == {
        ("toyguards", "toytrick"),
        ("toyfilter", "toytrick"),
        ("toyfilter", "toyexhaustion"),
    }
    definitions = {
        _local(t.subject): _text(t.object)
        for t in result.triples
        if t.predicate == SKOS["definition"]
    }
    assert definitions["toyguard"] == "Toy guard: a pretend safeguard used only by the tests."
    assert definitions["toythreats"] == "Threats made up for the tests."


def test_fixture_with_definitions_and_a_duplicate(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "## 1. Things\n> Category: group of controls\n> Permalink: https://owaspai.org/go/things/\n"
        "\n#### #ONE\n> Category: runtime control\n> Permalink: https://owaspai.org/go/one/\n"
        "\n#### #ONE\n> Category: runtime control\n> Permalink: https://owaspai.org/go/one/\n"
        "\n### Other\n> Category: input threat\n> Permalink: https://owaspai.org/go/one/\n"
        "\n> Category: stray line\n",
        encoding="utf-8",
    )
    result = aix.convert(str(tmp_path), definitions={"one": "Ours.", "zzz": "Unused."})
    assert [(i.line, i.message) for i in result.issues] == [
        (17, "Category line is not directly under a heading"),
        (13, "permalink slug 'one' of 'Other' is already used by 'ONE' (page.md line 5)"),
        (1, "no definition for things in the definitions file"),
    ]
    assert [(w.line, w.message) for w in result.warnings] == [
        (9, "'ONE' (one) is described again; first at page.md line 5"),
        (
            None,
            "no periodic table (a <table> under the /go/periodictable/ section); "
            "no mitigates links",
        ),
        (None, "definitions file has an entry for unknown slug zzz"),
    ]
    assert (
        ox.Triple(aix.AIX["one"], SKOS["definition"], ox.Literal("Ours.", language="en"))
        in result.triples
    )


def test_classify_categories() -> None:
    assert aix.classify("group of controls") == ("control", True)
    assert aix.classify("runtime information security control for input threats") == (
        "control",
        False,
    )
    assert aix.classify("group of input threats") == ("threat", True)
    assert aix.classify("runtime conventional security threat (agentic)") == ("threat", False)
    assert aix.classify("control details") is None
    assert aix.classify("discussion") is None


def test_missing_path(tmp_path: Path) -> None:
    result = aix.convert(str(tmp_path / "absent"))
    assert [issue.message for issue in result.issues] == ["no such file or folder"]


def test_load_definitions_rejects_bad_entries(tmp_path: Path) -> None:
    bad = tmp_path / "definitions.yaml"
    bad.write_text("promptinjection:\n", encoding="utf-8")
    with pytest.raises(ValueError, match="non-empty definition"):
        aix.load_definitions(bad)
    assert aix.load_definitions()["promptinjection"]
