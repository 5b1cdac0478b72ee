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
- a control ``mosaic:mitigates`` the risks it names and the risks that name it; risks and
  controls have ``mosaic:lifecycleStage`` links; links to personas and components, and the
  data-flow edges between components, are ``skos:related`` (stated both ways).

The ``mappings`` field (framework -> ``id@version``) is exposed by :func:`declared_mappings`.
When converting a user's copy (``definitions=None``) the mappings to initiatives MOSAIC knows
become declared ``skos:relatedMatch`` mappings authored by CoSAI (``LoadResult.mappings``,
loaded into the ``cosai-risk-map-declared`` mapping set); the bundle leaves them out, because
cross-initiative links belong in reviewed mapping sets.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from mosaic import resources
from mosaic.errors import LoadIssue
from mosaic.loaders.base import literal_en, triples_to_turtle
from mosaic.loaders.bundle_build import read_definitions, write_bundle
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

#: ``(file name, top-level list key, concept kind)`` of the item files, in load order.
ITEM_FILES: tuple[tuple[str, str, str], ...] = (
    ("lifecycle-stage.yaml", "lifecycleStages", "lifecycle-stage"),
    ("personas.yaml", "personas", "asset"),
    ("components.yaml", "components", "asset"),
    ("controls.yaml", "controls", "control"),
    ("risks.yaml", "risks", "threat"),
)

#: Frameworks of ``mappings`` that MOSAIC has no initiative for, or whose ids it cannot map.
UNMAPPED_FRAMEWORKS = frozenset({"stride", "iso-22989", "eu-ai-act"})
#: Frameworks whose entries become links to MOSAIC initiatives.
LINKED_FRAMEWORKS = frozenset({"mitre-atlas", "owasp-top10-llm", "nist-ai-rmf"})

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ATLAS_RE = re.compile(r"^(AML\.[A-Z]+\d{4}(?:\.\d{3})?)(?:@.*)?$")
_LLM_RE = re.compile(r"^(LLM\d{2}):(\d{4})(?:@.*)?$")
_RMF_RE = re.compile(r"^((?:GOVERN|MAP|MEASURE|MANAGE)-\d+\.\d+)(?:@.*)?$")
_PLACEHOLDER_RE = re.compile(r"\{\{\s*(ref:)?([^{}]+?)\s*\}\}")


@dataclass
class _File:
    """One parsed YAML file with its raw lines, kept to report line numbers."""

    path: Path
    data: dict[str, Any]
    lines: list[str]

    def id_line(self, item_id: str) -> int | None:
        """Return the first line that declares ``id: item_id``, or ``None``."""
        pattern = re.compile(rf"^\s*(?:-\s+)?id:\s*['\"]?{re.escape(item_id)}['\"]?\s*(?:#.*)?$")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def key_line(self, key: str) -> int | None:
        """Return the line of a top-level ``key:``, or ``None``."""
        pattern = re.compile(rf"^{re.escape(key)}:")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def item_lines(self, key: str) -> list[int]:
        """Start lines of the items of the top-level list ``key``, in order.

        ``yaml.safe_load`` keeps no positions, so items are found by their ``-`` markers at
        the list's own indentation, up to the next top-level key.
        """
        start = self.key_line(key)
        if start is None:
            return []
        found: list[int] = []
        indent: str | None = None
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if line and not line[0].isspace() and line[0] not in "#-":
                break
            match = re.match(r"^(\s*)-(\s|$)", line)
            if match:
                indent = match.group(1) if indent is None else indent
                if match.group(1) == indent:
                    found.append(number)
        return found


@dataclass
class _Item:
    """One concept to be: an item of a list or a category."""

    id: str
    kind: str
    title: str
    file: _File
    line: int
    end_line: int
    raw: dict[str, Any]
    text: str = ""
    parent: str | None = None
    deprecated: bool = False

    def line_of(self, needle: str) -> int:
        """Return the first line of this item that holds ``needle`` (else the item's line)."""
        for number in range(self.line, min(self.end_line, len(self.file.lines)) + 1):
            if needle in self.file.lines[number - 1]:
                return number
        return self.line


