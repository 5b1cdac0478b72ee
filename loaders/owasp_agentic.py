"""Convert the OWASP Agentic Security Initiative's Markdown files into two SKOS schemes.

The OWASP GenAI Security Project published two lists of risks of AI agents, and both live in
the graph of the initiative ``owasp-agentic-threats`` (CURIE prefix ``asi``):

- ``asi:scheme-threats``: the threats T1 to T15 of "Agentic AI - Threats and Mitigations"
  (version 1.0, February 2025). The repository holds no file of that document, but its
  ``agentic-top-10/0.5-initial-candidates`` folder restates each threat as one candidate file
  (``ASI01_Memory_Poisoning.md`` is T1 ... ``ASI15_Human_Manipulation.md`` is T15). The
  converter reads those files for the threats' existence and text; the labels are the names of
  the 1.0 document (:data:`THREAT_NAMES`), and a candidate title that differs only in spelling
  ("Overwhelming Human-in-the-Loop") is kept as ``skos:altLabel``. A candidate whose title
  names another threat is an error. Later candidates (``ASI16``, the supply-chain proposal) are
  not part of the 1.0 list and are skipped with a warning.
- ``asi:scheme-top10``: the OWASP Top 10 for Agentic Applications 2026 (December 2025),
  ``ASI01`` to ``ASI10``. Their final names come from the "ASI T&M Mapping" column of the
  exploits and incidents tracker (``ASI01 (Agent Goal Hijack)``); the Sprint 1 public draft
  table adds each entry's draft description and, where it differs, its draft name as
  ``skos:altLabel`` (ASI01 was "Agent Behaviour Hijack").

Why the local ids are ``T1`` and ``ASI01``: the candidate files reuse ``ASI01`` ... ``ASI16`` with
other meanings than the 2026 list (candidate ASI01 is Memory Poisoning, 2026 ASI01 is Agent Goal
Hijack), so the threats keep the T&M numbering and only the 2026 entries carry ASI ids. Each
concept names its edition in ``skos:scopeNote``; a threat's ``skos:historyNote`` records its
candidate number. The incidents themselves are not converted.

Run ``python -m mosaic.loaders.owasp_agentic <upstream folder>`` to regenerate the bundled file.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic import resources
from mosaic.errors import LoadIssue
from mosaic.loaders.base import literal_en, triples_to_turtle
from mosaic.loaders.bundle_build import read_definitions, write_bundle
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import (
    DCTERMS,
    MOSAIC,
    OWL,
    PROV,
    RDF_TYPE,
    SKOS,
    concept_namespace,
    initiative_iri,
)

INITIATIVE_ID = "owasp-agentic-threats"
CURIE_PREFIX = "asi"
NS = concept_namespace(INITIATIVE_ID)
THREATS_SCHEME = NS["scheme-threats"]
TOP10_SCHEME = NS["scheme-top10"]
FORMAT = "owasp-agentic-markdown"

REPOSITORY = "https://github.com/OWASP/www-project-top-10-for-large-language-model-applications"
UPSTREAM_COMMIT = "020595761a4b7b0c3f9cf01a0457b78f9f1e7f9c"
PUBLISHER = "OWASP Foundation"
LICENSE = "https://creativecommons.org/licenses/by-sa/4.0/"
THREATS_PAGE = "https://genai.owasp.org/resource/agentic-ai-threats-and-mitigations/"
TOP10_PAGE = "https://genai.owasp.org/resource/owasp-top-10-for-agentic-applications-for-2026/"

DATA_DIR = resources.bundle_dir() / INITIATIVE_ID
DEFINITIONS_FILE = DATA_DIR / "definitions.yaml"
OUTPUT_FILE = DATA_DIR / f"{INITIATIVE_ID}.ttl"

#: The folder of the initiative inside the upstream repository.
ASI_FOLDER = Path("initiatives") / "agent_security_initiative"
CANDIDATES_FOLDER = Path("agentic-top-10") / "0.5-initial-candidates"
#: The draft and tracker paths, as in the repository and as renamed in a copy without spaces.
DRAFT_FILES = (
    Path("agentic-top-10") / "Sprint 1-first-public-draft-expanded" / "README.md",
    Path("agentic-top-10") / "Sprint_1-first-public-draft-expanded" / "README.md",
)
TRACKER_FILES = (
    Path("ASI Agentic Exploits & Incidents") / "ASI_Agentic_Exploits_Incidents.md",
    Path("ASI_Agentic_Exploits_and_Incidents") / "ASI_Agentic_Exploits_Incidents.md",
)

#: Names of the threats T1 to T15 in "Agentic AI - Threats and Mitigations" 1.0.
THREAT_NAMES: tuple[str, ...] = (
    "Memory Poisoning",
    "Tool Misuse",
    "Privilege Compromise",
    "Resource Overload",
    "Cascading Hallucination Attacks",
    "Intent Breaking & Goal Manipulation",
    "Misaligned & Deceptive Behaviors",
    "Repudiation & Untraceability",
    "Identity Spoofing & Impersonation",
    "Overwhelming Human in the Loop",
    "Unexpected RCE and Code Attacks",
    "Agent Communication Poisoning",
    "Rogue Agents in Multi-Agent Systems",
    "Human Attacks on Multi-Agent Systems",
    "Human Manipulation",
)
TOP10_IDS: tuple[str, ...] = tuple(f"ASI{n:02d}" for n in range(1, 11))


@dataclass(frozen=True)
class Edition:
    """One of the two lists: its scheme, title, version and public page."""

    scheme: ox.NamedNode
    title: str
    version: str
    page: str
    scope_note: str


THREATS = Edition(
    THREATS_SCHEME,
    "OWASP Agentic AI \u2013 Threats and Mitigations",
    "1.0",
    THREATS_PAGE,
    "Edition: OWASP Agentic AI \u2013 Threats and Mitigations, version 1.0 (February 2025).",
)
TOP10 = Edition(
    TOP10_SCHEME,
    "OWASP Top 10 for Agentic Applications 2026",
    "2026",
    TOP10_PAGE,
    "Edition: OWASP Top 10 for Agentic Applications 2026 (December 2025).",
)

_CANDIDATE_FILE = re.compile(r"^ASI(\d{2})_.*\.md$")
_NAME_HEADING = re.compile(r"^##\s+Risk/Vuln Name\s*$")
_BOLD_TITLE = re.compile(r"^\*\*(.+?)\*\*\s*$")
_HEADING = re.compile(r"^#{1,6}\s")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")
_DRAFT_ID = re.compile(r"^\[?(ASI\d{2})\]?(?:\([^)]*\))?$")
_MAPPING = re.compile(r"^(ASI\d{2})\s*\((.+)\)$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SEPARATOR_CELL = re.compile(r"^:?-+:?$")


@dataclass
class _Item:
    """One concept to be, with where it was read."""

    id: str
    edition: Edition
    label: str
    path: Path
    line: int
    text: str = ""
    alt_labels: list[str] = field(default_factory=list)
    history_note: str | None = None


@dataclass
class _Context:
    """The problems found while reading."""

    issues: list[LoadIssue] = field(default_factory=list)
    warnings: list[LoadIssue] = field(default_factory=list)

    def issue(self, path: Path, line: int | None, message: str) -> None:
        """Record a bad record: it is left out of the result."""
        self.issues.append(LoadIssue(str(path), line, None, message, stage="convert"))

    def warn(self, path: Path, line: int | None, message: str) -> None:
        """Record a harmless oddity."""
        self.warnings.append(LoadIssue(str(path), line, None, message, stage="convert"))


def resolve_folder(path: str) -> Path:
    """Find the initiative folder (the one holding ``agentic-top-10``) from a checkout.

    :param path: the repository root or ``initiatives/agent_security_initiative``.
    :returns: the folder expected to hold ``agentic-top-10``.
    """
    root = Path(path)
    for candidate in (root / ASI_FOLDER, root / "agent_security_initiative", root):
        if (candidate / CANDIDATES_FOLDER).is_dir():
            return candidate
    return root


def normalise_name(name: str) -> str:
    """Reduce a name to lowercase words, reading ``&`` as "and" and hyphens as spaces.

    The candidate files and the T&M document spell some names differently
    ("Unexpected RCE & Code Attacks", "Unexpected RCE and Code Attacks"); this makes them equal.

    :param name: a threat name.
    :returns: e.g. ``unexpected rce and code attacks``.
    """
    text = name.lower().replace("&", " and ")
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _plain(lines: list[str]) -> str:
    """Markdown lines as plain prose: links become their text, emphasis marks go."""
    text = _MD_LINK.sub(r"\1", "\n".join(lines))
    text = re.sub(r"(\*\*|__|`)", "", text)
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        items: list[str] = []
        for line in block.splitlines():
            words = " ".join(line.split())
            if not words:
                continue
            if items and not _LIST_ITEM.match(words):
                items[-1] = f"{items[-1]} {words}"
            else:
                items.append(words)
        if items:
            paragraphs.append("\n".join(items))
    return "\n\n".join(paragraphs)


def _section(lines: list[str], title: str) -> str:
    """Return the plain text of the ``### title`` section, or an empty string."""
    for index, line in enumerate(lines):
        if line.strip().lower() == f"### {title}".lower():
            end = next(
                (j for j in range(index + 1, len(lines)) if _HEADING.match(lines[j])), len(lines)
            )
            return _plain(lines[index + 1 : end])
    return ""


