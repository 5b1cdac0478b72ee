"""Convert the OWASP AISVS 1.0 Markdown chapters into a SKOS vocabulary.

The OWASP AI Security Verification Standard (``OWASP/AISVS``, folder ``1.0/en``) has one
Markdown file per chapter: ``# C2 Input Validation``, a ``## Control Objective`` paragraph,
sections ``## C2.1 Prompt Injection Defenses`` each with a table of requirements
``| **2.1.1** | **Verify that** ... | 1 |`` (id, text, verification level), and a
``## References`` list. Appendix A is a glossary of ``* **Term** - meaning`` bullets (en dash).

What becomes what:

- chapters (``C2``) and sections (``C2.1``) are grouping concepts of kind ``mosaic:Control``;
  chapters are the top concepts of ``aisvs:scheme``;
- requirements are ``mosaic:Requirement`` with local id and notation ``C2.1.1`` (the standard
  cites them with the chapter letter) and ``mosaic:verificationLevel`` 1 to 3. A requirement has
  no name of its own, so its ``skos:prefLabel`` is its id; the definition says what it asks;
- hierarchy: requirement -> section -> chapter, ``skos:broader`` and ``skos:narrower`` both stated;
- glossary terms are ``mosaic:Term`` top concepts of a second scheme, ``aisvs:scheme-glossary``.
  Their local id is a slug of the term without its parenthesised part (``RBAC (Role-Based Access
  Control)`` -> ``rbac``); the notation and the label are the term as written, and the parts
  outside and inside a trailing parenthesis are ``skos:altLabel`` (``RBAC``, ``Role-Based Access
  Control``).

The LLM Top 10 2025 entries and ATLAS techniques a chapter's References list are the threats
the chapter addresses: declared ``mosaic:mitigates`` mappings authored by AISVS
(:mod:`mosaic.loaders.aisvs_references`), in the bundle and a user's conversion alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic import resources
from mosaic.loaders.aisvs_references import chapter_mitigations
from mosaic.loaders.base import literal_en, triples_to_turtle
from mosaic.loaders.bundle_build import read_definitions
from mosaic.loaders.issues import IssueCollector
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import (
    DCTERMS,
    KINDS,
    MOSAIC,
    OWL,
    RDF_TYPE,
    SKOS,
    XSD,
    concept_namespace,
    initiative_iri,
)

INITIATIVE_ID = "owasp-aisvs"
CURIE_PREFIX = "aisvs"
NS = concept_namespace(INITIATIVE_ID)
SCHEME = NS["scheme"]
GLOSSARY_SCHEME = NS["scheme-glossary"]

REPOSITORY = "https://github.com/OWASP/AISVS"
FILE_URL = REPOSITORY + "/blob/main/1.0/en/{name}"
VERSION = "1.0"
LICENSE = "https://creativecommons.org/licenses/by-sa/4.0/"
PUBLISHER = "OWASP Foundation"

DATA_DIR = resources.bundle_dir() / INITIATIVE_ID
DEFINITIONS_FILE = DATA_DIR / "definitions.yaml"
OUTPUT_FILE = DATA_DIR / f"{INITIATIVE_ID}.ttl"

CHAPTER_GLOB = "0x10-C*.md"
GLOSSARY_GLOB = "0x90-Appendix-A*.md"

_CHAPTER_RE = re.compile(r"^#\s+C(\d+)\s+(.+?)\s*$")
_SECTION_RE = re.compile(r"^##\s+C(\d+)\.(\d+)\s+(.+?)\s*$")
_HEADING_RE = re.compile(r"^#{1,6}\s")
_REQUIREMENT_ID_RE = re.compile(r"^\**\s*(\d+)\.(\d+)\.(\d+)\s*\**$")
_TERM_RE = re.compile("^\\*\\s+\\*\\*(.+?)\\*\\*\\s*[\u2013\u2014-]\\s*(.*)$")
_TRAILING_PAREN_RE = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")


@dataclass
class _Concept:
    """One concept read from a page."""

    id: str
    kind: str
    label: str
    text: str
    source: str
    path: Path
    line: int
    parent: str | None = None
    level: int | None = None
    scheme: ox.NamedNode = SCHEME
    alt_labels: list[str] = field(default_factory=list)


@dataclass
class _Context(IssueCollector):
    """The concepts read so far, and the problems found."""

    concepts: dict[str, _Concept] = field(default_factory=dict)

    def add(self, concept: _Concept) -> bool:
        """Register a concept unless its id is taken; say whether it was added."""
        if concept.id in self.concepts:
            self.issue(concept.path, concept.line, f"duplicate id {concept.id}")
            return False
        self.concepts[concept.id] = concept
        return True


def resolve_folder(path: str) -> Path:
    """Find the folder of the English 1.0 pages from a checkout, its ``1.0`` folder or itself.

    :param path: the repository root, ``1.0`` or ``1.0/en``.
    :returns: the folder expected to hold the chapter files.
    """
    root = Path(path)
    for candidate in (root / "1.0" / "en", root / "en", root):
        if any(candidate.glob(CHAPTER_GLOB)):
            return candidate
    return root


def github_anchor(heading: str) -> str:
    """Return the anchor GitHub gives a Markdown heading.

    :param heading: the heading text, e.g. ``C2.2 Content & Policy Screening``.
    :returns: e.g. ``c22-content--policy-screening``.
    """
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def slug(term: str) -> str:
    """Make the local id of a glossary term: lowercase words of its unparenthesised part.

    :param term: e.g. ``JIT (Just-in-Time) Privileged Access``.
    :returns: e.g. ``jit-privileged-access``.
    """
    bare = re.sub(r"\([^()]*\)", " ", term)
    return "-".join(re.findall(r"[a-z0-9]+", bare.lower()))


def _clean(text: str) -> str:
    """Drop Markdown emphasis and links from a cell, keeping the visible text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "").replace("`", "")
    return " ".join(text.split())


