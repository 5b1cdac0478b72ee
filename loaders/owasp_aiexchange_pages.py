"""Reading the AI Exchange's Hugo pages: front matter, headings, item metadata and sections.

Each item is a heading with its ``Category`` and ``Permalink`` lines; what is read, and every
problem with its file and line, is kept in a :class:`Context` that
:mod:`mosaic.loaders.owasp_aiexchange` turns into SKOS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from mosaic.loaders.issues import IssueCollector
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import concept_namespace

INITIATIVE_ID = "owasp-aiexchange"


AIX = concept_namespace(INITIATIVE_ID)


SITE = "https://owaspai.org/"


DOCS_FOLDER = Path("content") / "ai_exchange" / "content" / "docs"


HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>\S.*?)\s*$")


CATEGORY_LINE = re.compile(r"^\s*>\s*Category\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)


PERMALINK_LINE = re.compile(r"^\s*>\s*Permalink\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)


PERMALINK = re.compile(r"^https://owaspai\.org/go/(?P<slug>[A-Za-z0-9._-]+)/?$")


SECTION_NUMBER = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.?\s+(?P<name>\S.*)$")


INTRODUCTION = re.compile(r"\s+-\s+introduction\s*$", re.IGNORECASE)


MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)\)")


#: Categories that describe prose rather than a threat or a control.
NOT_VOCABULARY = frozenset({"discussion", "ai security test", "tool review", "control details"})


@dataclass
class Section:
    """One heading with a Category/Permalink block, as found in a page."""

    path: Path
    line: int
    level: int
    name: str
    category: str
    slug: str
    body: list[str]
    body_index: int


@dataclass
class Item:
    """A threat or control (or a group of them) that becomes a concept."""

    section: Section
    kind: str
    group: bool
    parents: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The permalink slug: local id and notation of the concept."""
        return self.section.slug


@dataclass
class Context(IssueCollector):
    """What a conversion accumulates: the result, the sections and the items by slug."""

    result: LoadResult
    sections: dict[str, Section] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    #: Read the cross-references that are SKOS crosswalks too (a user's copy), not only the
    #: threat -> control statements.
    crosswalks: bool = True
    #: The threats the periodic table lists for each control, by slug.
    threats_of: dict[str, list[str]] = field(default_factory=dict)
    #: The ATLAS mitigations (id, name, where) each control's OpenCRE blocks cite, by slug.
    cited: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Collect the issues and warnings straight into the result."""
        self.issues = self.result.issues
        self.warnings = self.result.warnings

    def add(
        self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal
    ) -> None:
        """Append one triple to the result."""
        self.result.triples.append(ox.Triple(subject, predicate, obj))


def classify(category: str) -> tuple[str, bool] | None:
    """Tell the kind of an item from its category, and whether it is a group.

    :param category: the text after ``Category:``.
    :returns: ("control" or "threat", is-group), or None for prose and unknown categories.
    """
    text = category.strip().lower()
    if text in NOT_VOCABULARY:
        return None
    group = text.startswith("group of")
    if re.search(r"\bcontrols?\b", text):
        return "control", group
    if re.search(r"\bthreats?\b", text):
        return "threat", group
    return None


def resolve_docs(path: str | Path) -> Path:
    """Find the folder of AI Exchange pages from a path given by the user.

    Accepts the docs folder itself, one page, or any folder above it down which
    ``content/ai_exchange/content/docs`` leads, so the build works from the repository root.

    :param path: a file or a folder.
    :returns: the folder or file to read (it may not exist).
    """
    candidate = Path(path)
    if candidate.is_dir() and not any(candidate.glob("*.md")):
        for inner in (candidate / DOCS_FOLDER, candidate / "docs"):
            if inner.is_dir():
                return inner
    return candidate


def _front_matter(lines: list[str]) -> tuple[int, str | None]:
    """Return the index of the first line after the front matter, and the page title."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            try:
                data = yaml.safe_load("\n".join(lines[1:index]))
            except yaml.YAMLError:
                data = None
            title = data.get("title") if isinstance(data, dict) else None
            return index + 1, str(title).strip() if title else None
    return 0, None