@dataclass
class _Context:
    """Everything read so far, and the problems found."""

    folder: Path
    files: dict[str, _File] = field(default_factory=dict)
    items: dict[str, _Item] = field(default_factory=dict)
    issues: list[LoadIssue] = field(default_factory=list)
    warnings: list[LoadIssue] = field(default_factory=list)

    def issue(self, source: _File | Path, line: int | None, message: str) -> None:
        """Record a bad record."""
        path = source.path if isinstance(source, _File) else source
        self.issues.append(LoadIssue(str(path), line, None, message, stage="convert"))

    def warn(self, source: _File | Path, line: int | None, message: str) -> None:
        """Record a harmless oddity."""
        path = source.path if isinstance(source, _File) else source
        self.warnings.append(LoadIssue(str(path), line, None, message, stage="convert"))


def resolve_folder(path: str) -> Path:
    """Find the folder of the YAML files from the upstream checkout, its ``risk-map`` or itself.

    :param path: the repository root, its ``risk-map`` folder or ``risk-map/yaml``.
    :returns: the folder expected to hold ``risks.yaml``.
    """
    root = Path(path)
    for candidate in (root / "risk-map" / "yaml", root / "yaml", root):
        if (candidate / "risks.yaml").is_file():
            return candidate
    return root


def _read(ctx: _Context, name: str) -> _File | None:
    """Parse one YAML file, recording a missing file or a syntax error as an issue."""
    path = ctx.folder / name
    if not path.is_file():
        ctx.issue(path, None, f"missing file {name}")
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        ctx.issue(path, mark.line + 1 if mark is not None else None, f"invalid YAML: {exc}")
        return None
    if not isinstance(data, dict):
        ctx.issue(path, 1, "top level is not a mapping")
        return None
    parsed = _File(path, data, text.splitlines())
    ctx.files[name] = parsed
    return parsed


def _prose(value: object) -> str:
    """Flatten a prose field (a string or nested lists of strings) into one line of text."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return " ".join(part for part in (_prose(v) for v in value) if part)
    return ""


def _resolve_placeholders(text: str, refs: Mapping[str, str], titles: Mapping[str, str]) -> str:
    """Replace ``{{ref:x}}`` by the reference's title and ``{{itemId}}`` by the item's title."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(2)
        if match.group(1):
            return refs.get(key, "")
        return titles.get(key, key)

    text = _PLACEHOLDER_RE.sub(replace, text)
    text = text.replace("**", "").replace("()", "")
    return " ".join(text.replace(" ,", ",").replace(" .", ".").split())


def category_label(category_id: str) -> str:
    """Make a readable label for a risk category id, which ``risks.yaml`` does not name.

    :param category_id: e.g. ``risksRuntimeInputSecurity``.
    :returns: e.g. ``Runtime Input Security Risks``.
    """
    stem = category_id.removeprefix("risks") or category_id
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", stem)
    words = [w.lower() if w in {"And", "Or", "Of"} else w for w in words]
    return " ".join([*words, "Risks"])


def _new_item(
    ctx: _Context,
    file: _File,
    raw: object,
    kind: str,
    line: int,
    end_line: int,
    what: str,
) -> _Item | None:
    """Check the id and title of one record and register it."""
    if not isinstance(raw, dict):
        ctx.issue(file, line, f"{what} is not a mapping")
        return None
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not item_id:
        ctx.issue(file, line, f"{what} has no id")
        return None
    if not _ID_RE.match(item_id):
        ctx.issue(file, line, f"{what} id {item_id!r} is not a safe identifier")
        return None
    if item_id in ctx.items:
        ctx.issue(file, line, f"duplicate id {item_id}")
        return None
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        ctx.issue(file, line, f"{item_id} has no title")
        return None
    item = _Item(item_id, kind, " ".join(title.split()), file, line, end_line, raw)
    ctx.items[item_id] = item
    return item