def _read_title(ctx: _Context, path: Path, lines: list[str]) -> tuple[str, int] | None:
    """Find the bold title under ``## Risk/Vuln Name``; report a file without one."""
    for index, line in enumerate(lines):
        if not _NAME_HEADING.match(line):
            continue
        for number in range(index + 1, len(lines)):
            if lines[number].strip():
                match = _BOLD_TITLE.match(lines[number].strip())
                if match and match.group(1).strip():
                    return " ".join(match.group(1).split()), number + 1
                break
        ctx.issue(path, index + 1, "the '## Risk/Vuln Name' heading is not followed by a **title**")
        return None
    ctx.issue(path, None, "no '## Risk/Vuln Name' heading")
    return None


def _read_candidate(ctx: _Context, path: Path, number: int) -> _Item | None:
    """Read one candidate file as threat T<number>, checking its title against T&M 1.0."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        ctx.issue(path, None, f"cannot read the file: {exc}")
        return None
    found = _read_title(ctx, path, lines)
    if found is None:
        return None
    title, line = found
    candidate = f"ASI{number:02d}"
    if not 1 <= number <= len(THREAT_NAMES):
        ctx.warn(
            path,
            line,
            f"candidate {candidate} ({title}) is not one of the T&M 1.0 threats T1-T15; skipped",
        )
        return None
    name = THREAT_NAMES[number - 1]
    if normalise_name(title) != normalise_name(name):
        ctx.issue(
            path,
            line,
            f"candidate {candidate} title {title!r} does not name T{number} {name!r}",
        )
        return None
    text = _section(lines, "Description")
    if not text:
        ctx.warn(path, line, f"candidate {candidate} has no '### Description' text")
    history = (
        f"Restated as candidate {candidate} among the 0.5 initial candidates for the OWASP Top 10 "
        "for Agentic Applications; that candidate number is not an id of the 2026 list."
    )
    return _Item(
        f"T{number}",
        THREATS,
        name,
        path,
        line,
        text,
        alt_labels=[title] if title != name else [],
        history_note=history,
    )


def _read_candidates(ctx: _Context, folder: Path) -> list[_Item]:
    """Read the candidate files T1 to T15, in order; report duplicates, gaps and outsiders."""
    directory = folder / CANDIDATES_FOLDER
    if not directory.is_dir():
        ctx.issue(directory, None, "missing folder of the 0.5 initial candidates")
        return []
    found: dict[str, _Item] = {}
    for path in sorted(directory.glob("*.md")):
        if path.name.startswith("_"):
            continue  # the template
        match = _CANDIDATE_FILE.match(path.name)
        if match is None:
            ctx.warn(path, None, f"{path.name} is not an ASInn candidate of the T&M list; skipped")
            continue
        item = _read_candidate(ctx, path, int(match.group(1)))
        if item is None:
            continue
        if item.id in found:
            first = found[item.id].path.name
            ctx.issue(path, item.line, f"duplicate candidate for {item.id} (also in {first})")
            continue
        found[item.id] = item
    missing = [f"T{n}" for n in range(1, len(THREAT_NAMES) + 1) if f"T{n}" not in found]
    if missing:
        ctx.warn(directory, None, f"no usable candidate file for {', '.join(missing)}; left out")
    return sorted(found.values(), key=lambda item: int(item.id[1:]))


def _cells(line: str) -> list[str]:
    """Split a Markdown table row on unescaped pipes."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _first(folder: Path, candidates: tuple[Path, ...]) -> Path:
    """Return the first existing path of ``candidates`` under ``folder`` (else the last one)."""
    for relative in candidates:
        if (folder / relative).is_file():
            return folder / relative
    return folder / candidates[-1]


