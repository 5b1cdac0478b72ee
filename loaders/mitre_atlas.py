"""Convert MITRE ATLAS (``dist/ATLAS.yaml`` of mitre-atlas/atlas-data) into SKOS.

ATLAS publishes one fully resolved YAML file: tactics, techniques (sub-techniques name their
parent in ``subtechnique-of``) and mitigations (each lists the techniques it addresses). This
module maps them onto the MOSAIC data model (``docs/data-model.md``): tactics become
``mosaic:Tactic``, techniques ``mosaic:AttackTechnique`` and mitigations ``mosaic:Control``, all in
one concept scheme. A mitigation's techniques are ATLAS's own threat -> control statements:
they become declared ``mosaic:mitigates`` mappings authored by ATLAS
(:mod:`mosaic.loaders.threat_controls`), not vocabulary triples. Case studies become incidents
(:mod:`mosaic.loaders.atlas_case_studies`).

Why the records' line numbers are read separately: ``yaml.safe_load`` returns plain Python
values without positions, and a maintainer fixing the upstream file needs to know where a bad
record starts. The document is therefore also composed (nodes only, nothing constructed) to
find the first line of each record.

Run ``python -m mosaic.loaders.build atlas <folder or ATLAS.yaml>`` to regenerate the bundled
Turtle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from mosaic import resources
from mosaic.loaders.altlabels_data import alt_labels
from mosaic.loaders.atlas_case_studies import (
    case_study_lines,
    case_study_triples,
    collection_triples,
)
from mosaic.loaders.base import date_literal, literal_en
from mosaic.loaders.issues import IssueCollector
from mosaic.loaders.threat_controls import mitigation
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, SKOS, concept_namespace, initiative_iri

INITIATIVE_ID = "mitre-atlas"
CURIE_PREFIX = "atlas"
FORMAT = "atlas-yaml"
ATLAS = concept_namespace(INITIATIVE_ID)
SCHEME = ATLAS["scheme"]
SITE = "https://atlas.mitre.org/"
LICENSE = ox.NamedNode("https://www.apache.org/licenses/LICENSE-2.0")
PUBLISHER = "The MITRE Corporation"
TITLE = "MITRE ATLAS"

DATA_DIR = resources.bundle_dir() / INITIATIVE_ID
DEFINITIONS_PATH = DATA_DIR / "definitions.yaml"
BUNDLE_PATH = DATA_DIR / f"{INITIATIVE_ID}.ttl"

#: What may be the object of a triple.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

#: Identifiers must be safe as an IRI path segment (docs/data-model.md).
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]+$")

#: The three record lists of a matrix: list key, kind, and the site folder of their pages.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("tactics", "Tactic", "tactics"),
    ("techniques", "AttackTechnique", "techniques"),
    ("mitigations", "Control", "mitigations"),
)

#: Widely used synonyms of a few ATLAS names (ours: ``altlabels/mitre-atlas.yaml``).
ALT_LABELS: dict[str, tuple[str, ...]] = alt_labels(INITIATIVE_ID)


@dataclass
class _Record:
    """One upstream record that passed the basic checks, with where it starts."""

    section: str
    kind: str
    folder: str
    data: Mapping[str, Any]
    line: int | None
    ident: str
    name: str


@dataclass
class _Context:
    """What a conversion accumulates: the result and the records seen so far, by id."""

    result: LoadResult
    source: str
    records: dict[str, _Record] = field(default_factory=dict)
    collector: IssueCollector = field(init=False)

    def __post_init__(self) -> None:
        """Collect the issues and warnings of the one file straight into the result."""
        self.collector = IssueCollector(issues=self.result.issues, warnings=self.result.warnings)

    def issue(self, line: int | None, message: str) -> None:
        """Record an error: the record (or the whole file) cannot be used as is."""
        self.collector.issue(self.source, line, message)

    def warn(self, line: int | None, message: str) -> None:
        """Record a harmless problem: the record is converted, minus the bad part."""
        self.collector.warn(self.source, line, message)

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Term) -> None:
        """Append one triple to the result."""
        self.result.triples.append(ox.Triple(subject, predicate, obj))


def resolve_source(path: str | Path) -> Path:
    """Find ``ATLAS.yaml`` from a path given by the user.

    Accepts the file itself, the repository folder (``dist/ATLAS.yaml`` inside it) or the
    ``dist`` folder, so that the build command works with either.

    :param path: a file or a folder.
    :returns: the path of the YAML file to read (it may not exist).
    """
    candidate = Path(path)
    if candidate.is_dir():
        for inner in (candidate / "dist" / "ATLAS.yaml", candidate / "ATLAS.yaml"):
            if inner.is_file():
                return inner
        return candidate / "dist" / "ATLAS.yaml"
    return candidate


def load_definitions(path: str | Path = DEFINITIONS_PATH) -> dict[str, str]:
    """Read our own definitions file: a mapping from ATLAS id to a definition.

    :param path: the YAML file, by default the bundled ``definitions.yaml``.
    :returns: the definitions, by ATLAS id.
    :raises ValueError: when the file is not a mapping of strings to non-empty strings.
    """
    with Path(path).open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of ATLAS id to definition")
    definitions: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            raise ValueError(f"{path}: entry {key!r} is not an id with a non-empty definition")
        definitions[key] = " ".join(value.split())
    return definitions


def _node_lines(text: str) -> dict[tuple[str, int], int]:
    """Map (list key, position) of each record of the first matrix to its 1-based line.

    Only positions are wanted, so the document is composed into nodes and never constructed;
    the values themselves come from ``yaml.safe_load``. Node kinds are told apart by their
    ``id`` ("mapping", "sequence", "scalar") rather than by class: the C loader builds nodes
    from the classes it saw at import time, which need not be the ones ``yaml`` exposes now
    (for instance when a test tool has re-imported the module).
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = yaml.compose(text, Loader=loader)
    lines: dict[tuple[str, int], int] = {}
    for _key, matrices in _mapping_items(root, "matrices"):
        if _kind(matrices) != "sequence":
            continue
        for offset, matrix in enumerate(matrices.value):
            for section, records in _mapping_items(matrix, None):
                if _kind(records) == "sequence":
                    for index, record in enumerate(records.value):
                        lines[(f"{offset}/{section}", index)] = record.start_mark.line + 1
    return lines