def _read_categories(ctx: _Context, file: _File, kind: str) -> dict[str, set[str]]:
    """Register the categories (and subcategories) a file lists.

    :returns: each category id with the ids of its subcategories.
    """
    categories: dict[str, set[str]] = {}
    listed = file.data.get("categories")
    if listed is None:
        return categories
    if not isinstance(listed, list):
        ctx.issue(file, file.key_line("categories"), "categories is not a list")
        return categories
    for raw in listed:
        line = _line_for(file, raw)
        category = _new_item(ctx, file, raw, kind, line, line, "category")
        if category is None:
            continue
        category.text = _prose(category.raw.get("description"))
        categories[category.id] = set()
        subs = category.raw.get("subcategory") or []
        for sub_raw in subs if isinstance(subs, list) else []:
            sub_line = _line_for(file, sub_raw)
            sub = _new_item(ctx, file, sub_raw, kind, sub_line, sub_line, "subcategory")
            if sub is not None:
                sub.text = _prose(sub.raw.get("description"))
                sub.parent = category.id
                categories[category.id].add(sub.id)
    return categories


def _line_for(file: _File, raw: object) -> int:
    """Return the line of a record's ``id``, or 1 when it has none."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return file.id_line(raw["id"]) or 1
    return 1


def _read_items(ctx: _Context, file: _File, key: str, kind: str) -> list[_Item]:
    """Register the records of the top-level list ``key`` of a file."""
    records = file.data.get(key)
    if not isinstance(records, list):
        ctx.issue(file, file.key_line(key), f"no list {key!r}")
        return []
    starts = file.item_lines(key)
    if len(starts) != len(records):  # unusual layout: fall back to the id lines
        starts = [_line_for(file, raw) for raw in records]
    ends = [*(s - 1 for s in starts[1:]), len(file.lines)]
    found: list[_Item] = []
    for index, raw in enumerate(records):
        what = f"{key}[{index}]"
        item = _new_item(ctx, file, raw, kind, starts[index], ends[index], what)
        if item is not None:
            item.deprecated = item.raw.get("deprecated") is True
            found.append(item)
    return found


def _id_list(
    ctx: _Context,
    item: _Item,
    name: str,
    every: Sequence[str],
    raw: Mapping[str, Any] | None = None,
) -> list[str]:
    """Read a field that lists ids, or says ``all`` (every id of ``every``) or ``none``."""
    value = (item.raw if raw is None else raw).get(name)
    if value is None or value == "none":
        return []
    if value == "all":
        return list(every)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        ctx.issue(item.file, item.line_of(f"{name}:"), f"{item.id}: {name} is not a list of ids")
        return []
    return list(value)


def _check_refs(
    ctx: _Context,
    item: _Item,
    name: str,
    allowed: Mapping[str, _Item],
    what: str,
    raw: Mapping[str, Any] | None = None,
) -> list[_Item]:
    """Resolve the ids of a list field, reporting each one that names no known ``what``."""
    resolved: list[_Item] = []
    for ref in _id_list(ctx, item, name, list(allowed), raw):
        target = allowed.get(ref)
        if target is None:
            ctx.issue(item.file, item.line_of(ref), f"{item.id}: unknown {what} {ref!r}")
        else:
            resolved.append(target)
    return resolved


def _collect(ctx: _Context) -> dict[str, list[_Item]]:
    """Read every file and register every concept, grouped by file key."""
    groups: dict[str, list[_Item]] = {}
    categories: dict[str, dict[str, set[str]]] = {}
    for name, key, kind in ITEM_FILES:
        file = _read(ctx, name)
        if file is None:
            groups[key] = []
            continue
        categories[key] = _read_categories(ctx, file, kind)
        groups[key] = _read_items(ctx, file, key, kind)

    _place_in_categories(ctx, groups, categories)
    return groups


def _place_in_categories(
    ctx: _Context, groups: dict[str, list[_Item]], categories: dict[str, dict[str, set[str]]]
) -> None:
    """Set each item's parent category, making the risk categories ``risks.yaml`` only names."""
    for _name, key, kind in ITEM_FILES:
        listed = categories.get(key, {})
        derive = key == "risks" and not listed  # risks.yaml names categories it never lists
        for item in groups[key]:
            category = item.raw.get("category")
            if category is None:
                continue
            if not isinstance(category, str):
                ctx.issue(item.file, item.line_of("category:"), f"{item.id}: bad category")
                continue
            if derive and category not in ctx.items:
                if not _ID_RE.match(category):
                    ctx.issue(item.file, item.line_of(category), f"bad category {category!r}")
                    continue
                made = _Item(category, kind, category_label(category), item.file, 1, 1, {})
                made.line = item.file.key_line("risks") or 1
                ctx.items[category] = made
                listed[category] = set()
            if category not in listed:
                ctx.issue(
                    item.file, item.line_of(category), f"{item.id}: unknown category {category!r}"
                )
                continue
            item.parent = category
            sub = item.raw.get("subcategory")
            if sub is None:
                continue
            if not isinstance(sub, str) or sub not in listed[category]:
                ctx.issue(
                    item.file,
                    item.line_of("subcategory:"),
                    f"{item.id}: subcategory {sub!r} is not a subcategory of {category}",
                )
                continue
            item.parent = sub