def _clean_name(text: str) -> str:
    """Turn a heading into a concept name: no emphasis, section number or ``#`` marker."""
    name = re.sub(r"(\*\*|__)", "", text).strip()
    match = SECTION_NUMBER.match(name)
    if match:
        name = match.group("name")
    if name.startswith("#"):
        name = name.lstrip("#").strip()
    return INTRODUCTION.sub("", name).strip()


def _level(text: str, hashes: int) -> int:
    """Return a heading's nesting level; an ``N.0`` introduction acts as the page title (1)."""
    match = SECTION_NUMBER.match(re.sub(r"(\*\*|__)", "", text).strip())
    if match and match.group("number").endswith(".0"):
        return 1
    return hashes


def _metadata(lines: list[str], start: int) -> tuple[int, dict[str, tuple[int, str]]]:
    """Read the quoted lines that follow a heading.

    :returns: the index after the quoted block, and ``category``/``permalink`` values with
        their 0-based line index.
    """
    found: dict[str, tuple[int, str]] = {}
    index = start
    while index < len(lines) and lines[index].lstrip().startswith(">"):
        for key, pattern in (("category", CATEGORY_LINE), ("permalink", PERMALINK_LINE)):
            match = pattern.match(lines[index])
            if match and key not in found:
                found[key] = (index, match.group("value"))
        index += 1
    return index, found


@dataclass
class Heading:
    """A heading of a page (or the page itself, for metadata under the front matter)."""

    index: int
    level: int
    text: str
    name: str
    marker: bool


def _page_headings(lines: list[str], body_start: int, title: str | None) -> list[Heading]:
    """Every heading outside code blocks, plus a level-0 pseudo heading for the page."""
    headings = [Heading(body_start - 1, 0, title or "", _clean_name(title or ""), False)]
    fenced = False
    for index in range(body_start, len(lines)):
        line = lines[index]
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        match = HEADING.match(line) if not fenced else None
        if match:
            text = match.group("text")
            marker = re.sub(r"(\*\*|__)", "", text).strip().startswith("#")
            level = _level(text, len(match.group("hashes")))
            headings.append(Heading(index, level, text, _clean_name(text), marker))
    return headings


def read_sections(ctx: Context, path: Path) -> list[tuple[Heading, Section | None]]:
    """Find every Category/Permalink block of one page and check it.

    :returns: every heading of the page in order, each with its section when it has a usable
        Category/Permalink block (headings without one still bound the nesting of the others).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        ctx.issue(path, None, f"cannot read the page: {exc}")
        return []
    body_start, title = _front_matter(lines)
    headings = _page_headings(lines, body_start, title)
    blocks = [_metadata(lines, heading.index + 1) for heading in headings]
    found: list[tuple[Heading, Section | None]] = []
    claimed: set[int] = set()
    for position, heading in enumerate(headings):
        after, meta = blocks[position]
        claimed.update(range(heading.index + 1, after))
        label = heading.text.strip() or f"page {path.name}"
        first = min((index for index, _value in meta.values()), default=heading.index)
        line = heading.index + 1 if heading.level else first + 1
        found.append((heading, None))
        if not meta:
            if heading.marker:
                ctx.issue(
                    path, line, f"control heading {label!r} has no Category or Permalink line"
                )
            continue
        if "category" not in meta:
            ctx.warn(path, line, f"heading {label!r} has a Permalink but no Category; skipped")
            continue
        if "permalink" not in meta:
            ctx.issue(path, line, f"heading {label!r} has a Category but no Permalink line")
            continue
        permalink_index, permalink = meta["permalink"]
        match = PERMALINK.match(permalink)
        if match is None:
            ctx.issue(
                path,
                permalink_index + 1,
                f"permalink {permalink!r} of {label!r} is not of the form "
                "https://owaspai.org/go/<slug>/",
            )
            continue
        later = [
            h
            for h, (_end, other) in zip(
                headings[position + 1 :], blocks[position + 1 :], strict=True
            )
            if h.level <= heading.level or h.marker or other
        ]
        end = later[0].index if later else len(lines)
        name = heading.name or _clean_name(title or "")
        category = meta["category"][1]
        section = Section(
            path, line, heading.level, name, category, match["slug"], lines[after:end], after
        )
        found[-1] = (heading, section)
    for index, line_text in enumerate(lines):
        if CATEGORY_LINE.match(line_text) and index not in claimed:
            ctx.issue(path, index + 1, "Category line is not directly under a heading")
    return found
