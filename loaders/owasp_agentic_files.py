"""Reading the Agentic Security Initiative's Markdown: the threat files and the Top 10 tables.

What is read, and every problem with its file and line, is kept in a :class:`Context` that
:mod:`mosaic.loaders.owasp_agentic` turns into two SKOS schemes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic.loaders.issues import IssueCollector
from mosaic.loaders.llm_strategies import Strategy, read_strategies
from mosaic.rdf.vocab import (
    concept_namespace,
)

INITIATIVE_ID = "owasp-agentic-threats"


NS = concept_namespace(INITIATIVE_ID)


THREATS_SCHEME = NS["scheme-threats"]


TOP10_SCHEME = NS["scheme-top10"]


THREATS_PAGE = "https://genai.owasp.org/resource/agentic-ai-threats-and-mitigations/"


TOP10_PAGE = "https://genai.owasp.org/resource/owasp-top-10-for-agentic-applications-for-2026/"


#: The folder of the initiative inside the upstream repository.
ASI_FOLDER = Path("initiatives") / "agent_security_initiative"


CANDIDATES_FOLDER = Path("agentic-top-10") / "0.5-initial-candidates"


_CANDIDATE_FILE = re.compile(r"^ASI(\d{2})_.*\.md$")


TRACKER_FILES = (
    Path("ASI Agentic Exploits & Incidents") / "ASI_Agentic_Exploits_Incidents.md",
    Path("ASI_Agentic_Exploits_and_Incidents") / "ASI_Agentic_Exploits_Incidents.md",
)


#: The draft and tracker paths, as in the repository and as renamed in a copy without spaces.
DRAFT_FILES = (
    Path("agentic-top-10") / "Sprint 1-first-public-draft-expanded" / "README.md",
    Path("agentic-top-10") / "Sprint_1-first-public-draft-expanded" / "README.md",
)


TOP10_IDS: tuple[str, ...] = tuple(f"ASI{n:02d}" for n in range(1, 11))


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")


_HEADING = re.compile(r"^#{1,6}\s")


_NAME_HEADING = re.compile(r"^##\s+Risk/Vuln Name\s*$")


_BOLD_TITLE = re.compile(r"^\*\*(.+?)\*\*\s*$")


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


_SEPARATOR_CELL = re.compile(r"^:?-+:?$")


_DRAFT_ID = re.compile(r"^\[?(ASI\d{2})\]?(?:\([^)]*\))?$")


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


_MAPPING = re.compile(r"^(ASI\d{2})\s*\((.+)\)$")


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")


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


@dataclass
class Item:
    """One concept to be, with where it was read."""

    id: str
    edition: Edition
    label: str
    path: Path
    line: int
    text: str = ""
    alt_labels: list[str] = field(default_factory=list)
    history_note: str | None = None
    strategies: list[Strategy] = field(default_factory=list)


class Context(IssueCollector):
    """The problems found while reading."""


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


def _read_title(ctx: Context, path: Path, lines: list[str]) -> tuple[str, int] | None:
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


def _read_candidate(ctx: Context, path: Path, number: int) -> Item | None:
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
    return Item(
        f"T{number}",
        THREATS,
        name,
        path,
        line,
        text,
        alt_labels=[title] if title != name else [],
        history_note=history,
        strategies=read_strategies(lines),
    )


def read_candidates(ctx: Context, folder: Path) -> list[Item]:
    """Read the candidate files T1 to T15, in order; report duplicates, gaps and outsiders."""
    directory = folder / CANDIDATES_FOLDER
    if not directory.is_dir():
        ctx.issue(directory, None, "missing folder of the 0.5 initial candidates")
        return []
    found: dict[str, Item] = {}
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


def first_file(folder: Path, candidates: tuple[Path, ...]) -> Path:
    """Return the first existing path of ``candidates`` under ``folder`` (else the last one)."""
    for relative in candidates:
        if (folder / relative).is_file():
            return folder / relative
    return folder / candidates[-1]


def _read_draft(ctx: Context, path: Path) -> dict[str, tuple[str, str, int]]:
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


def _read_tracker(ctx: Context, path: Path) -> dict[str, tuple[str, int]]:
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


def top10_items(ctx: Context, folder: Path) -> list[Item]:
    """Build the Top 10 entries from the tracker names and the draft table."""
    tracker = first_file(folder, TRACKER_FILES)
    draft_path = first_file(folder, DRAFT_FILES)
    final = _read_tracker(ctx, tracker)
    draft = _read_draft(ctx, draft_path)
    items: list[Item] = []
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
        item = Item(ident, TOP10, name, path, line, drafted[1] if drafted else "")
        if drafted is not None and drafted[0] != name:
            item.alt_labels.append(drafted[0])
        items.append(item)
    if unnamed:
        ctx.warn(tracker, None, f"{', '.join(unnamed)} named neither in the tracker nor the draft")
    return items
