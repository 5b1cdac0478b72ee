"""Tests of the OWASP agentic threats converter and of its bundled Turtle file."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.errors import LoadIssue
from mosaic.loaders import build
from mosaic.loaders import owasp_agentic as asi
from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, OWL, PROV, RDF_TYPE, SKOS
from tests.loaders.support import bundled_declared
from tests.loaders.support import concepts as _concepts
from tests.loaders.support import graph as _graph
from tests.loaders.support import objects as _objects
from tests.loaders.support import shared_run as _shared_run

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "loaders" / "data" / "owasp-agentic-threats" / "owasp-agentic-threats.ttl"
FIXTURE = REPO / "tests" / "data" / "upstream" / "owasp-agentic"
FIXTURE_ASI = FIXTURE / "initiatives" / "agent_security_initiative"
FIXTURE_CANDIDATES = FIXTURE_ASI / "agentic-top-10" / "0.5-initial-candidates"
UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "upstream" / "owasp-agentic"
UPSTREAM_ASI = UPSTREAM / "initiatives" / "agent_security_initiative"
NS = asi.NS.iri

#: The names of the two lists, as published (T&M 1.0, February 2025; Top 10 2026).
THREATS = {
    "T1": "Memory Poisoning",
    "T2": "Tool Misuse",
    "T3": "Privilege Compromise",
    "T4": "Resource Overload",
    "T5": "Cascading Hallucination Attacks",
    "T6": "Intent Breaking & Goal Manipulation",
    "T7": "Misaligned & Deceptive Behaviors",
    "T8": "Repudiation & Untraceability",
    "T9": "Identity Spoofing & Impersonation",
    "T10": "Overwhelming Human in the Loop",
    "T11": "Unexpected RCE and Code Attacks",
    "T12": "Agent Communication Poisoning",
    "T13": "Rogue Agents in Multi-Agent Systems",
    "T14": "Human Attacks on Multi-Agent Systems",
    "T15": "Human Manipulation",
}
TOP10 = {
    "ASI01": "Agent Goal Hijack",
    "ASI02": "Tool Misuse & Exploitation",
    "ASI03": "Identity & Privilege Abuse",
    "ASI04": "Agentic Supply Chain Vulnerabilities",
    "ASI05": "Unexpected Code Execution (RCE)",
    "ASI06": "Memory & Context Poisoning",
    "ASI07": "Insecure Inter-Agent Communication",
    "ASI08": "Cascading Failures",
    "ASI09": "Human-Agent Trust Exploitation",
    "ASI10": "Rogue Agents",
}


def _bundle() -> ox.Store:
    return _graph(list(ox.parse(path=str(BUNDLE), format=ox.RdfFormat.TURTLE)))


# --- the bundled Turtle -----------------------------------------------------------------------


def test_bundle_concepts_are_complete() -> None:
    store = _bundle()
    concepts = _concepts(store)
    mitigations = {c for c in concepts if MOSAIC["Control"] in _objects(store, c, RDF_TYPE)}
    assert {c.removeprefix(NS) for c in concepts - mitigations} == set(THREATS) | set(TOP10)
    # The numbered mitigations of every T&M threat: 119 controls, T1-M1 to T15-M7.
    assert len(mitigations) == 119
    assert {m.removeprefix(NS).split("-")[0] for m in mitigations} == set(THREATS)
    kinds = set(KINDS.values())
    for concept in concepts:
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1 and labels[0].language == "en", concept
        definitions = _objects(store, concept, SKOS["definition"])
        assert len(definitions) == 1 and definitions[0].language == "en", concept
        assert 1 <= definitions[0].value.count(". ") + 1 <= 3, concept
        assert _objects(store, concept, SKOS["notation"]) == [
            ox.Literal(concept.removeprefix(NS))
        ], concept
        assert len(_objects(store, concept, SKOS["inScheme"])) == 1, concept
        kind = MOSAIC["Control"] if concept in mitigations else MOSAIC["Threat"]
        assert set(_objects(store, concept, RDF_TYPE)) & kinds == {kind}, concept
        sources = _objects(store, concept, DCTERMS["source"])
        assert sources and all(isinstance(s, ox.NamedNode) for s in sources), concept


def test_bundle_names_and_editions() -> None:
    store = _bundle()
    for ids, names, scheme, note in (
        (THREATS, THREATS, asi.THREATS_SCHEME, "Threats and Mitigations, version 1.0"),
        (TOP10, TOP10, asi.TOP10_SCHEME, "Top 10 for Agentic Applications 2026"),
    ):
        for local_id in ids:
            concept = NS + local_id
            assert _objects(store, concept, SKOS["prefLabel"]) == [
                ox.Literal(names[local_id], language="en")
            ]
            assert _objects(store, concept, SKOS["inScheme"]) == [scheme]
            assert _objects(store, concept, SKOS["topConceptOf"]) == [scheme]
            notes = _objects(store, concept, SKOS["scopeNote"])
            assert len(notes) == 1 and note in notes[0].value, local_id
    # the candidate spellings and the draft names are kept as alternative labels
    assert _objects(store, NS + "T10", SKOS["altLabel"]) == [
        ox.Literal("Overwhelming Human-in-the-Loop", language="en")
    ]
    assert _objects(store, NS + "ASI01", SKOS["altLabel"]) == [
        ox.Literal("Agent Behaviour Hijack", language="en")
    ]
    history = _objects(store, NS + "T1", SKOS["historyNote"])
    assert len(history) == 1 and "candidate ASI01" in history[0].value
    assert not _objects(store, NS + "ASI01", SKOS["historyNote"])


def test_bundle_schemes() -> None:
    store = _bundle()
    tops = {
        asi.THREATS_SCHEME.value: set(THREATS),
        asi.TOP10_SCHEME.value: set(TOP10),
    }
    versions = {asi.THREATS_SCHEME.value: "1.0", asi.TOP10_SCHEME.value: "2026"}
    for scheme, members in tops.items():
        assert _objects(store, scheme, RDF_TYPE) == [SKOS["ConceptScheme"]]
        for predicate in ("title", "publisher", "license", "source"):
            assert len(_objects(store, scheme, DCTERMS[predicate])) == 1, predicate
        assert _objects(store, scheme, OWL["versionInfo"]) == [ox.Literal(versions[scheme])]
        assert _objects(store, scheme, MOSAIC["initiative"]) == [
            ox.NamedNode("https://w3id.org/mosaic/initiative/owasp-agentic-threats")
        ]
        found = {t.value.removeprefix(NS) for t in _objects(store, scheme, SKOS["hasTopConcept"])}
        assert found == members
    assert _objects(store, asi.TOP10_SCHEME.value, PROV["wasDerivedFrom"]) == [asi.THREATS_SCHEME]


def test_bundle_mitigations_address_their_threat_in_the_declared_set() -> None:
    assert not list(_bundle().quads_for_pattern(None, MOSAIC["mitigates"], None))
    declared = bundled_declared("owasp-agentic-threats")
    links = {
        (str(q.subject)[1:-1].removeprefix(NS), str(q.object)[1:-1].removeprefix(NS))
        for q in declared.quads_for_pattern(None, MOSAIC["mitigates"], None)
    }
    assert len(links) == 119
    assert all(control.split("-")[0] == threat for control, threat in links)


def test_bundle_tracker_rows_are_incidents_of_the_2026_entries() -> None:
    store = _bundle()
    incidents = [
        str(q.subject)[1:-1] for q in store.quads_for_pattern(None, RDF_TYPE, MOSAIC["Incident"])
    ]
    assert len(incidents) == 46
    for incident in incidents:
        involved = {c.value.removeprefix(NS) for c in _objects(store, incident, MOSAIC["involves"])}
        assert involved and involved <= set(TOP10), incident
        (date,) = _objects(store, incident, DCTERMS["date"])
        assert re.fullmatch(r"20\d\d-\d\d", date.value)
    echo = NS + "incident-2025-05-echoleak-zero-click-prompt-injection"
    assert {c.value.removeprefix(NS) for c in _objects(store, echo, MOSAIC["involves"])} == {
        "ASI01",
        "ASI02",
        "ASI06",
    }
    assert not list(store.quads_for_pattern(None, SKOS["broader"], None))


# --- the hand-written fixture -----------------------------------------------------------------


def test_fixture_reports_the_bad_record() -> None:
    result = asi.convert(str(FIXTURE))
    assert result.issues == [
        LoadIssue(
            str(FIXTURE_CANDIDATES / "ASI03_Wrong_Title.md"),
            2,
            None,
            "candidate ASI03 title 'Privilege Juggling' does not name T3 'Privilege Compromise'",
            stage="convert",
        )
    ]
    warnings = [(Path(w.source).name, w.line, w.message) for w in result.warnings]
    assert (
        "ASI16_Later_Candidate.md",
        2,
        "candidate ASI16 (A Later Candidate) is not one of the T&M 1.0 threats T1-T15; skipped",
    ) in warnings
    assert (
        "Someone_Proposal.md",
        None,
        "Someone_Proposal.md is not an ASInn candidate of the T&M list; skipped",
    ) in warnings
    assert (
        "0.5-initial-candidates",
        None,
        "no usable candidate file for T2, T3, T4, T5, T6, T7, T8, T9, T11, T12, T13, T14, T15; "
        "left out",
    ) in warnings


def test_fixture_concepts() -> None:
    store = _graph(asi.convert(str(FIXTURE)).triples)
    assert {c.removeprefix(NS) for c in _concepts(store)} == {
        "T1",
        "T10",
        "ASI01",
        "ASI02",
        "ASI05",
    }
    assert _objects(store, NS + "T1", SKOS["definition"]) == [
        ox.Literal(
            "A toy agent remembers a wrong fact that someone told it. "
            "It then acts on the wrong fact later.",
            language="en",
        )
    ]
    assert _objects(store, NS + "T10", SKOS["prefLabel"]) == [
        ox.Literal("Overwhelming Human in the Loop", language="en")
    ]
    assert _objects(store, NS + "T10", SKOS["altLabel"]) == [
        ox.Literal("Overwhelming Human-in-the-Loop", language="en")
    ]
    # final names from the tracker (a name's own parentheses kept), draft text as definition
    assert _objects(store, NS + "ASI05", SKOS["prefLabel"]) == [
        ox.Literal("Unexpected Code Execution (RCE)", language="en")
    ]
    assert not _objects(store, NS + "ASI05", SKOS["definition"])
    assert _objects(store, NS + "ASI01", SKOS["prefLabel"]) == [
        ox.Literal("Agent Goal Hijack", language="en")
    ]
    assert _objects(store, NS + "ASI01", SKOS["altLabel"]) == [
        ox.Literal("Agent Behaviour Hijack", language="en")
    ]
    assert _objects(store, NS + "ASI01", SKOS["definition"]) == [
        ox.Literal("Toy draft text about hijacked goals.", language="en")
    ]
    assert not _objects(store, NS + "ASI02", SKOS["altLabel"])
    assert _objects(store, NS + "ASI02", SKOS["inScheme"]) == [asi.TOP10_SCHEME]
    assert _objects(store, NS + "T1", DCTERMS["source"]) == [ox.NamedNode(asi.THREATS_PAGE)]


def test_fixture_from_the_initiative_folder_gives_the_same_graph() -> None:
    whole = _graph(asi.convert(str(FIXTURE)).triples)
    inner = _graph(asi.convert(str(FIXTURE_ASI)).triples)
    assert set(whole) == set(inner)


def test_with_definitions_uses_ours_and_reports_missing_ones() -> None:
    result = asi.convert(str(FIXTURE), definitions={"T1": "Ours.", "T99": "Unused."})
    store = _graph(result.triples)
    assert _objects(store, NS + "T1", SKOS["definition"]) == [ox.Literal("Ours.", language="en")]
    messages = {i.message for i in result.issues}
    assert "no definition for ASI01" in messages
    assert "no definition for T1" not in messages
    assert "definition for unknown id T99" in {w.message for w in result.warnings}


def _copy_fixture(tmp_path: Path) -> Path:
    for path in FIXTURE.rglob("*"):
        if path.is_file():
            target = tmp_path / path.relative_to(FIXTURE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path / "initiatives" / "agent_security_initiative"


def test_bad_tracker_and_draft_rows(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    tracker = folder / "ASI_Agentic_Exploits_and_Incidents" / "ASI_Agentic_Exploits_Incidents.md"
    text = tracker.read_text(encoding="utf-8").replace("\n---\n", "")
    text += (
        "| **Apr 2026** | Four | x | • ASI11 (Not In The List) | y |\n"
        "| **May 2026** | Five | x | • Goal Hijack | y |\n"
        "| **Jun 2026** | Six | • ASI01 (Agent Goal Hijack) | y |\n"
        "| **Jul 2026** | Seven | x | • ASI02 (Tool Misuse and Exploitation) | y |\n"
    )
    tracker.write_text(text, encoding="utf-8")
    draft = folder / "agentic-top-10" / "Sprint_1-first-public-draft-expanded" / "README.md"
    draft.write_text(
        draft.read_text(encoding="utf-8")
        + "| [ASI02](x.md) | Again | Twice. |\n"
        + "| ASI12 | Too far | No. |\n"
        + "| Nope | Bad | No. |\n"
        + "| ASI03 | Short |\n",
        encoding="utf-8",
    )
    result = asi.convert(str(tmp_path))
    issues = [(Path(i.source).name, i.line, i.message) for i in result.issues]
    assert issues[1:] == [
        ("ASI_Agentic_Exploits_Incidents.md", 8, "unknown Top 10 id ASI11"),
        ("ASI_Agentic_Exploits_Incidents.md", 9, "mapping 'Goal Hijack' is not 'ASInn (Name)'"),
        ("ASI_Agentic_Exploits_Incidents.md", 10, "expected 5 columns, found 4"),
        ("README.md", 7, "duplicate id ASI02"),
        ("README.md", 8, "unknown Top 10 id ASI12"),
        ("README.md", 9, "bad id cell 'Nope'"),
        ("README.md", 10, "expected 3 columns, found 2"),
    ]
    warnings = [(w.line, w.message) for w in result.warnings]
    assert (
        6,
        "ASI02 is also named 'Tool Misuse and Exploitation'; using 'Tool Misuse & Exploitation'",
    ) in warnings


def test_missing_files(tmp_path: Path) -> None:
    (tmp_path / "initiatives" / "agent_security_initiative" / "agentic-top-10").mkdir(parents=True)
    result = asi.convert(str(tmp_path))
    messages = {(Path(i.source).name, i.message) for i in result.issues}
    assert messages == {
        ("0.5-initial-candidates", "missing folder of the 0.5 initial candidates"),
        (
            "ASI_Agentic_Exploits_Incidents.md",
            "missing exploits and incidents tracker (the source of the names)",
        ),
    }


def test_candidate_without_a_title(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    candidates = folder / "agentic-top-10" / "0.5-initial-candidates"
    (candidates / "ASI02_Untitled.md").write_text(
        "## Risk/Vuln Name\n\nTool Misuse\n", encoding="utf-8"
    )
    (candidates / "ASI04_Nothing.md").write_text("# Resource Overload\n", encoding="utf-8")
    (candidates / "ASI01_Again.md").write_text(
        "## Risk/Vuln Name\n**Memory poisoning**\n", encoding="utf-8"
    )
    issues = [(Path(i.source).name, i.line, i.message) for i in asi.convert(str(tmp_path)).issues]
    assert issues == [
        ("ASI01_Memory_Poisoning.md", 2, "duplicate candidate for T1 (also in ASI01_Again.md)"),
        (
            "ASI02_Untitled.md",
            1,
            "the '## Risk/Vuln Name' heading is not followed by a **title**",
        ),
        (
            "ASI03_Wrong_Title.md",
            2,
            "candidate ASI03 title 'Privilege Juggling' does not name T3 'Privilege Compromise'",
        ),
        ("ASI04_Nothing.md", None, "no '## Risk/Vuln Name' heading"),
    ]


def test_normalise_name() -> None:
    assert asi.normalise_name("Unexpected RCE & Code Attacks") == asi.normalise_name(
        "Unexpected RCE and Code Attacks"
    )
    assert asi.normalise_name("Overwhelming Human-in-the-Loop") == (
        "overwhelming human in the loop"
    )
    assert asi.normalise_name("Tool Misuse") != asi.normalise_name("Tool Abuse")


# --- the real upstream ------------------------------------------------------------------------


def _require_upstream() -> Path:
    if not (UPSTREAM_ASI / "agentic-top-10").is_dir():
        pytest.skip("shared/upstream/owasp-agentic is not available")
    return UPSTREAM_ASI


def _upstream_candidates(folder: Path) -> dict[str, tuple[str, str]]:
    """``T<n> -> (candidate title, file text)`` for ASI01..ASI15, read with a plain regex."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted((folder / "agentic-top-10" / "0.5-initial-candidates").glob("ASI*.md")):
        number = int(path.name[3:5])
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^## Risk/Vuln Name\s*\n\*\*(.+?)\*\*", text, re.M)
        if number <= 15 and title:
            found[f"T{number}"] = (title.group(1), text)
    return found