def parse_mapping(framework: str, value: str) -> tuple[str, str] | None:
    """Turn one ``mappings`` entry into ``(initiative id, local id)``.

    :param framework: the framework id of ``frameworks.yaml`` (``mitre-atlas``, ...).
    :param value: the entry, e.g. ``AML.T0020@5.0.1``, ``LLM04:2025``, ``MEASURE-2.3@1.0``.
    :returns: the target, or ``None`` when the entry is not in a form MOSAIC can link.
    """
    value = value.strip()
    if framework == "mitre-atlas":
        atlas = _ATLAS_RE.match(value)
        return ("mitre-atlas", atlas.group(1)) if atlas else None
    if framework == "owasp-top10-llm":
        llm = _LLM_RE.match(value)
        if llm and llm.group(2) in {"2023", "2025"}:
            return (f"owasp-llm-top10-{llm.group(2)}", llm.group(1))
        return None
    if framework == "nist-ai-rmf":
        rmf = _RMF_RE.match(value)
        return ("nist-ai-rmf", rmf.group(1)) if rmf else None
    return None


def _mappings(ctx: _Context, item: _Item) -> Iterator[tuple[str, str]]:
    """Yield the linkable targets of an item's ``mappings``, reporting unreadable entries."""
    mappings = item.raw.get("mappings")
    if mappings is None:
        return
    if not isinstance(mappings, dict):
        ctx.issue(item.file, item.line_of("mappings:"), f"{item.id}: mappings is not a mapping")
        return
    for framework, values in mappings.items():
        if framework in UNMAPPED_FRAMEWORKS:
            continue
        if framework not in LINKED_FRAMEWORKS:
            ctx.warn(item.file, item.line_of(f"{framework}:"), f"unknown framework {framework!r}")
            continue
        if not isinstance(values, list):
            ctx.issue(item.file, item.line_of(f"{framework}:"), f"{item.id}: bad {framework}")
            continue
        for value in values:
            target = parse_mapping(str(framework), value) if isinstance(value, str) else None
            if target is None:
                ctx.issue(
                    item.file,
                    item.line_of(str(value)),
                    f"{item.id}: cannot read {framework} mapping {value!r}",
                )
            else:
                yield target


def declared_mappings(path: str) -> list[tuple[str, str, str]]:
    """List the cross-initiative links the upstream files declare in their ``mappings``.

    Only frameworks MOSAIC has an initiative for are returned (ATLAS, OWASP LLM Top 10, NIST
    AI RMF); STRIDE, ISO/IEC 22989 role names and EU AI Act entries are skipped.

    :param path: the upstream checkout or its ``risk-map/yaml`` folder.
    :returns: ``(cosai local id, target initiative id, target local id)`` in file order.
    """
    ctx = _Context(resolve_folder(path))
    groups = _collect(ctx)
    found: list[tuple[str, str, str]] = []
    for items in groups.values():
        for item in items:
            for target in _mappings(ctx, item):
                row = (item.id, *target)
                if row not in found:
                    found.append(row)
    return found