def _kind(node: object) -> str | None:
    """Return the kind of a composed YAML node: "mapping", "sequence", "scalar" or None."""
    kind = getattr(node, "id", None)
    return kind if isinstance(kind, str) else None


def _mapping_items(node: yaml.Node | None, only: str | None) -> Iterator[tuple[str, yaml.Node]]:
    """Yield (key, value node) pairs of a mapping node, optionally only for one key."""
    if node is None or _kind(node) != "mapping":
        return
    for key_node, value_node in node.value:
        key = key_node.value if _kind(key_node) == "scalar" else None
        if isinstance(key, str) and (only is None or key == only):
            yield key, value_node


def _text(value: object) -> str | None:
    """Return a non-empty string value stripped, or None for anything else."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _collect(ctx: _Context, data: Mapping[str, Any], lines: dict[tuple[str, int], int]) -> None:
    """Check every record and keep the usable ones in ``ctx.records``."""
    matrices = data.get("matrices")
    if not isinstance(matrices, list) or not matrices:
        ctx.issue(None, "no 'matrices' list in the ATLAS file")
        return
    for offset, matrix in enumerate(matrices):
        if not isinstance(matrix, dict):
            ctx.issue(None, f"matrix {offset} is not a mapping")
            continue
        for section, kind, folder in SECTIONS:
            records = matrix.get(section, [])
            if not isinstance(records, list):
                ctx.issue(None, f"'{section}' of matrix {offset} is not a list")
                continue
            singular = section[:-1]
            for index, record in enumerate(records):
                line = lines.get((f"{offset}/{section}", index))
                if not isinstance(record, dict):
                    ctx.issue(line, f"{singular} {index + 1} is not a mapping")
                    continue
                ident = _text(record.get("id"))
                name = _text(record.get("name"))
                if ident is None:
                    label = f" ({name!r})" if name else ""
                    ctx.issue(line, f"{singular} {index + 1}{label} has no id")
                    continue
                if not SAFE_ID.match(ident):
                    ctx.issue(line, f"{singular} id {ident!r} is not usable in an IRI")
                    continue
                if name is None:
                    ctx.issue(line, f"{singular} {ident} has no name")
                    continue
                if ident in ctx.records:
                    first = ctx.records[ident].line
                    ctx.issue(line, f"duplicate id {ident} (first seen on line {first})")
                    continue
                ctx.records[ident] = _Record(section, kind, folder, record, line, ident, name)


def _ids(ctx: _Context, rec: _Record, field_name: str, values: object) -> list[str]:
    """Read a list of ids (strings, or mappings with an ``id``), warning about bad entries."""
    if values is None:
        return []
    if not isinstance(values, list):
        ctx.warn(rec.line, f"{rec.ident}: '{field_name}' is not a list")
        return []
    found: list[str] = []
    for value in values:
        ident = _text(value.get("id")) if isinstance(value, dict) else _text(value)
        if ident is None:
            ctx.warn(rec.line, f"{rec.ident}: an entry of '{field_name}' has no id")
        else:
            found.append(ident)
    return found


def _target(ctx: _Context, rec: _Record, ident: str, section: str, what: str) -> bool:
    """Whether ``ident`` is a known record of ``section``; warn when it is not."""
    other = ctx.records.get(ident)
    if other is not None and other.section == section:
        return True
    ctx.warn(rec.line, f"{rec.ident} refers to unknown {what} {ident}")
    return False


def _emit_common(
    ctx: _Context, rec: _Record, definitions: Mapping[str, str] | None
) -> ox.NamedNode:
    """Write what every concept has: types, labels, definition, notation, source, dates."""
    concept = ATLAS[rec.ident]
    ctx.add(concept, RDF_TYPE, SKOS["Concept"])
    ctx.add(concept, RDF_TYPE, MOSAIC[rec.kind])
    ctx.add(concept, SKOS["prefLabel"], literal_en(rec.name))
    for alt in ALT_LABELS.get(rec.ident, ()):
        ctx.add(concept, SKOS["altLabel"], literal_en(alt))
    ctx.add(concept, SKOS["notation"], ox.Literal(rec.ident))
    ctx.add(concept, SKOS["inScheme"], SCHEME)
    ctx.add(concept, DCTERMS["source"], ox.NamedNode(f"{SITE}{rec.folder}/{rec.ident}"))
    if definitions is None:
        description = _text(rec.data.get("description"))
        if description is None:
            ctx.warn(rec.line, f"{rec.ident} has no description")
        else:
            ctx.add(concept, SKOS["definition"], literal_en(description))
    elif rec.ident in definitions:
        ctx.add(concept, SKOS["definition"], literal_en(definitions[rec.ident]))
    else:
        ctx.issue(rec.line, f"no definition for {rec.ident} in the definitions file")
    for key, predicate in (("created_date", "created"), ("modified_date", "modified")):
        value = rec.data.get(key)
        if value is None:
            continue
        text = str(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]) is None:
            ctx.warn(rec.line, f"{rec.ident}: {key} {text!r} is not a date")
            continue
        ctx.add(concept, DCTERMS[predicate], date_literal(value))
    for url in _external_urls(ctx, rec):
        ctx.add(concept, MOSAIC["externalReference"], ox.NamedNode(url))
    return concept


def _external_urls(ctx: _Context, rec: _Record) -> list[str]:
    """Collect the ATT&CK page and any other reference URLs of a record."""
    candidates: list[object] = []
    attack = rec.data.get("ATT&CK-reference")
    if isinstance(attack, dict):
        candidates.append(attack.get("url"))
    references = rec.data.get("references")
    if isinstance(references, list):
        candidates.extend(ref.get("url") for ref in references if isinstance(ref, dict))
    urls: list[str] = []
    for candidate in candidates:
        url = _text(candidate)
        if url is None:
            continue
        if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url) is None:
            ctx.warn(rec.line, f"{rec.ident}: reference {url!r} is not a web address")
            continue
        urls.append(url)
    return urls


def _top(ctx: _Context, concept: ox.NamedNode) -> None:
    """Make a concept a top concept of the scheme, in both directions."""
    ctx.add(concept, SKOS["topConceptOf"], SCHEME)
    ctx.add(SCHEME, SKOS["hasTopConcept"], concept)


def _emit(ctx: _Context, rec: _Record, definitions: Mapping[str, str] | None) -> None:
    """Write one record's triples, including its relations to other records."""
    concept = _emit_common(ctx, rec, definitions)
    if rec.section == "tactics":
        _top(ctx, concept)
    elif rec.section == "techniques":
        for tactic in _ids(ctx, rec, "tactics", rec.data.get("tactics")):
            if _target(ctx, rec, tactic, "tactics", "tactic"):
                ctx.add(concept, MOSAIC["achievesTactic"], ATLAS[tactic])
        maturity = _text(rec.data.get("maturity"))
        if maturity is not None:
            ctx.add(concept, MOSAIC["maturity"], ox.Literal(maturity))
        parent = rec.data.get("subtechnique-of")
        parent_id = _text(parent)
        if parent is not None and parent_id is None:
            ctx.warn(rec.line, f"{rec.ident}: 'subtechnique-of' is not an id")
        if parent_id is not None and _target(ctx, rec, parent_id, "techniques", "technique"):
            ctx.add(concept, SKOS["broader"], ATLAS[parent_id])
            ctx.add(ATLAS[parent_id], SKOS["narrower"], concept)
        else:
            _top(ctx, concept)
        if rec.data.get("tactics") is None and parent_id is None:
            ctx.warn(rec.line, f"technique {rec.ident} has neither tactics nor a parent")
    else:
        _top(ctx, concept)
        techniques = _ids(ctx, rec, "techniques", rec.data.get("techniques"))
        for technique in dict.fromkeys(techniques):
            if _target(ctx, rec, technique, "techniques", "technique"):
                ctx.result.declare(
                    mitigation(
                        concept,
                        ATLAS[technique],
                        source=f"{SITE}mitigations/{rec.ident}",
                        comment=f"listed under the techniques of mitigation {rec.ident}",
                    )
                )


