"""The parts the pages are built from: the initiative tree, sense names, property labels."""

from __future__ import annotations

import curies
import pytest

from mosaic.terms.label_index import IndexedConcept
from mosaic.web.coverage import most_informative, short_title
from mosaic.web.statements import KNOWN_PROPERTIES, MOSAIC, SKOS, PropertyLabels
from mosaic.web.tree import Concept, Node, SchemeTree, a_to_z, build_tree, index_letter, natural_key


def concept(
    iri: str, label: str | None, kind: str = "term", notation: str | None = None
) -> Concept:
    return Concept(iri, iri, notation, label, kind, "s", None)


def names(trees: list[SchemeTree]) -> list[str]:
    """The tree as indented labels (``~`` marks context), to compare in one assertion."""
    out: list[str] = []

    def walk(nodes: list[Node], level: int) -> None:
        for node in nodes:
            mark = "~" if node.context else ""
            out.append("  " * level + mark + str(node.concept.label))
            walk(node.children, level + 1)

    for tree in trees:
        for group in tree.groups:
            walk(group.nodes, 0)
    return out


def test_a_concept_with_two_parents_is_under_both() -> None:
    concepts = {
        "ta1": concept("ta1", "Access", "tactic"),
        "ta2": concept("ta2", "Execution", "tactic"),
        "t1": concept("t1", "Injection", "attack-technique"),
        "t1.1": concept("t1.1", "Direct", "attack-technique"),
    }
    parents = {"t1": ["ta1", "ta2"], "t1.1": ["t1"]}
    tree = build_tree(concepts, parents, [("s", "Scheme")])
    assert names(tree) == [
        "Access",
        "  Injection",
        "    Direct",
        "Execution",
        "  Injection",
        "    Direct",
    ]


def test_a_cycle_keeps_every_concept_once_per_path() -> None:
    concepts = {c: concept(c, c.upper()) for c in ("a", "b", "c")}
    parents = {"a": ["c"], "b": ["a"], "c": ["b"]}  # a -> b -> c -> a, no root
    tree = build_tree(concepts, parents, [("s", None)])
    assert names(tree) == ["A", "  B", "    C"]


def test_kind_filter_keeps_ancestors_as_context() -> None:
    concepts = {
        "ta": concept("ta", "Tactic", "tactic"),
        "t": concept("t", "Technique", "attack-technique"),
        "m": concept("m", "Mitigation", "control"),
    }
    tree = build_tree(concepts, {"t": ["ta"]}, [("s", None)], kind="attack-technique")
    assert names(tree) == ["~Tactic", "  Technique"]


def test_roots_are_grouped_by_kind_and_sorted_naturally() -> None:
    concepts = {
        "c10": concept("c10", "Ten", "control", "C10"),
        "c2": concept("c2", "Two", "control", "C2"),
        "t": concept("t", "Tactic", "tactic", "TA1"),
    }
    [tree] = build_tree(concepts, {}, [("s", None)])
    assert [g.kind for g in tree.groups] == ["tactic", "control"]
    assert [n.concept.notation for n in tree.groups[1].nodes] == ["C2", "C10"]
    assert natural_key("AML.T0051") < natural_key("AML.T0051.000") < natural_key("AML.T0052")


def test_identifier_named_concepts_show_their_definition_and_sort_under_hash() -> None:
    requirement = Concept("r", "x:r", "C1.1.1", "C1.1.1", "requirement", "s", "Data is signed.")
    glossary = Concept("g", "x:g", "Prompt Injection", "Prompt Injection", "term", "s", None)
    assert requirement.name is None and requirement.shown_notation == "C1.1.1"
    assert requirement.snippet == "Data is signed."
    assert glossary.name == "Prompt Injection" and glossary.shown_notation is None
    assert index_letter(requirement) == "#" and index_letter(glossary) == "P"
    letters = a_to_z([requirement, glossary, concept("e", "Évasion")])
    assert [(x.letter, len(x.concepts)) for x in letters] == [("E", 1), ("P", 1), ("#", 1)]


def indexed(iri: str, label: str, initiative: str) -> IndexedConcept:
    return IndexedConcept(
        position=0,
        iri=iri,
        curie=None,
        graph="g",
        initiative=initiative,
        kind="term",
        label=label,
        labels=(),
        definition=None,
        schemes=(),
        edition=None,
        source=None,
        broader=(),
        narrower=(),
    )


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        # The label that shares most words with the others, not the first one.
        (
            [("Direct", "atlas"), ("Direct prompt injection", "aix"), ("Prompt Injection", "llm")],
            "Direct prompt injection",
        ),
        # Words nobody else uses do not make a label more telling.
        (
            [
                ("Model theft", "a"),
                ("Model theft through side channels and leaked backups", "b"),
                ("Theft of the model", "c"),
            ],
            "Model theft",
        ),
        # An identifier is a name only when nothing else is left.
        ([("C1.2", "aisvs"), ("Data poisoning", "atlas")], "Data poisoning"),
        ([("C1.2", "aisvs")], "C1.2"),
    ],
)
def test_a_sense_is_named_by_its_most_informative_member(
    labels: list[tuple[str, str]], expected: str
) -> None:
    members = [indexed(f"i{n}", label, initiative) for n, (label, initiative) in enumerate(labels)]
    best = most_informative(members)
    assert best is not None and best.label == expected


def test_short_titles_fit_beside_a_label() -> None:
    assert short_title("NIST AI 100-2 E2025: Adversarial Machine Learning", "n") == (
        "NIST AI 100-2 E2025"
    )
    assert short_title("OWASP Top 10 for LLM Applications v1.1 (2023)", "o") == (
        "OWASP Top 10 for LLM Applications v1.1"
    )
    assert short_title(
        "ISO/IEC 22989:2022 Artificial intelligence concepts and terminology", "iso"
    ) == ("iso")
    assert short_title(None, "alpha") == "alpha"


def labels(ontology: dict[str, str], inverses: dict[str, str] | None = None) -> PropertyLabels:
    converter = curies.Converter.from_prefix_map({"skos": SKOS, "mosaic": MOSAIC})
    return PropertyLabels(ontology, inverses or {}, converter)


def test_property_labels_come_from_the_ontology_then_the_table_then_the_curie() -> None:
    names = labels({MOSAIC + "achievesTactic": "achieves tactic"})
    assert names.label(MOSAIC + "achievesTactic") == "achieves tactic"
    assert names.label(SKOS + "closeMatch") == "close match"
    assert names.label(MOSAIC + "unheardOf") == "mosaic:unheardOf"
    assert names.label("https://example.org/p") == "https://example.org/p"
    # The ontology's label wins over the table.
    assert labels({SKOS + "broader": "has broader"}).label(SKOS + "broader") == "has broader"


def test_statements_read_backwards_use_inverse_labels() -> None:
    names = labels(
        {MOSAIC + "mitigates": "mitigates", MOSAIC + "x": "x", MOSAIC + "y": "y"},
        {MOSAIC + "x": MOSAIC + "y"},
    )
    assert names.inverse(SKOS + "closeMatch") == "close match of"
    assert names.inverse(SKOS + "broader") == "narrower"
    assert names.inverse(MOSAIC + "mitigates") == "mitigated by"
    assert names.inverse(MOSAIC + "x") == "y"  # owl:inverseOf declared in the store
    assert names.inverse(MOSAIC + "unheardOf") == "mosaic:unheardOf of"
    assert all(not label.startswith("is ") for pair in KNOWN_PROPERTIES.values() for label in pair)