def _texts(ctx: _Context, groups: Mapping[str, list[_Item]]) -> None:
    """Set each item's upstream definition text, placeholders resolved."""
    titles = {item.id: item.title for item in ctx.items.values()}
    for key, items in groups.items():
        field_name = "shortDescription" if key == "risks" else "description"
        for item in items:
            refs: dict[str, str] = {}
            for ref in item.raw.get("externalReferences") or []:
                if isinstance(ref, dict) and isinstance(ref.get("id"), str):
                    refs[ref["id"]] = str(ref.get("title") or "")
            text = _prose(item.raw.get(field_name))
            item.text = _resolve_placeholders(text, refs, titles)
            if not item.text:
                ctx.issue(item.file, item.line, f"{item.id} has no {field_name}")


def _source(item: _Item) -> ox.NamedNode:
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


def _concept_triples(ctx: _Context, definitions: Mapping[str, str] | None) -> list[ox.Triple]:
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


def _fallback_definition(item: _Item) -> str:
    """Write a definition for a category that the upstream does not describe."""
    noun = {"threat": "risk", "asset": "component"}.get(item.kind, item.kind)
    return f"A {noun} category of the CoSAI Risk Map: {item.title}."


def _link_triples(
    ctx: _Context, groups: Mapping[str, list[_Item]]
) -> tuple[list[ox.Triple], list[DeclaredMapping]]:
    """Link concepts; list the links to other initiatives that the ``mappings`` declare."""
    by_kind: dict[str, dict[str, _Item]] = {
        key: {item.id: item for item in items} for key, items in groups.items()
    }
    stages = by_kind["lifecycleStages"]
    personas = by_kind["personas"]
    components = by_kind["components"]
    controls = by_kind["controls"]
    risks = by_kind["risks"]
    mitigates: set[tuple[str, str]] = set()
    triples: list[ox.Triple] = []

    for control in groups["controls"]:
        for risk in _check_refs(ctx, control, "risks", risks, "risk"):
            mitigates.add((control.id, risk.id))
    for risk in groups["risks"]:
        for control in _check_refs(ctx, risk, "controls", controls, "control"):
            mitigates.add((control.id, risk.id))
    for control_id, risk_id in sorted(mitigates):
        triples.append(ox.Triple(NS[control_id], MOSAIC["mitigates"], NS[risk_id]))

    for item in [*groups["risks"], *groups["controls"]]:
        for stage in _check_refs(ctx, item, "lifecycleStage", stages, "lifecycle stage"):
            triples.append(ox.Triple(NS[item.id], MOSAIC["lifecycleStage"], NS[stage.id]))
        for persona in _check_refs(ctx, item, "personas", personas, "persona"):
            _related(triples, NS[item.id], NS[persona.id])
    for control in groups["controls"]:
        for component in _check_refs(ctx, control, "components", components, "component"):
            _related(triples, NS[control.id], NS[component.id])
    for component in groups["components"]:
        edges = component.raw.get("edges") or {}
        if not isinstance(edges, dict):
            ctx.issue(component.file, component.line_of("edges:"), f"{component.id}: bad edges")
            continue
        for direction in ("to", "from"):
            for other in _check_refs(ctx, component, direction, components, "component", edges):
                _related(triples, NS[component.id], NS[other.id])

    declared: list[DeclaredMapping] = []
    for items in groups.values():
        for item in items:
            for initiative, local in _mappings(ctx, item):
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


def _unlinked(item: _Item) -> Iterator[str]:
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
    ctx = _Context(resolve_folder(path))
    groups = _collect(ctx)
    _texts(ctx, groups)
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
    if definitions is None:
        for mapping in declared:
            result.declare(mapping)
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


def main(argv: list[str] | None = None) -> int:
    """Regenerate the bundled Turtle file from the upstream files and our definitions.

    :returns: 0 on success, 1 when the upstream had bad records (nothing is written then).
    """
    parser = argparse.ArgumentParser(prog="python -m mosaic.loaders.cosai_risk_map")
    parser.add_argument("upstream", help="checkout of cosai-oasis/secure-ai-tooling")
    parser.add_argument("--output", type=Path, default=OUTPUT_FILE)
    args = parser.parse_args(argv)
    result = convert(args.upstream, definitions=load_definitions())
    return write_bundle(result, args.output, turtle_prefixes())


if __name__ == "__main__":
    sys.exit(main())