def _read_draft(ctx: _Context, path: Path) -> dict[str, tuple[str, str, int]]:
    """Read the Sprint 1 draft table: ``id -> (draft name, draft description, line)``."""
    rows: dict[str, tuple[str, str, int]] = {}
    if not path.is_file():
        ctx.warn(path, None, "missing Sprint 1 draft table; Top 10 entries get no draft text")
        return rows
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            continue
        cells = _cells(line)
        if cells[0].lower() == "id" or all(_SEPARATOR_CELL.match(c) for c in cells):
            continue
        if len(cells) != 3:
            ctx.issue(path, number, f"expected 3 columns, found {len(cells)}")
            continue
        match = _DRAFT_ID.match(cells[0])
        if match is None:
            ctx.issue(path, number, f"bad id cell {cells[0]!r}")
            continue
        ident = match.group(1)
        if ident not in TOP10_IDS:
            ctx.issue(path, number, f"unknown Top 10 id {ident}")
            continue
        if ident in rows:
            ctx.issue(path, number, f"duplicate id {ident}")
            continue
        rows[ident] = (" ".join(cells[1].split()), _plain([cells[2]]), number)
    return rows


def _mapping_column(cells: list[str]) -> int | None:
    """Return the index of the "ASI T&M Mapping" column of a header row, if it is one."""
    for index, cell in enumerate(cells):
        if "asi t&m mapping" in cell.lower():
            return index
    return None


