"""The curated mapping sets of ``loaders/data/mappings``: they parse, they point at bundled
concepts, their predicates and NIST IR 8477 relations agree, and they cover every entry of the
threat lists the issue names.

Each row is read twice: with ``mosaic.curation.sssom.parse_sssom`` (what seeding does) and with
``sssom_pydantic.read`` (which also keeps the ``ir8477_relation`` extension column).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import curies
import pyoxigraph as ox
import pytest
import sssom_pydantic
import yaml

from mosaic.curation.sssom import SKOS_MAPPING_PREDICATES, mapping_set_id_from_name, parse_sssom
from mosaic.dataset.registry import bundled_mapping_sets
from mosaic.loaders import avid, cosai_risk_map, owasp_aiexchange, owasp_llm_top10
from mosaic.rdf.identifiers import load_converter
from mosaic.rdf.vocab import MOSAIC, RDF_TYPE, SKOS, SSSOM

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "loaders" / "data"
PREFIXES = REPO / "ontology" / "prefixes.json"
UPSTREAM = REPO.parent / "shared" / "upstream"
BASE = "https://w3id.org/mosaic/"
ID_BASE = f"{BASE}id/"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
MANUAL = "https://w3id.org/semapv/vocab/ManualMappingCuration"
CURATOR = f"{BASE}curator/mosaic-team"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
IR8477_PROPERTY = "https://w3id.org/mosaic/ontology#ir8477Relation"
#: Set ids of control-to-control sets end with this, so that a pair of initiatives can have a
#: threat set and a control set (see mappings/SOURCE.md).
CONTROL_SET_SUFFIX = "-controls"

#: The NIST IR 8477 set relations each SKOS mapping predicate may carry.
IR8477 = {
    "exactMatch": {"equal"},
    "closeMatch": {"intersects with", "equal"},
    "broadMatch": {"subset of"},
    "narrowMatch": {"superset of"},
    "relatedMatch": {"intersects with"},
}
INVERSE = {
    "exactMatch": "exactMatch",
    "closeMatch": "closeMatch",
    "relatedMatch": "relatedMatch",
    "broadMatch": "narrowMatch",
    "narrowMatch": "broadMatch",
}

#: Links an upstream declares that we reviewed and left out (see mappings/SOURCE.md).
REJECTED_DECLARED = {
    ("cosai-risk-map/riskUnauthorizedTrainingData", "mitre-atlas/AML.T0010.002"),
    ("cosai-risk-map/riskModelDeploymentTampering", "mitre-atlas/AML.T0051"),
    ("cosai-risk-map/riskModelDeploymentTampering", "owasp-llm-top10-2025/LLM01"),
    # CoSAI controls to NIST AI RMF subcategories that have nothing to do with the control.
    ("cosai-risk-map/controlModelAndDataIntegrityManagement", "nist-ai-rmf/MEASURE-2.3"),
    ("cosai-risk-map/controlAgentPluginPermissions", "nist-ai-rmf/MEASURE-2.11"),
    ("cosai-risk-map/controlAgentPluginPermissions", "nist-ai-rmf/GOVERN-6.2"),
    ("cosai-risk-map/controlAgentInventoryManagement", "nist-ai-rmf/MAP-3.4"),
    ("cosai-risk-map/controlAgentIntegrityManagement", "nist-ai-rmf/MAP-3.4"),
    ("cosai-risk-map/controlAgentIntegrityManagement", "nist-ai-rmf/MEASURE-2.9"),
    ("cosai-risk-map/controlAgentCredentialIsolation", "nist-ai-rmf/GOVERN-6.2"),
    ("cosai-risk-map/controlInterComponentTransportSecurity", "nist-ai-rmf/MAP-3.4"),
    ("cosai-risk-map/controlComponentIdentityProvenance", "nist-ai-rmf/MAP-3.4"),
    ("cosai-risk-map/controlAgentExecutionBounds", "nist-ai-rmf/MANAGE-2.1"),
}


@dataclass(frozen=True)
class Row:
    """One curated mapping, with the set it comes from."""

    set_id: str
    subject: str
    predicate: str
    object: str
    subject_label: str
    object_label: str
    confidence: float | None
    ir8477: str | None
    comment: str
    justification: str
    authors: tuple[str, ...]


def _converter() -> curies.Converter:
    return load_converter(PREFIXES)


def _files() -> list[Path]:
    return bundled_mapping_sets(DATA)


def _initiative(iri: str) -> str:
    assert iri.startswith(ID_BASE), iri
    return iri[len(ID_BASE) :].split("/", 1)[0]


def _local(iri: str) -> str:
    return iri[len(ID_BASE) :]


@cache
def _metadata(path: Path) -> dict[str, object]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = "\n".join(line[1:] for line in lines if line.startswith("#"))
    loaded = yaml.safe_load(header)
    assert isinstance(loaded, dict)
    return loaded


def _table(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    body = "\n".join(line for line in lines if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body), delimiter="\t"))


@cache
def _rows(path: Path) -> tuple[Row, ...]:
    mappings, converter, _set, errors = sssom_pydantic.read(
        path, converter=_converter(), return_errors=True
    )
    assert errors == []

    def expand(reference: curies.Reference) -> str:
        iri = converter.expand_reference(reference)
        assert iri is not None, reference
        return iri

    rows = []
    for mapping in mappings:
        slot = (mapping.extensions or {}).get("ir8477_relation")
        rows.append(
            Row(
                set_id=mapping_set_id_from_name(path.name),
                subject=expand(mapping.subject),
                predicate=expand(mapping.predicate),
                object=expand(mapping.object),
                subject_label=mapping.subject.name or "",
                object_label=mapping.object.name or "",
                confidence=mapping.confidence,
                ir8477=None if slot is None else str(slot.value),
                comment=mapping.comment or "",
                justification=expand(mapping.justification),
                authors=tuple(expand(a) for a in mapping.authors or []),
            )
        )
    return tuple(rows)


def _all_rows() -> list[Row]:
    return [row for path in _files() for row in _rows(path)]


@dataclass(frozen=True)
class Vocabulary:
    """The concepts of one bundled initiative: English labels, kinds and broader concepts."""

    labels: dict[str, str]
    kinds: dict[str, set[str]]
    broader: dict[str, set[str]]
    narrower: dict[str, set[str]]


def _iris(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> set[str]:
    return {
        q.object.value
        for q in store.quads_for_pattern(subject, predicate, None)
        if isinstance(q.object, ox.NamedNode)
    }


@cache
def _vocabulary(initiative: str) -> Vocabulary:
    path = DATA / initiative / f"{initiative}.ttl"
    assert path.is_file(), f"no bundled Turtle for {initiative}"
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    concepts = {
        q.subject.value
        for q in store.quads_for_pattern(None, RDF_TYPE, SKOS["Concept"])
        if isinstance(q.subject, ox.NamedNode)
    }
    labels: dict[str, str] = {}
    kinds: dict[str, set[str]] = {c: set() for c in concepts}
    broader: dict[str, set[str]] = {c: set() for c in concepts}
    narrower: dict[str, set[str]] = {c: set() for c in concepts}
    for concept in concepts:
        node = ox.NamedNode(concept)
        for q in store.quads_for_pattern(node, SKOS["prefLabel"], None):
            if isinstance(q.object, ox.Literal) and q.object.language == "en":
                labels[concept] = q.object.value
        kinds[concept] = _iris(store, node, RDF_TYPE)
        broader[concept] = _iris(store, node, SKOS["broader"])
        narrower[concept] = _iris(store, node, SKOS["narrower"])
    return Vocabulary(labels=labels, kinds=kinds, broader=broader, narrower=narrower)


def _concepts_of(initiative: str) -> set[str]:
    return set(_vocabulary(initiative).kinds)


def _mapped() -> set[str]:
    return {iri for row in _all_rows() for iri in (row.subject, row.object)}


# --- files and metadata -----------------------------------------------------------------------


def test_mapping_sets_are_bundled() -> None:
    assert len(_files()) >= 10


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_file_name_and_metadata(path: Path) -> None:
    set_id = mapping_set_id_from_name(path.name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", set_id), set_id
    meta = _metadata(path)
    assert meta["mapping_set_id"] == f"{BASE}mapping-set/{set_id}"
    assert meta["license"] == CC_BY
    assert meta.get("mapping_set_title")
    assert meta.get("mapping_set_description")
    assert meta["creator_id"] == ["curator:mosaic-team"]
    extensions = meta["extension_definitions"]
    assert isinstance(extensions, list)
    assert {"slot_name": "ir8477_relation", "property": IR8477_PROPERTY}.items() <= extensions[
        0
    ].items()


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_file_parses_without_issues(path: Path) -> None:
    set_id = mapping_set_id_from_name(path.name)
    result = parse_sssom(
        path.read_bytes(), set_id=set_id, base_iri=BASE, converter=_converter(), source=str(path)
    )
    assert result.issues == []
    records = [
        t for t in result.triples if t.predicate == RDF_TYPE and t.object == SSSOM["Mapping"]
    ]
    assert len(records) == len(_table(path)) == len(_rows(path)) > 0


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_every_curie_prefix_is_declared_in_the_file(path: Path) -> None:
    curie_map = _metadata(path)["curie_map"]
    assert isinstance(curie_map, dict)
    project = {r.prefix: r.uri_prefix for r in _converter().records}
    for row in _table(path):
        for column in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
            prefix = row[column].split(":", 1)[0]
            assert prefix in curie_map, (path.name, column, row[column])
            if prefix in project:  # the file must not redefine a project prefix
                assert curie_map[prefix] == project[prefix], prefix
        assert row["author_id"].split(":", 1)[0] in curie_map


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_subjects_and_objects_come_from_the_declared_initiatives(path: Path) -> None:
    meta = _metadata(path)
    subject_source = str(meta["subject_source"]).removeprefix("initiative:")
    object_source = str(meta["object_source"]).removeprefix("initiative:")
    assert subject_source != object_source
    for row in _rows(path):
        assert _initiative(row.subject) == subject_source, row
        assert _initiative(row.object) == object_source, row


# --- every row --------------------------------------------------------------------------------


def test_subjects_and_objects_are_bundled_concepts() -> None:
    missing = [
        f"{row.set_id}: {_local(iri)}"
        for row in _all_rows()
        for iri in (row.subject, row.object)
        if iri not in _concepts_of(_initiative(iri))
    ]
    assert missing == []


def test_labels_are_the_concepts_preferred_labels() -> None:
    wrong = [
        f"{row.set_id}: {_local(iri)} {label!r}"
        for row in _all_rows()
        for iri, label in ((row.subject, row.subject_label), (row.object, row.object_label))
        if _vocabulary(_initiative(iri)).labels.get(iri) != label
    ]
    assert wrong == []


def test_subject_and_object_are_in_different_initiatives() -> None:
    same = [row for row in _all_rows() if _initiative(row.subject) == _initiative(row.object)]
    assert same == []


def test_predicates_are_skos_mapping_properties() -> None:
    assert {row.predicate for row in _all_rows()} <= SKOS_MAPPING_PREDICATES


def test_rows_are_manual_curations_by_the_project() -> None:
    for row in _all_rows():
        assert row.justification == MANUAL, row
        assert row.authors == (CURATOR,), row
        assert row.comment, row


def test_confidence_is_given_and_between_0_and_1() -> None:
    for row in _all_rows():
        assert row.confidence is not None and 0.0 <= row.confidence <= 1.0, row


def test_predicate_and_ir8477_relation_agree() -> None:
    for row in _all_rows():
        name = row.predicate.removeprefix(SKOS_NS)
        assert row.ir8477 in IR8477[name], row
        # The loader does not keep extension columns yet, so the comment repeats the relation.
        assert row.comment.startswith(f"IR8477: {row.ir8477}; "), row


def test_exact_matches_are_rare_and_confident() -> None:
    exact = [row for row in _all_rows() if row.predicate == f"{SKOS_NS}exactMatch"]
    assert len(exact) <= len(_all_rows()) // 20
    assert all(row.confidence is not None and row.confidence >= 0.8 for row in exact)


def test_no_pair_is_mapped_twice_or_contradicted() -> None:
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    problems = []
    for row in _all_rows():
        name = row.predicate.removeprefix(SKOS_NS)
        key = (row.subject, row.object)
        if key in seen:
            problems.append(
                f"{_local(row.subject)} {_local(row.object)}: {seen[key]} and {row.set_id}"
            )
        reverse = seen.get((row.object, row.subject))
        if reverse is not None and reverse[1] != INVERSE[name]:
            problems.append(f"{_local(row.subject)} {_local(row.object)}: inverse disagrees")
        seen[key] = (row.set_id, name)
    assert problems == []


def _is_control_set(set_id: str) -> bool:
    return set_id.endswith(CONTROL_SET_SUFFIX)


def test_one_set_per_pair_of_initiatives_and_side() -> None:
    # A pair may have one threat set and one control set (``<a>-<b>-controls``), never two of
    # the same side.
    pairs = Counter(
        (
            frozenset((_initiative(rows[0].subject), _initiative(rows[0].object))),
            _is_control_set(rows[0].set_id),
        )
        for rows in map(_rows, _files())
    )
    assert [pair for pair, n in pairs.items() if n > 1] == []


def test_control_sets_map_controls_to_controls() -> None:
    wanted = {MOSAIC["Control"].value, MOSAIC["Requirement"].value}
    control_sets = [path for path in _files() if _is_control_set(path.stem.removesuffix(".sssom"))]
    assert len(control_sets) >= 8
    wrong = [
        f"{row.set_id}: {_local(iri)}"
        for path in control_sets
        for row in _rows(path)
        for iri in (row.subject, row.object)
        if not _vocabulary(_initiative(iri)).kinds[iri] & wanted
    ]
    assert wrong == []


def test_at_least_500_curated_mappings() -> None:
    assert len(_all_rows()) >= 500


def test_loaded_graph_keeps_the_ir8477_relation_in_the_comment() -> None:
    path = DATA / "mappings" / "llm2025-atlas.sssom.tsv"
    result = parse_sssom(
        path.read_bytes(), set_id="llm2025-atlas", base_iri=BASE, converter=_converter()
    )
    comments = [
        t.object.value
        for t in result.triples
        if t.predicate == SSSOM["comment"] and isinstance(t.object, ox.Literal)
    ]
    assert comments and all(c.startswith("IR8477: ") for c in comments)


# --- coverage ---------------------------------------------------------------------------------


def _of_kind(initiative: str, *kinds: str) -> set[str]:
    wanted = {MOSAIC[k].value for k in kinds}
    return {c for c, ks in _vocabulary(initiative).kinds.items() if ks & wanted}


def _unmapped(concepts: set[str]) -> list[str]:
    return sorted(_local(c) for c in concepts - _mapped())


def test_every_llm_top10_entry_is_mapped() -> None:
    for edition in ("owasp-llm-top10-2025", "owasp-llm-top10-2023"):
        # The entries; the 2025 strategies are controls, mapped in no threat set.
        concepts = _of_kind(edition, "Vulnerability")
        assert len(concepts) == 10
        assert _unmapped(concepts) == []


def test_every_llm_2025_entry_is_mapped_to_atlas() -> None:
    mapped = {r.subject for r in _all_rows() if r.set_id == "llm2025-atlas"}
    assert _of_kind("owasp-llm-top10-2025", "Vulnerability") <= mapped


def test_every_ai_exchange_threat_is_mapped() -> None:
    # Groups (threats with narrower threats) are mapped too: they have counterparts.
    threats = _of_kind("owasp-aiexchange", "Threat")
    assert len(threats) > 25
    assert _unmapped(threats) == []


def test_every_cosai_risk_is_mapped() -> None:
    vocabulary = _vocabulary("cosai-risk-map")
    risks = {c for c in _of_kind("cosai-risk-map", "Threat") if not vocabulary.narrower[c]}
    assert len(risks) > 30
    assert _unmapped(risks) == []


def test_every_agentic_threat_is_mapped() -> None:
    threats = _of_kind("owasp-agentic-threats", "Threat")
    assert len(threats) == 25
    assert _unmapped(threats) == []


def test_every_nist_attack_class_and_objective_is_mapped() -> None:
    # The two roots (the predictive and generative AI parts of the taxonomy) are partitions of
    # the document, not attack classes, and are left out.
    vocabulary = _vocabulary("nist-ai-100-2")
    classes = {
        c for c in _of_kind("nist-ai-100-2", "AttackTechnique", "Threat") if vocabulary.broader[c]
    }
    assert len(classes) > 15
    assert _unmapped(classes) == []


def test_every_avid_security_category_is_mapped() -> None:
    vocabulary = _vocabulary("avid")
    security = {c for c, b in vocabulary.broader.items() if b & {f"{ID_BASE}avid/S"}}
    assert security
    assert _unmapped(security) == []


def _mapped_by_control_sets() -> set[str]:
    return {
        iri
        for path in _files()
        if _is_control_set(path.stem.removesuffix(".sssom"))
        for row in _rows(path)
        for iri in (row.subject, row.object)
    }


def test_every_atlas_mitigation_is_mapped_to_other_controls() -> None:
    mitigations = _of_kind("mitre-atlas", "Control")
    assert len(mitigations) > 30
    assert sorted(_local(c) for c in mitigations - _mapped_by_control_sets()) == []


def test_every_cosai_control_is_mapped_to_other_controls() -> None:
    # The six control categories are groupings; each of their members is mapped.
    vocabulary = _vocabulary("cosai-risk-map")
    controls = {c for c in _of_kind("cosai-risk-map", "Control") if vocabulary.broader[c]}
    assert len(controls) > 30
    assert sorted(_local(c) for c in controls - _mapped_by_control_sets()) == []


def test_every_aisvs_chapter_is_mapped_at_some_level() -> None:
    vocabulary = _vocabulary("owasp-aisvs")
    mapped = _mapped_by_control_sets()

    def subtree(concept: str) -> set[str]:
        found = {concept}
        for child in vocabulary.narrower[concept]:
            found |= subtree(child)
        return found

    chapters = {c for c in _of_kind("owasp-aisvs", "Control") if not vocabulary.broader[c]}
    assert len(chapters) == 12
    assert sorted(_local(c) for c in chapters if not subtree(c) & mapped) == []


def _partners(concept: str, *kinds: str) -> set[str]:
    """The initiatives whose concepts of the given kinds are mapped to ``concept``."""
    wanted = {MOSAIC[k].value for k in kinds}
    found = set()
    for row in _all_rows():
        for mine, other in ((row.subject, row.object), (row.object, row.subject)):
            if mine == concept and _vocabulary(_initiative(other)).kinds[other] & wanted:
                found.add(_initiative(other))
    return found


@pytest.mark.parametrize(
    "initiative",
    ["eu-ai-act", "iso-iec-22989", "oecd-ai", "etsi-sai", "mit-ai-risk-repository"],
)
def test_every_hand_written_initiative_has_curated_mappings(initiative: str) -> None:
    mapped = {c for c in _mapped() if _initiative(c) == initiative}
    assert len(mapped) >= 5, initiative


def test_every_etsi_principle_is_mapped_to_controls() -> None:
    principles = _of_kind("etsi-sai", "Principle")
    assert len(principles) == 13
    for principle in principles:
        assert _partners(principle, "Control"), _local(principle)


def test_eu_ai_act_security_obligations_reach_controls_of_several_initiatives() -> None:
    eu = f"{ID_BASE}eu-ai-act/"
    # cybersecurity of high-risk systems and of systemic-risk models, risk management, logging,
    # human oversight: each is met with controls that several initiatives publish
    for local in ("art15-5", "art55-1-d", "art9-2", "art12-1", "art14-4"):
        partners = _partners(eu + local, "Control", "Principle")
        assert len(partners) >= 3, (local, partners)
    assert len(_partners(eu + "art15-5", "Control")) >= 4


def test_eu_ai_act_article_15_attacks_meet_their_counterparts() -> None:
    eu = f"{ID_BASE}eu-ai-act/art15-5-"
    for name in (
        "data-poisoning",
        "model-poisoning",
        "adversarial-examples",
        "confidentiality-attacks",
    ):
        partners = _partners(eu + name, "Threat", "AttackTechnique")
        assert {"mitre-atlas", "owasp-aiexchange", "cosai-risk-map"} <= partners, name


# --- the crosswalks the initiatives declare ---------------------------------------------------


@cache
def _declared() -> frozenset[tuple[str, str]]:
    """(subject, object) local paths of every link the upstreams declare that a curated set covers.

    Threat level: LLM Top 10 2025 and CoSAI risks to ATLAS techniques and LLM entries, AVID to
    ATLAS. Control level: CoSAI controls to ATLAS mitigations and NIST AI RMF subcategories, and
    the ATLAS mitigations cited in the AI Exchange controls' OpenCRE blocks.
    """
    if not UPSTREAM.is_dir():
        pytest.skip("../shared/upstream is not present")
    links: set[tuple[str, str]] = set()
    llm = owasp_llm_top10.declared_atlas_links(UPSTREAM / "owasp-llm-top10" / "2_0_vulns")
    for entry, techniques in llm.items():
        links |= {(f"owasp-llm-top10-2025/{entry}", f"mitre-atlas/{t}") for t in techniques}
    for item, target, local in cosai_risk_map.declared_mappings(str(UPSTREAM / "cosai-risk-map")):
        if item.startswith("risk") and target in ("mitre-atlas", "owasp-llm-top10-2025"):
            links.add((f"cosai-risk-map/{item}", f"{target}/{local}"))
        if item.startswith("control") and target in ("mitre-atlas", "nist-ai-rmf"):
            links.add((f"cosai-risk-map/{item}", f"{target}/{local}"))
    for category, target, local in avid.declared_atlas_links(str(UPSTREAM / "avid")):
        links.add((f"avid/{category}", f"{target}/{local}"))
    for mapping in owasp_aiexchange.convert(str(UPSTREAM / "owasp-ai-exchange")).mappings:
        subject, target = _local(mapping.subject.value), _local(mapping.object.value)
        if target.startswith("mitre-atlas/AML.M"):
            links.add((subject, target))
    return frozenset(links)


@pytest.mark.upstream
def test_every_declared_crosswalk_is_curated_or_explicitly_rejected() -> None:
    declared = _declared()
    assert len(declared) > 120
    curated = {(_local(r.subject), _local(r.object)) for r in _all_rows()}
    assert declared >= REJECTED_DECLARED
    assert sorted(declared - curated - REJECTED_DECLARED) == []
    assert REJECTED_DECLARED & curated == set()


@pytest.mark.upstream
def test_comments_that_cite_a_declared_crosswalk_are_true() -> None:
    declared = _declared()
    marks = (
        "declared by OWASP;",
        "declared by CoSAI;",
        "declared by AVID;",
        "declared by the AI Exchange;",
    )
    checked = {
        "llm2025-atlas",
        "cosai-atlas",
        "cosai-llm2025",
        "avid-atlas",
        "aiexchange-atlas-controls",
        "cosai-atlas-controls",
        "cosai-airmf-controls",
    }
    cited = [
        (_local(r.subject), _local(r.object))
        for r in _all_rows()
        if r.set_id in checked and any(mark in r.comment for mark in marks)
    ]
    assert len(cited) > 100
    assert [pair for pair in cited if pair not in declared] == []


@pytest.mark.upstream
def test_control_sets_mark_every_declared_link_they_keep() -> None:
    # A kept declared link says so in its comment, so that readers can tell evidence from our
    # own judgement.
    declared = _declared()
    sets = {"aiexchange-atlas-controls", "cosai-atlas-controls", "cosai-airmf-controls"}
    unmarked = [
        f"{r.set_id}: {_local(r.subject)} {_local(r.object)}"
        for r in _all_rows()
        if r.set_id in sets
        and (_local(r.subject), _local(r.object)) in declared
        and "declared by" not in r.comment
    ]
    assert unmarked == []
