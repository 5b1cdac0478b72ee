"""Convert the AVID taxonomy pages into a SKOS vocabulary.

AVID (AI Vulnerability Database, ``avidml/website``) publishes its taxonomy as Hugo pages:
``content/taxonomy/{security,ethics,performance}.md`` each hold a Markdown table
``| ID | | Name | Description |`` of the SEP ("effect") view, with categories (``S0200``) in the
first column and their subcategories (``S0201``) in the second; ``_index.md`` holds the
lifecycle view, stages ``L01`` to ``L06``.

What becomes what:

- the three domains Security, Ethics and Performance are top concepts of kind ``mosaic:Term``
  with local ids ``S``, ``E`` and ``P``: the taxonomy itself names a risk domain by that letter
  ("S, E, or P") and it is the prefix of every id in the domain;
- categories and subcategories are ``mosaic:Vulnerability`` (AVID reports are tagged with
  either), linked ``skos:broader``/``skos:narrower`` to their category and domain;
- lifecycle stages are ``mosaic:LifecycleStage`` top concepts in the same scheme.

Some category names link to MITRE ATLAS techniques; :func:`declared_atlas_links` lists them,
and converting a user's copy (``definitions=None``) returns them as declared ``skos:closeMatch``
mappings authored by AVID (the page says those categories "map directly" to ATLAS), loaded into
the ``avid-declared`` mapping set. The bundle leaves them out, because cross-initiative links
belong in reviewed mapping sets.

When the avid-db checkout sits beside the website (as in the shared upstream folder), its JSON
reports give the taxonomy version (``impact.avid.taxonomy_version``) and are checked for
lifecycle stages or SEP ids the pages do not list; those are reported as warnings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic import resources
from mosaic.loaders.base import literal_en, triples_to_turtle
from mosaic.loaders.bundle_build import read_definitions
from mosaic.loaders.issues import IssueCollector
from mosaic.rdf.source import DeclaredMapping, LoadResult
from mosaic.rdf.vocab import (
    DCTERMS,
    KINDS,
    MOSAIC,
    OWL,
    RDF_TYPE,
    SKOS,
    concept_namespace,
    initiative_iri,
)

INITIATIVE_ID = "avid"
CURIE_PREFIX = "avid"
NS = concept_namespace(INITIATIVE_ID)
SCHEME = NS["scheme"]
ATLAS_NS = concept_namespace("mitre-atlas")

SITE = "https://avidml.org/taxonomy/"
PUBLISHER = "AI Risk and Vulnerability Alliance"
LICENSE = "https://opensource.org/licenses/MIT"
#: Used when no AVID report states a ``taxonomy_version``.
DEFAULT_VERSION = "0.2"

DATA_DIR = resources.bundle_dir() / INITIATIVE_ID
DEFINITIONS_FILE = DATA_DIR / "definitions.yaml"
OUTPUT_FILE = DATA_DIR / f"{INITIATIVE_ID}.ttl"

#: ``(page file, domain letter, domain name)`` of the SEP view.
DOMAINS: tuple[tuple[str, str, str], ...] = (
    ("security.md", "S", "Security"),
    ("ethics.md", "E", "Ethics"),
    ("performance.md", "P", "Performance"),
)
INDEX_PAGE = "_index.md"

_CATEGORY_RE = re.compile(r"^[SEP]\d{2}00$")
_SUBCATEGORY_RE = re.compile(r"^[SEP]\d{4}$")
_STAGE_RE = re.compile(r"^L\d{2}$")
_LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_ATLAS_URL_RE = re.compile(r"atlas\.mitre\.org/techniques/(AML\.T\d{4}(?:\.\d{3})?)")
_VIEW_VALUE_RE = re.compile(r"^\s*([A-Z]\d{2,4})\s*:")


@dataclass
class _Entry:
    """One concept read from a page."""

    id: str
    kind: str
    label: str
    text: str
    source: str
    page: Path
    line: int
    parent: str | None = None
    atlas: str | None = None


@dataclass
class _Context(IssueCollector):
    """The entries read so far, and the problems found."""

    entries: dict[str, _Entry] = field(default_factory=dict)

    def add(self, entry: _Entry) -> None:
        """Register an entry unless its id is taken."""
        if entry.id in self.entries:
            self.issue(entry.page, entry.line, f"duplicate id {entry.id}")
        else:
            self.entries[entry.id] = entry


def resolve_folders(path: str) -> tuple[Path, Path | None]:
    """Find the taxonomy pages and, if present, the avid-db checkout.

    :param path: the shared ``avid`` folder, the website checkout, or the taxonomy folder.
    :returns: the folder expected to hold ``security.md``, and the avid-db folder or ``None``.
    """
    root = Path(path)
    taxonomy = root
    for candidate in (
        root / "avidml-website" / "exampleSite" / "content" / "taxonomy",
        root / "exampleSite" / "content" / "taxonomy",
        root / "content" / "taxonomy",
        root,
    ):
        if (candidate / "security.md").is_file():
            taxonomy = candidate
            break
    database = root / "avidml-avid-db"
    return taxonomy, database if database.is_dir() else None


def _cells(line: str) -> list[str]:
    """Split a Markdown table row into its cells."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _clean(text: str) -> str:
    """Drop Markdown links and emphasis from a cell, keeping the visible text."""
    text = _LINK_RE.sub(r"\1", text).replace("**", "").replace("---", " - ")
    return " ".join(text.split())