def _read_tracker(ctx: _Context, path: Path) -> dict[str, tuple[str, int]]:
    """Read the final Top 10 names from the tracker's mapping column: ``id -> (name, line)``.

    Every cell lists entries as ``ASI05 (Unexpected Code Execution (RCE))`` separated by
    ``<br>``; a name's own parentheses are kept. When one id is written with several names, the
    most frequent one wins and a warning says so.
    """
    names: dict[str, Counter[str]] = {}
    first_line: dict[str, int] = {}
    if not path.is_file():
        ctx.issue(path, None, "missing exploits and incidents tracker (the source of the names)")
        return {}
    column: int | None = None
    width = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            if column is not None and line.strip():
                break  # the end of the table
            continue
        cells = _cells(line)
        if column is None:
            column = _mapping_column(cells)
            width = len(cells)
            continue
        if all(_SEPARATOR_CELL.match(c) for c in cells if c):
            continue
        if len(cells) != width:
            ctx.issue(path, number, f"expected {width} columns, found {len(cells)}")
            continue
        for part in _BR.split(cells[column]):
            entry = " ".join(part.strip().lstrip("\u2022*-\u2013\u2014 ").split())
            if not entry:
                continue
            match = _MAPPING.match(entry)
            if match is None:
                ctx.issue(path, number, f"mapping {entry!r} is not 'ASInn (Name)'")
                continue
            ident, name = match.group(1), match.group(2).strip()
            if ident not in TOP10_IDS:
                ctx.issue(path, number, f"unknown Top 10 id {ident}")
                continue
            names.setdefault(ident, Counter())[name] += 1
            first_line.setdefault(ident, number)
    if column is None:
        ctx.issue(path, None, "no table with an 'ASI T&M Mapping' column")
    chosen: dict[str, tuple[str, int]] = {}
    for ident, counts in names.items():
        name = counts.most_common(1)[0][0]
        if len(counts) > 1:
            others = ", ".join(repr(n) for n in sorted(counts) if n != name)
            ctx.warn(path, first_line[ident], f"{ident} is also named {others}; using {name!r}")
        chosen[ident] = (name, first_line[ident])
    return chosen