def _cells(line: str) -> list[str]:
    """Split a Markdown table row on unescaped pipes."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _paragraphs(lines: list[str], start: int) -> str:
    """Collect the prose after line ``start`` up to the next heading, table or rule."""
    parts: list[str] = []
    for line in lines[start:]:
        stripped = line.strip()
        if _HEADING_RE.match(line) or stripped.startswith("|") or stripped == "---":
            break
        if stripped:
            parts.append(stripped)
    return _clean(" ".join(parts))


def _read_chapter(ctx: _Context, path: Path) -> None:
    """Read one chapter file: the chapter, its sections and their requirement tables."""
    lines = path.read_text(encoding="utf-8").splitlines()
    source = FILE_URL.format(name=path.name)
    chapter: _Concept | None = None
    section: _Concept | None = None
    for number, line in enumerate(lines, start=1):
        chapter_match = _CHAPTER_RE.match(line)
        section_match = _SECTION_RE.match(line)
        if chapter_match and chapter is None:
            chapter_id = f"C{int(chapter_match.group(1))}"
            anchor = github_anchor(line.lstrip("#").strip())
            chapter = _Concept(
                chapter_id,
                "control",
                chapter_match.group(2),
                "",
                f"{source}#{anchor}",
                path,
                number,
            )
            if not ctx.add(chapter):
                return
        elif line.strip() == "## Control Objective" and chapter is not None:
            chapter.text = _paragraphs(lines, number)
        elif section_match:
            section = _read_section(ctx, path, lines, number, chapter, section_match)
        elif line.startswith("## "):
            section = None  # References and other closing sections hold no requirements
        elif line.lstrip().startswith("|"):
            _read_row(ctx, path, number, line, section)
    if chapter is None:
        ctx.issue(path, 1, "no chapter heading '# C<n> <title>'")


def _read_section(
    ctx: _Context,
    path: Path,
    lines: list[str],
    number: int,
    chapter: _Concept | None,
    match: re.Match[str],
) -> _Concept | None:
    """Register a section heading, checking that it belongs to the file's chapter."""
    section_id = f"C{int(match.group(1))}.{int(match.group(2))}"
    if chapter is None or section_id.split(".")[0] != chapter.id:
        ctx.issue(path, number, f"section {section_id} is not in chapter {chapter and chapter.id}")
        return None
    anchor = github_anchor(lines[number - 1].lstrip("#").strip())
    source = f"{FILE_URL.format(name=path.name)}#{anchor}"
    section = _Concept(
        section_id,
        "control",
        match.group(3),
        _paragraphs(lines, number),
        source,
        path,
        number,
        parent=chapter.id,
    )
    return section if ctx.add(section) else None