def release_date(source: Path, version: str) -> str | None:
    """Find the release date of ``version`` in the repository's ``CHANGELOG.md``, if present.

    ``ATLAS.yaml`` carries a version but no date; the changelog beside ``dist/`` has headings
    like ``## [5.6.0]() (2026-04-30)``. A user's copy may lack the changelog, so this is optional.

    :param source: the ``ATLAS.yaml`` path.
    :param version: the version to look up.
    :returns: the ISO date of that release, or None when unknown.
    """
    heading = re.compile(r"^##\s*\[v?(?P<version>[^\]]+)\].*\((?P<date>\d{4}-\d{2}-\d{2})\)\s*$")
    for changelog in (source.parent.parent / "CHANGELOG.md", source.parent / "CHANGELOG.md"):
        try:
            lines = changelog.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            match = heading.match(line)
            if match and match["version"].strip() == version:
                return match["date"]
        return None
    return None


def _emit_scheme(ctx: _Context, data: Mapping[str, Any], source: Path) -> None:
    """Write the concept scheme; its top concepts are added with each record."""
    ctx.add(SCHEME, RDF_TYPE, SKOS["ConceptScheme"])
    ctx.add(SCHEME, DCTERMS["title"], literal_en(TITLE))
    full_name = _text(data.get("name"))
    if full_name is not None:
        ctx.add(SCHEME, DCTERMS["alternative"], literal_en(full_name))
    ctx.add(SCHEME, DCTERMS["publisher"], ox.Literal(PUBLISHER))
    version = data.get("version")
    if version is None or not str(version).strip():
        ctx.warn(None, "the ATLAS file has no version")
    else:
        ctx.add(SCHEME, OWL["versionInfo"], ox.Literal(str(version).strip()))
        issued = release_date(source, str(version).strip())
        if issued is not None:
            ctx.add(SCHEME, DCTERMS["issued"], date_literal(issued))
    ctx.add(SCHEME, DCTERMS["license"], LICENSE)
    ctx.add(SCHEME, DCTERMS["source"], ox.NamedNode(SITE))
    ctx.add(SCHEME, MOSAIC["initiative"], initiative_iri(INITIATIVE_ID))