def _page_lines(ctx: _Context, path: Path) -> list[str] | None:
    """Read a page, recording a missing file."""
    if not path.is_file():
        ctx.issue(path, None, f"missing file {path.name}")
        return None
    return path.read_text(encoding="utf-8").splitlines()


def _intro(lines: list[str]) -> tuple[str, int]:
    """Return the first paragraph after the front matter, and its line."""
    in_front = False
    for number, line in enumerate(lines, start=1):
        if line.strip() == "---":
            in_front = not in_front
            continue
        if not in_front and line.strip() and not line.startswith(("|", "#", "<", ">")):
            return " ".join(line.split()), number
    return "", 1


def _table_rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Return the data rows of the first table whose header starts with ``ID``."""
    rows: list[tuple[int, list[str]]] = []
    in_table = False
    for number, line in enumerate(lines, start=1):
        if not line.lstrip().startswith("|"):
            if in_table:
                break
            continue
        cells = _cells(line)
        if not in_table:
            in_table = cells[0] == "ID"
            continue
        if all(set(cell) <= set("-: ") for cell in cells):
            continue
        rows.append((number, cells))
    return rows


def _read_domain(ctx: _Context, folder: Path, page: str, letter: str, name: str) -> None:
    """Read one SEP page: the domain and its categories and subcategories."""
    path = folder / page
    lines = _page_lines(ctx, path)
    if lines is None:
        return
    source = f"{SITE}{page.removesuffix('.md')}/"
    intro, intro_line = _intro(lines)
    ctx.add(_Entry(letter, "term", name, intro, source, path, intro_line))
    rows = _table_rows(lines)
    if not rows:
        ctx.issue(path, None, "no taxonomy table")
    category: str | None = None
    for number, cells in rows:
        if len(cells) != 4:
            ctx.issue(path, number, f"expected 4 columns, found {len(cells)}")
            continue
        first, second, name_cell, description = cells
        item_id = first or second
        if (first and second) or not item_id:
            ctx.issue(path, number, "a row needs exactly one of a category or a subcategory id")
            continue
        pattern = _CATEGORY_RE if first else _SUBCATEGORY_RE
        if not pattern.match(item_id) or item_id[0] != letter or (second and item_id[3:] == "00"):
            what = "category" if first else "subcategory"
            ctx.issue(path, number, f"bad {what} id {item_id!r}")
            continue
        label = _clean(name_cell)
        if not label:
            ctx.issue(path, number, f"{item_id} has no name")
            continue
        if first:
            parent = letter
            category = item_id
        elif category is None or item_id[:3] != category[:3]:
            ctx.issue(path, number, f"subcategory {item_id} does not follow its category")
            continue
        else:
            parent = category
        atlas = _ATLAS_URL_RE.search(name_cell)
        ctx.add(
            _Entry(
                item_id,
                "vulnerability",
                label,
                _clean(description),
                source,
                path,
                number,
                parent=parent,
                atlas=atlas.group(1) if atlas else None,
            )
        )


def _read_lifecycle(ctx: _Context, folder: Path) -> None:
    """Read the lifecycle view table of the index page."""
    path = folder / INDEX_PAGE
    lines = _page_lines(ctx, path)
    if lines is None:
        return
    rows = _table_rows(lines)
    if not rows:
        ctx.issue(path, None, "no lifecycle table")
    for number, cells in rows:
        if len(cells) != 2:
            ctx.issue(path, number, f"expected 2 columns, found {len(cells)}")
            continue
        stage_id, name = cells[0], _clean(cells[1])
        if not _STAGE_RE.match(stage_id):
            ctx.issue(path, number, f"bad lifecycle stage id {stage_id!r}")
            continue
        if not name:
            ctx.issue(path, number, f"{stage_id} has no name")
            continue
        ctx.add(_Entry(stage_id, "lifecycle-stage", name, "", SITE, path, number))


def _check_reports(ctx: _Context, database: Path | None) -> str:
    """Check the ids the JSON reports use and return the newest taxonomy version they state."""
    versions: set[str] = set()
    if database is None:
        return DEFAULT_VERSION
    for path in sorted(database.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            ctx.warn(path, getattr(exc, "lineno", None), f"unreadable JSON: {exc}")
            continue
        impact = data.get("impact") if isinstance(data, dict) else None
        avid = impact.get("avid") if isinstance(impact, dict) else None
        if not isinstance(avid, dict):
            continue
        if isinstance(avid.get("taxonomy_version"), str):
            versions.add(avid["taxonomy_version"])
        for view in ("sep_view", "lifecycle_view"):
            for value in avid.get(view) or []:
                match = _VIEW_VALUE_RE.match(str(value))
                if match is None or match.group(1) not in ctx.entries:
                    ctx.warn(path, None, f"{view} value {value!r} is not in the taxonomy pages")
    if not versions:
        return DEFAULT_VERSION
    return max(versions, key=lambda v: tuple(int(p) for p in re.findall(r"\d+", v)))


def _collect(path: str) -> tuple[_Context, Path, str]:
    """Read every page (and check the reports); return the context, folder and version."""
    ctx = _Context()
    folder, database = resolve_folders(path)
    for page, letter, name in DOMAINS:
        _read_domain(ctx, folder, page, letter, name)
    _read_lifecycle(ctx, folder)
    version = _check_reports(ctx, database)
    return ctx, folder, version


def declared_atlas_links(path: str) -> list[tuple[str, str, str]]:
    """List the SEP categories whose names the pages link to an ATLAS technique.

    :param path: the shared ``avid`` folder, the website checkout, or the taxonomy folder.
    :returns: ``(avid local id, "mitre-atlas", technique id)`` in page order.
    """
    ctx, _folder, _version = _collect(path)
    return [
        (entry.id, "mitre-atlas", entry.atlas)
        for entry in ctx.entries.values()
        if entry.atlas is not None
    ]


def _scheme_triples(version: str) -> list[ox.Triple]:
    """Describe the concept scheme and its metadata (see docs/data-model.md)."""
    return [
        ox.Triple(SCHEME, RDF_TYPE, SKOS["ConceptScheme"]),
        ox.Triple(SCHEME, DCTERMS["title"], literal_en("AVID Taxonomy")),
        ox.Triple(SCHEME, DCTERMS["publisher"], ox.Literal(PUBLISHER)),
        ox.Triple(SCHEME, OWL["versionInfo"], ox.Literal(version)),
        ox.Triple(SCHEME, DCTERMS["license"], ox.NamedNode(LICENSE)),
        ox.Triple(SCHEME, DCTERMS["source"], ox.NamedNode(SITE)),
        ox.Triple(SCHEME, MOSAIC["initiative"], initiative_iri(INITIATIVE_ID)),
    ]


def _fallback_definition(entry: _Entry) -> str:
    """Write a definition for a lifecycle stage, which the index page only names."""
    return f"Stage {entry.id} of the AVID lifecycle view: {entry.label}."


def convert(path: str, *, definitions: Mapping[str, str] | None = None) -> LoadResult:
    """Convert the AVID taxonomy pages into SKOS triples.

    :param path: the shared ``avid`` folder, the website checkout, or the taxonomy folder.
    :param definitions: our definitions by local id (building the bundle); ``None`` keeps the
        pages' own descriptions and returns the links to ATLAS techniques as declared
        ``skos:closeMatch`` mappings (``LoadResult.mappings``).
    :returns: the triples, with every bad row as an issue.
    """
    ctx, folder, version = _collect(path)
    triples = _scheme_triples(version)
    declared: list[DeclaredMapping] = []
    for entry in ctx.entries.values():
        iri = NS[entry.id]
        if definitions is not None:
            definition = definitions.get(entry.id, "")
            if not definition.strip():
                ctx.issue(DEFINITIONS_FILE, None, f"no definition for {entry.id}")
        else:
            definition = entry.text or _fallback_definition(entry)
        triples += [
            ox.Triple(iri, RDF_TYPE, SKOS["Concept"]),
            ox.Triple(iri, RDF_TYPE, KINDS[entry.kind]),
            ox.Triple(iri, SKOS["prefLabel"], literal_en(entry.label)),
            ox.Triple(iri, SKOS["notation"], ox.Literal(entry.id)),
            ox.Triple(iri, SKOS["inScheme"], SCHEME),
            ox.Triple(iri, DCTERMS["source"], ox.NamedNode(entry.source)),
        ]
        if definition.strip():
            triples.append(ox.Triple(iri, SKOS["definition"], literal_en(definition)))
        if entry.parent is None:
            triples.append(ox.Triple(iri, SKOS["topConceptOf"], SCHEME))
            triples.append(ox.Triple(SCHEME, SKOS["hasTopConcept"], iri))
        else:
            triples.append(ox.Triple(iri, SKOS["broader"], NS[entry.parent]))
            triples.append(ox.Triple(NS[entry.parent], SKOS["narrower"], iri))
        if entry.atlas is not None and definitions is None:
            link = DeclaredMapping(
                iri,
                SKOS["closeMatch"],
                ATLAS_NS[entry.atlas],
                source=entry.source,
                comment=f"the name of {entry.id} links to the ATLAS technique",
            )
            declared.append(link)
    for unused in sorted(set(definitions or {}) - set(ctx.entries)):
        ctx.warn(DEFINITIONS_FILE, None, f"definition for unknown id {unused}")
    return LoadResult(
        source=str(folder),
        format="avid-taxonomy-markdown",
        triples=triples,
        issues=ctx.issues,
        warnings=ctx.warnings,
        mappings=declared,
    )


def load_definitions(path: Path = DEFINITIONS_FILE) -> dict[str, str]:
    """Read our definitions file: a YAML mapping of local id to definition.

    :raises ValueError: when the file is not a mapping of strings.
    """
    return read_definitions(path)


def turtle_prefixes() -> dict[str, str]:
    """The prefix the bundled Turtle file uses for this initiative's concepts."""
    return {CURIE_PREFIX: NS.iri}


def to_turtle(result: LoadResult) -> str:
    """Serialise a result with the ``avid`` prefix."""
    return triples_to_turtle(result.triples, turtle_prefixes())