def _upstream_top10(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Final names from the tracker and draft table rows, read with plain regexes."""
    tracker = next(folder.glob("ASI*Incidents*/ASI_Agentic_Exploits_Incidents.md"))
    names: dict[str, str] = {}
    for ident, name in re.findall(
        r"(ASI\d\d) \(([^()]*(?:\([^()]*\))?)\)", tracker.read_text(encoding="utf-8")
    ):
        names.setdefault(ident, name)
    draft = next(folder.glob("agentic-top-10/Sprint*/README.md")).read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| \[(ASI\d\d)\]\([^)]*\) \|(.*)$", draft, re.M))
    return names, rows


@pytest.mark.upstream
def test_upstream_ids_and_names_are_in_the_bundle() -> None:
    folder = _require_upstream()
    store = _bundle()
    candidates = _upstream_candidates(folder)
    assert set(candidates) == set(THREATS)
    for local_id, (title, _text) in candidates.items():
        labels = {
            term.value
            for predicate in ("prefLabel", "altLabel")
            for term in _objects(store, NS + local_id, SKOS[predicate])
        }
        assert title in labels, local_id
    names, _rows = _upstream_top10(folder)
    assert names == TOP10
    for ident, name in names.items():
        assert _objects(store, NS + ident, SKOS["prefLabel"]) == [ox.Literal(name, language="en")]


@pytest.mark.upstream
def test_upstream_conversion_matches_the_bundle() -> None:
    _require_upstream()
    result = asi.convert(str(UPSTREAM))
    assert result.issues == []
    assert _concepts(_graph(result.triples)) == _concepts(_bundle())


@pytest.mark.upstream
def test_regenerating_gives_the_bundled_file(tmp_path: Path) -> None:
    _require_upstream()
    output = tmp_path / "out.ttl"
    assert build.main(["owasp-agentic", str(UPSTREAM), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == BUNDLE.read_text(encoding="utf-8")


@pytest.mark.upstream
def test_bundled_definitions_are_our_own_words() -> None:
    folder = _require_upstream()
    store = _bundle()
    texts = {k: text for k, (_title, text) in _upstream_candidates(folder).items()}
    texts.update(_upstream_top10(folder)[1])
    assert set(texts) == set(THREATS) | set(TOP10)
    for local_id, theirs in texts.items():
        ours = _objects(store, NS + local_id, SKOS["definition"])[0].value
        assert _shared_run(ours, theirs, 8) is None, local_id