def _top10_items(ctx: _Context, folder: Path) -> list[_Item]:
    """Build the Top 10 entries from the tracker names and the draft table."""
    tracker = _first(folder, TRACKER_FILES)
    draft_path = _first(folder, DRAFT_FILES)
    final = _read_tracker(ctx, tracker)
    draft = _read_draft(ctx, draft_path)
    items: list[_Item] = []
    unnamed: list[str] = []
    for ident in TOP10_IDS:
        drafted = draft.get(ident)
        if ident in final:
            name, line = final[ident]
            path = tracker
        elif drafted is not None:
            name, line, path = drafted[0], drafted[2], draft_path
            ctx.warn(tracker, None, f"{ident} is not named in the tracker; the draft name is used")
        else:
            unnamed.append(ident)
            continue
        item = _Item(ident, TOP10, name, path, line, drafted[1] if drafted else "")
        if drafted is not None and drafted[0] != name:
            item.alt_labels.append(drafted[0])
        items.append(item)
    if unnamed:
        ctx.warn(tracker, None, f"{', '.join(unnamed)} named neither in the tracker nor the draft")
    return items


def _scheme_triples(edition: Edition) -> list[ox.Triple]:
    """Describe one concept scheme (see docs/data-model.md)."""
    scheme = edition.scheme
    triples = [
        ox.Triple(scheme, RDF_TYPE, SKOS["ConceptScheme"]),
        ox.Triple(scheme, DCTERMS["title"], literal_en(edition.title)),
        ox.Triple(scheme, DCTERMS["publisher"], ox.Literal(PUBLISHER)),
        ox.Triple(scheme, OWL["versionInfo"], ox.Literal(edition.version)),
        ox.Triple(scheme, DCTERMS["license"], ox.NamedNode(LICENSE)),
        ox.Triple(scheme, DCTERMS["source"], ox.NamedNode(edition.page)),
        ox.Triple(scheme, MOSAIC["initiative"], initiative_iri(INITIATIVE_ID)),
    ]
    if edition is TOP10:
        # The Sprint 1 README: the list consolidated the candidates based on the T&M threats.
        triples.append(ox.Triple(scheme, PROV["wasDerivedFrom"], THREATS_SCHEME))
    return triples