def _read_row(ctx: _Context, path: Path, number: int, line: str, section: _Concept | None) -> None:
    """Register one requirement table row; header and separator rows are skipped."""
    cells = _cells(line)
    if cells and (cells[0] == "#" or all(set(c) <= set(":- ") for c in cells)):
        return
    if section is None:
        ctx.issue(path, number, "requirement row outside a section")
        return
    if len(cells) != 3:
        ctx.issue(path, number, f"expected 3 columns, found {len(cells)}")
        return
    id_match = _REQUIREMENT_ID_RE.match(cells[0])
    if id_match is None:
        ctx.issue(path, number, f"bad requirement id {cells[0]!r}")
        return
    requirement_id = "C" + ".".join(str(int(g)) for g in id_match.groups())
    if requirement_id.rsplit(".", 1)[0] != section.id:
        ctx.issue(path, number, f"requirement {requirement_id} is not in section {section.id}")
        return
    text = _clean(cells[1])
    if not text:
        ctx.issue(path, number, f"{requirement_id} has no description")
        return
    if cells[2] not in {"1", "2", "3"}:
        ctx.issue(path, number, f"{requirement_id}: bad verification level {cells[2]!r}")
        return
    ctx.add(
        _Concept(
            requirement_id,
            "requirement",
            requirement_id,
            text,
            section.source,
            path,
            number,
            parent=section.id,
            level=int(cells[2]),
        )
    )


def _read_glossary(ctx: _Context, folder: Path) -> None:
    """Read the glossary bullets of Appendix A into the glossary scheme."""
    paths = sorted(folder.glob(GLOSSARY_GLOB))
    if not paths:
        ctx.issue(folder / "0x90-Appendix-A_Glossary.md", None, "missing glossary (Appendix A)")
        return
    path = paths[0]
    source = FILE_URL.format(name=path.name)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("* "):
            continue
        match = _TERM_RE.match(line)
        if match is None:
            ctx.issue(path, number, "glossary entry is not '* **Term** - meaning'")
            continue
        term, meaning = " ".join(match.group(1).split()), _clean(match.group(2))
        local_id = slug(term)
        if not local_id or not meaning:
            ctx.issue(path, number, f"glossary entry {term!r} has no name or no meaning")
            continue
        concept = _Concept(
            local_id,
            "term",
            term,
            meaning,
            source,
            path,
            number,
            scheme=GLOSSARY_SCHEME,
            alt_labels=_alt_labels(term),
        )
        ctx.add(concept)


def _alt_labels(term: str) -> list[str]:
    """Split ``Outside (Inside)`` into its two names; a lowercase qualifier is not a name."""
    match = _TRAILING_PAREN_RE.match(term)
    if match is None:
        return []
    outside, inside = match.group(1).strip(), match.group(2).strip()
    return [outside] if inside.islower() else [outside, inside]


def _collect(path: str) -> tuple[_Context, Path]:
    """Read every chapter and the glossary."""
    ctx = _Context()
    folder = resolve_folder(path)
    chapters = sorted(folder.glob(CHAPTER_GLOB))
    if not chapters:
        ctx.issue(folder, None, f"no chapter files {CHAPTER_GLOB}")
    for chapter in chapters:
        _read_chapter(ctx, chapter)
    _read_glossary(ctx, folder)
    return ctx, folder


