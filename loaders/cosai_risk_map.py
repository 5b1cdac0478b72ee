"""Convert the CoSAI Risk Map YAML files into a SKOS vocabulary.

The CoSAI Risk Map (``cosai-oasis/secure-ai-tooling``, folder ``risk-map/yaml``) keeps one YAML
file per kind of thing: risks, controls, components, personas and lifecycle stages. Each item
has a camelCase ``id`` that the files use to point at each other, so the id is both the local id
of the concept IRI and its ``skos:notation``.

What becomes what:

- risks are ``mosaic:Threat``, controls ``mosaic:Control``, components ``mosaic:Asset``,
  personas ``mosaic:Asset`` (the ontology counts personas among assets) and lifecycle stages
  ``mosaic:LifecycleStage``;
- categories become parent concepts (``skos:broader``/``skos:narrower``) of the same kind as
  their members. ``controls.yaml`` and ``components.yaml`` list their categories (components
  also have subcategories); ``risks.yaml`` has no category list, so risk categories are made
  from the ``category`` values the risks use, labelled from the id
  (``risksRuntimeInputSecurity`` -> "Runtime Input Security Risks");
- a control addresses (``mosaic:mitigates``) the risks it names and the risks that name it: CoSAI's
  own threat -> control statements, returned as declared mappings authored by CoSAI
  (:mod:`mosaic.loaders.threat_controls`) in the bundle and a user's conversion alike; risks and
  controls have ``mosaic:lifecycleStage`` links; links to personas and components, and the
  data-flow edges between components, are ``skos:related`` (stated both ways).

The ``mappings`` field (framework -> ``id@version``) is exposed by :func:`declared_mappings`.
When converting a user's copy (``definitions=None``) the mappings to initiatives MOSAIC knows
become declared ``skos:relatedMatch`` mappings authored by CoSAI (``LoadResult.mappings``,
loaded into the ``cosai-risk-map-declared`` mapping set); the bundle leaves them out, because
cross-initiative links belong in reviewed mapping sets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from mosaic import resources
from mosaic.loaders.base import literal_en, triples_to_turtle
from mosaic.loaders.bundle_build import read_definitions
from mosaic.loaders.cosai_risk_map_files import (
    UNMAPPED_FRAMEWORKS,
    Context,
    Item,
    check_refs,
    collect,
    fill_texts,
    item_mappings,
    resolve_folder,
)
from mosaic.loaders.cosai_risk_map_files import (
    category_label as category_label,
)
from mosaic.loaders.cosai_risk_map_files import (
    declared_mappings as declared_mappings,
)
from mosaic.loaders.cosai_risk_map_files import (
    parse_mapping as parse_mapping,
)
from mosaic.loaders.threat_controls import mitigation
from mosaic.rdf.source import DeclaredMapping, LoadResult
from mosaic.rdf.vocab import (
    DCTERMS,
    DEFAULT_BASE,
    KINDS,
    MOSAIC,
    OWL,
    RDF_TYPE,
    SKOS,
    XSD,
    concept_namespace,
    initiative_iri,
)

INITIATIVE_ID = "cosai-risk-map"
CURIE_PREFIX = "cosai"
NS = concept_namespace(INITIATIVE_ID)
SCHEME = NS["scheme"]

REPOSITORY = "https://github.com/cosai-oasis/secure-ai-tooling"
#: Page of each YAML file; concepts point at the file that defines them.
FILE_URL = REPOSITORY + "/blob/main/risk-map/yaml/{name}"
#: The upstream files carry no version number, so the bundle names the commit it was made from.
UPSTREAM_COMMIT = "18ab1ef17e5c0b09ded45287fdd1977605de80ad"
UPSTREAM_DATE = "2026-08-19"
VERSION = UPSTREAM_DATE
PUBLISHER = "Coalition for Secure AI (OASIS Open Project)"
LICENSE = "https://www.apache.org/licenses/LICENSE-2.0"

DATA_DIR = resources.bundle_dir() / INITIATIVE_ID
DEFINITIONS_FILE = DATA_DIR / "definitions.yaml"
OUTPUT_FILE = DATA_DIR / f"{INITIATIVE_ID}.ttl"


def _source(item: Item) -> ox.NamedNode:
    """Return the page of the YAML file that defines the item."""
    return ox.NamedNode(FILE_URL.format(name=item.file.path.name))


def _scheme_triples() -> list[ox.Triple]:
    """Describe the concept scheme and its metadata (see docs/data-model.md)."""
    return [
        ox.Triple(SCHEME, RDF_TYPE, SKOS["ConceptScheme"]),
        ox.Triple(SCHEME, DCTERMS["title"], literal_en("CoSAI Risk Map")),
        ox.Triple(
            SCHEME,
            DCTERMS["publisher"],
            ox.Literal(PUBLISHER),
        ),
        ox.Triple(SCHEME, OWL["versionInfo"], ox.Literal(VERSION)),
        ox.Triple(SCHEME, DCTERMS["modified"], ox.Literal(UPSTREAM_DATE, datatype=XSD["date"])),
        ox.Triple(SCHEME, DCTERMS["license"], ox.NamedNode(LICENSE)),
        ox.Triple(SCHEME, DCTERMS["source"], ox.NamedNode(REPOSITORY)),
        ox.Triple(SCHEME, MOSAIC["initiative"], initiative_iri(INITIATIVE_ID)),
    ]


def _related(triples: list[ox.Triple], a: ox.NamedNode, b: ox.NamedNode) -> None:
    """State ``skos:related`` both ways, as SKOS readers without reasoning expect."""
    triples.append(ox.Triple(a, SKOS["related"], b))
    triples.append(ox.Triple(b, SKOS["related"], a))


def _concept_triples(ctx: Context, definitions: Mapping[str, str] | None) -> list[ox.Triple]:
    """Describe every registered concept: labels, kind, hierarchy and provenance."""
    triples: list[ox.Triple] = []
    for item in ctx.items.values():
        iri = NS[item.id]
        if definitions is not None:
            definition = definitions.get(item.id, "")
            if not definition.strip():
                ctx.issue(DEFINITIONS_FILE, None, f"no definition for {item.id}")
        else:
            definition = item.text or _fallback_definition(item)
        triples += [
            ox.Triple(iri, RDF_TYPE, SKOS["Concept"]),
            ox.Triple(iri, RDF_TYPE, KINDS[item.kind]),
            ox.Triple(iri, SKOS["prefLabel"], literal_en(item.title)),
            ox.Triple(iri, SKOS["notation"], ox.Literal(item.id)),
            ox.Triple(iri, SKOS["inScheme"], SCHEME),
            ox.Triple(iri, DCTERMS["source"], _source(item)),
        ]
        if definition.strip():
            triples.append(ox.Triple(iri, SKOS["definition"], literal_en(definition)))
        if item.deprecated:
            triples.append(ox.Triple(iri, OWL["deprecated"], ox.Literal(True)))
        if item.parent is None:
            triples.append(ox.Triple(iri, SKOS["topConceptOf"], SCHEME))
            triples.append(ox.Triple(SCHEME, SKOS["hasTopConcept"], iri))
        else:
            triples.append(ox.Triple(iri, SKOS["broader"], NS[item.parent]))
            triples.append(ox.Triple(NS[item.parent], SKOS["narrower"], iri))
    return triples


def _fallback_definition(item: Item) -> str:
    """Write a definition for a category that the upstream does not describe."""
    noun = {"threat": "risk", "asset": "component"}.get(item.kind, item.kind)
    return f"A {noun} category of the CoSAI Risk Map: {item.title}."


def _link_triples(
    ctx: Context, groups: Mapping[str, list[Item]]
) -> tuple[list[ox.Triple], list[DeclaredMapping]]:
    """Link concepts; list the links to other initiatives that the ``mappings`` declare."""
    by_kind: dict[str, dict[str, Item]] = {
        key: {item.id: item for item in items} for key, items in groups.items()
    }
    stages = by_kind["lifecycleStages"]
    personas = by_kind["personas"]
    components = by_kind["components"]
    controls = by_kind["controls"]
    risks = by_kind["risks"]
    mitigates: dict[tuple[str, str], list[str]] = {}
    triples: list[ox.Triple] = []
    declared: list[DeclaredMapping] = []

    for control in groups["controls"]:
        for risk in check_refs(ctx, control, "risks", risks, "risk"):
            mitigates.setdefault((control.id, risk.id), []).append(f"the risks of {control.id}")
    for risk in groups["risks"]:
        for control in check_refs(ctx, risk, "controls", controls, "control"):
            mitigates.setdefault((control.id, risk.id), []).append(f"the controls of {risk.id}")
    for (control_id, risk_id), where in sorted(mitigates.items()):
        declared.append(
            mitigation(
                NS[control_id],
                NS[risk_id],
                source=_source(controls[control_id]).value,
                comment="listed under " + " and ".join(where),
            )
        )

    for item in [*groups["risks"], *groups["controls"]]:
        for stage in check_refs(ctx, item, "lifecycleStage", stages, "lifecycle stage"):
            triples.append(ox.Triple(NS[item.id], MOSAIC["lifecycleStage"], NS[stage.id]))
        for persona in check_refs(ctx, item, "personas", personas, "persona"):
            _related(triples, NS[item.id], NS[persona.id])
    for control in groups["controls"]:
        for component in check_refs(ctx, control, "components", components, "component"):
            _related(triples, NS[control.id], NS[component.id])
    for component in groups["components"]:
        edges = component.raw.get("edges") or {}
        if not isinstance(edges, dict):
            ctx.issue(component.file, component.line_of("edges:"), f"{component.id}: bad edges")
            continue
        for direction in ("to", "from"):
            for other in check_refs(ctx, component, direction, components, "component", edges):
                _related(triples, NS[component.id], NS[other.id])

    for items in groups.values():
        for item in items:
            for initiative, local in item_mappings(ctx, item):
                target = concept_namespace(initiative, DEFAULT_BASE)[local]
                declared.append(
                    DeclaredMapping(
                        NS[item.id],
                        SKOS["relatedMatch"],
                        target,
                        source=_source(item).value,
                        comment=f"declared in the mappings of {item.id} ({item.file.path.name})",
                    )
                )
    return triples, declared


def _unlinked(item: Item) -> Iterator[str]:
    """Yield the framework of each ``mappings`` entry MOSAIC has no concept for."""
    mappings = item.raw.get("mappings")
    if isinstance(mappings, dict):
        for framework, values in mappings.items():
            if framework in UNMAPPED_FRAMEWORKS and isinstance(values, list):
                yield from (str(framework) for _ in values)


def convert(path: str, *, definitions: Mapping[str, str] | None = None) -> LoadResult:
    """Convert the CoSAI Risk Map YAML files into SKOS triples.

    :param path: the upstream checkout, its ``risk-map`` folder or ``risk-map/yaml``.
    :param definitions: our definitions by local id (building the bundle); ``None`` keeps the
        upstream's own descriptions and returns the ``mappings`` to initiatives MOSAIC has as
        declared ``skos:relatedMatch`` mappings (entries of other frameworks are counted in
        ``skipped_mappings``).
    :returns: the triples, with every bad record as an issue.
    """
    ctx = Context(resolve_folder(path))
    groups = collect(ctx)
    fill_texts(ctx, groups)
    triples = _scheme_triples()
    triples += _concept_triples(ctx, definitions)
    for unused in sorted(set(definitions or {}) - set(ctx.items)):
        ctx.warn(DEFINITIONS_FILE, None, f"definition for unknown id {unused}")
    links, declared = _link_triples(ctx, groups)
    triples += links
    unique = list(dict.fromkeys(triples))
    result = LoadResult(
        source=str(ctx.folder),
        format="cosai-risk-map-yaml",
        triples=unique,
        issues=ctx.issues,
        warnings=ctx.warnings,
    )
    for mapping in declared:
        if definitions is None or mapping.predicate == MOSAIC["mitigates"]:
            result.declare(mapping)
    if definitions is None:
        for items in groups.values():
            for item in items:
                for framework in _unlinked(item):
                    result.skip_mapping(f"{framework}: no MOSAIC concept to link")
    return result


def load_definitions(path: Path = DEFINITIONS_FILE) -> dict[str, str]:
    """Read our definitions file: a YAML mapping of local id to definition.

    :raises ValueError: when the file is not a mapping of strings.
    """
    return read_definitions(path)


def turtle_prefixes() -> dict[str, str]:
    """The prefix the bundled Turtle file uses for this initiative's concepts."""
    return {CURIE_PREFIX: NS.iri}


def to_turtle(result: LoadResult) -> str:
    """Serialise a result with the ``cosai`` prefix."""
    return triples_to_turtle(result.triples, turtle_prefixes())