def convert(path: str, *, definitions: Mapping[str, str] | None = None) -> LoadResult:
    """Convert an ATLAS YAML file (or a folder holding ``dist/ATLAS.yaml``) into SKOS triples.

    Every bad record is reported, none stops the conversion: records without an id or a name,
    with an unsafe or duplicate id, or (when ``definitions`` is given) without a definition
    are issues; references to unknown tactics or techniques are warnings and are dropped.

    :param path: the ``ATLAS.yaml`` file, the repository folder or its ``dist`` folder.
    :param definitions: our own definitions by ATLAS id, used to build the bundle; when None
        the upstream descriptions are kept as ``skos:definition``.
    :returns: the triples and every issue and warning found.
    """
    source = resolve_source(path)
    result = LoadResult(source=str(source), format=FORMAT)
    ctx = _Context(result=result, source=str(source))
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        ctx.issue(None, f"cannot read the ATLAS file: {exc}")
        return result
    try:
        data = yaml.safe_load(text)
        lines = _node_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        ctx.issue(line, f"invalid YAML: {getattr(exc, 'problem', None) or exc}")
        return result
    if not isinstance(data, dict):
        ctx.issue(None, "the ATLAS file is not a YAML mapping")
        return result
    _emit_scheme(ctx, data, source)
    _collect(ctx, data, lines)
    for rec in ctx.records.values():
        _emit(ctx, rec, definitions)
    studies = _case_studies(ctx, data, text, definitions)
    if definitions is not None:
        for extra in sorted(set(definitions) - set(ctx.records) - studies):
            ctx.warn(None, f"definitions file has an entry for unknown id {extra}")
    return result


def _case_studies(
    ctx: _Context, data: Mapping[str, Any], text: str, definitions: Mapping[str, str] | None
) -> set[str]:
    """Convert the case studies into incidents; return the ids converted."""
    studies = data.get("case-studies")
    if studies is None:
        return set()
    if not isinstance(studies, list):
        ctx.issue(None, "'case-studies' is not a list")
        return set()
    lines = case_study_lines(text)
    known = {ident: rec.section for ident, rec in ctx.records.items()}
    ctx.result.triples += collection_triples(ATLAS, PUBLISHER, LICENSE)
    converted: set[str] = set()
    for index, study in enumerate(studies):
        line = lines.get(index)
        if not isinstance(study, dict):
            ctx.issue(line, f"case study {index + 1} is not a mapping")
            continue
        triples = case_study_triples(
            study,
            ns=ATLAS,
            known=known,
            summaries=definitions,
            line=line,
            issue=ctx.issue,
            warn=ctx.warn,
        )
        if triples:
            converted.add(str(study["id"]).strip())
            ctx.result.triples += triples
    return converted