def _scheme_triples() -> list[ox.Triple]:
    """Describe the two concept schemes and their metadata (see docs/data-model.md)."""
    triples: list[ox.Triple] = []
    titles = {
        SCHEME: "OWASP AI Security Verification Standard (AISVS)",
        GLOSSARY_SCHEME: "OWASP AISVS Glossary (Appendix A)",
    }
    for scheme, title in titles.items():
        triples += [
            ox.Triple(scheme, RDF_TYPE, SKOS["ConceptScheme"]),
            ox.Triple(scheme, DCTERMS["title"], literal_en(title)),
            ox.Triple(scheme, DCTERMS["publisher"], ox.Literal(PUBLISHER)),
            ox.Triple(scheme, OWL["versionInfo"], ox.Literal(VERSION)),
            ox.Triple(scheme, DCTERMS["license"], ox.NamedNode(LICENSE)),
            ox.Triple(scheme, DCTERMS["source"], ox.NamedNode(REPOSITORY)),
            ox.Triple(scheme, MOSAIC["initiative"], initiative_iri(INITIATIVE_ID)),
        ]
    return triples


def convert(path: str, *, definitions: Mapping[str, str] | None = None) -> LoadResult:
    """Convert the AISVS 1.0 chapters and glossary into SKOS triples.

    :param path: the upstream checkout, its ``1.0`` folder or ``1.0/en``.
    :param definitions: our definitions by local id (building the bundle); ``None`` keeps the
        standard's own wording.
    :returns: the triples, with every bad row as an issue.
    """
    ctx, folder = _collect(path)
    triples = _scheme_triples()
    for concept in ctx.concepts.values():
        iri = NS[concept.id]
        if definitions is not None:
            definition = definitions.get(concept.id, "")
            if not definition.strip():
                ctx.issue(DEFINITIONS_FILE, None, f"no definition for {concept.id}")
        else:
            definition = concept.text or f"{concept.id} {concept.label} of OWASP AISVS."
        triples += [
            ox.Triple(iri, RDF_TYPE, SKOS["Concept"]),
            ox.Triple(iri, RDF_TYPE, KINDS[concept.kind]),
            ox.Triple(iri, SKOS["prefLabel"], literal_en(concept.label)),
            ox.Triple(
                iri,
                SKOS["notation"],
                ox.Literal(concept.label if concept.kind == "term" else concept.id),
            ),
            ox.Triple(iri, SKOS["inScheme"], concept.scheme),
            ox.Triple(iri, DCTERMS["source"], ox.NamedNode(concept.source)),
        ]
        triples += [ox.Triple(iri, SKOS["altLabel"], literal_en(a)) for a in concept.alt_labels]
        if definition.strip():
            triples.append(ox.Triple(iri, SKOS["definition"], literal_en(definition)))
        if concept.level is not None:
            level = ox.Literal(str(concept.level), datatype=XSD["integer"])
            triples.append(ox.Triple(iri, MOSAIC["verificationLevel"], level))
        if concept.parent is None:
            triples.append(ox.Triple(iri, SKOS["topConceptOf"], concept.scheme))
            triples.append(ox.Triple(concept.scheme, SKOS["hasTopConcept"], iri))
        else:
            triples.append(ox.Triple(iri, SKOS["broader"], NS[concept.parent]))
            triples.append(ox.Triple(NS[concept.parent], SKOS["narrower"], iri))
    for unused in sorted(set(definitions or {}) - set(ctx.concepts)):
        ctx.warn(DEFINITIONS_FILE, None, f"definition for unknown id {unused}")
    result = LoadResult(
        source=str(folder),
        format="owasp-aisvs-markdown",
        triples=triples,
        issues=ctx.issues,
        warnings=ctx.warnings,
    )
    if folder.is_dir():
        for mapping in chapter_mitigations(folder, CHAPTER_GLOB, NS, FILE_URL):
            if mapping.subject.value.removeprefix(NS.iri) in ctx.concepts:
                result.declare(mapping)
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
    """Serialise a result with the ``aisvs`` prefix."""
    return triples_to_turtle(result.triples, turtle_prefixes())