def _concept_triples(item: _Item, definition: str) -> list[ox.Triple]:
    """Describe one concept: a ``mosaic:Threat`` and a top concept of its edition's scheme."""
    iri = NS[item.id]
    scheme = item.edition.scheme
    triples = [
        ox.Triple(iri, RDF_TYPE, SKOS["Concept"]),
        ox.Triple(iri, RDF_TYPE, MOSAIC["Threat"]),
        ox.Triple(iri, SKOS["prefLabel"], literal_en(item.label)),
        ox.Triple(iri, SKOS["notation"], ox.Literal(item.id)),
        ox.Triple(iri, SKOS["inScheme"], scheme),
        ox.Triple(iri, SKOS["topConceptOf"], scheme),
        ox.Triple(scheme, SKOS["hasTopConcept"], iri),
        ox.Triple(iri, SKOS["scopeNote"], literal_en(item.edition.scope_note)),
        ox.Triple(iri, DCTERMS["source"], ox.NamedNode(item.edition.page)),
    ]
    triples += [ox.Triple(iri, SKOS["altLabel"], literal_en(a)) for a in item.alt_labels]
    if item.history_note:
        triples.append(ox.Triple(iri, SKOS["historyNote"], literal_en(item.history_note)))
    if definition.strip():
        triples.append(ox.Triple(iri, SKOS["definition"], literal_en(definition)))
    return triples


def convert(path: str, *, definitions: Mapping[str, str] | None = None) -> LoadResult:
    """Convert the candidate files, the draft table and the tracker into SKOS triples.

    Bad records are issues and are left out: a candidate file without a title, a candidate
    whose title names another threat, a duplicate candidate, a tracker or draft row with the
    wrong number of columns, an entry that is not ``ASInn (Name)`` or names an id outside
    ASI01-ASI10, a missing tracker, and (with ``definitions``) a concept without a definition.
    Missing candidates, later candidates, a missing draft and an id with two names are warnings.

    :param path: the upstream repository folder or its ``initiatives/agent_security_initiative``.
    :param definitions: our definitions by local id (``T1``, ``ASI01``), used to build the
        bundle; ``None`` keeps the upstream text (candidate descriptions, draft descriptions).
    :returns: the triples and every issue and warning found.
    """
    ctx = _Context()
    folder = resolve_folder(path)
    items = _read_candidates(ctx, folder) + _top10_items(ctx, folder)
    triples = _scheme_triples(THREATS) + _scheme_triples(TOP10)
    for item in items:
        if definitions is None:
            definition = item.text
            if not definition:
                ctx.warn(item.path, item.line, f"{item.id} has no upstream description")
        else:
            definition = definitions.get(item.id, "")
            if not definition.strip():
                ctx.issue(DEFINITIONS_FILE, None, f"no definition for {item.id}")
        triples += _concept_triples(item, definition)
    for unused in sorted(set(definitions or {}) - {item.id for item in items}):
        ctx.warn(DEFINITIONS_FILE, None, f"definition for unknown id {unused}")
    return LoadResult(
        source=str(folder),
        format=FORMAT,
        triples=triples,
        issues=ctx.issues,
        warnings=ctx.warnings,
    )


def load_definitions(path: Path = DEFINITIONS_FILE) -> dict[str, str]:
    """Read our definitions file: a YAML mapping of local id to definition.

    :param path: the YAML file.
    :returns: the definitions, with whitespace normalised.
    :raises ValueError: when the file is not a mapping of strings.
    """
    return read_definitions(path)


def turtle_prefixes() -> dict[str, str]:
    """The prefix the bundled Turtle file uses for this initiative's concepts."""
    return {CURIE_PREFIX: NS.iri}


def to_turtle(result: LoadResult) -> str:
    """Serialise a result with the ``asi`` prefix."""
    return triples_to_turtle(result.triples, turtle_prefixes())


def main(argv: list[str] | None = None) -> int:
    """Regenerate the bundled Turtle file from the upstream files and our definitions.

    :param argv: command-line arguments (without the program name).
    :returns: 0 on success, 1 when the upstream had bad records (nothing is written then).
    """
    parser = argparse.ArgumentParser(prog="python -m mosaic.loaders.owasp_agentic")
    parser.add_argument("upstream", help="checkout of the OWASP LLM Top 10 repository")
    parser.add_argument("--output", type=Path, default=OUTPUT_FILE)
    args = parser.parse_args(argv)
    result = convert(args.upstream, definitions=load_definitions())
    return write_bundle(result, args.output, turtle_prefixes())


if __name__ == "__main__":
    sys.exit(main())
