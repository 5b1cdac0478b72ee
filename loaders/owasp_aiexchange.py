"""Convert the OWASP AI Exchange (owaspai.org) threats and controls into SKOS.

The AI Exchange is a set of Hugo Markdown pages (``content/ai_exchange/content/docs/*.md`` of
OWASP/www-project-ai-security-and-privacy-guide). Every item it defines is a heading followed by
two quoted lines::

    #### #MONITOR USE
    > Category: runtime information security control for input threats
    > Permalink: https://owaspai.org/go/monitoruse/

The permalink slug is the item's stable id: it is the concept's local id and notation, and the
permalink is its ``dcterms:source``. The category says what the item is: "group of ..." items are
parent nodes, categories naming a control become ``mosaic:Control``, those naming a threat
``mosaic:Threat``; discussions, tests and tool reviews are not vocabulary and are skipped. A page
whose metadata sits right under the front matter is itself an item (named by its title).

Why the hierarchy comes from heading levels: the pages nest threats under their group headings
(``## 2.2 Prompt injection`` > ``### 2.2.1. Direct prompt injection``), and an ``N.0``
introduction heading plays the role of the page title. A threat hangs under the nearest enclosing
threat group and a control under the nearest enclosing control group; controls discussed inside a
threat's section are not narrower than that threat, so they stay top concepts of the scheme.

The "Periodic table of AI security" (an HTML table in the overview page) lists, per threat, the
controls against it; each pair becomes ``control mosaic:mitigates threat``.

Converting a user's copy also reads the cross-references: the OpenCRE blocks (HTML comments
``OPENCRE_SECTION_CRE_START slug=...`` around links to ATLAS, the LLM Top 10, ENISA, ETSI...) and
links to ATLAS pages in an item's text. Those whose target MOSAIC can identify (ATLAS ids, LLM
Top 10 ids of the 2025 and 2023 editions) become declared ``skos:relatedMatch`` mappings authored
by the AI Exchange (:mod:`mosaic.dataset.declared`); the others are counted, by reason.

Run ``python -m mosaic.loaders.owasp_aiexchange <repository or docs folder>`` to regenerate the
bundle.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from mosaic import resources
from mosaic.errors import LoadIssue
from mosaic.loaders.base import literal_en, triples_to_turtle
from mosaic.rdf.source import DeclaredMapping, LoadResult
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, SKOS, concept_namespace, initiative_iri

INITIATIVE_ID = "owasp-aiexchange"
CURIE_PREFIX = "aix"
FORMAT = "owasp-aiexchange-markdown"
AIX = concept_namespace(INITIATIVE_ID)
SCHEME = AIX["scheme"]
SITE = "https://owaspai.org/"
LICENSE = ox.NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")
PUBLISHER = "OWASP Foundation"
TITLE = "OWASP AI Exchange"
#: The upstream commit date of the bundled copy; the pages themselves carry no version.
BUNDLED_VERSION = "2026-08-22"

DATA_DIR = resources.bundle_dir() / INITIATIVE_ID
DEFINITIONS_PATH = DATA_DIR / "definitions.yaml"
BUNDLE_PATH = DATA_DIR / f"{INITIATIVE_ID}.ttl"
DOCS_FOLDER = Path("content") / "ai_exchange" / "content" / "docs"

HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>\S.*?)\s*$")
CATEGORY_LINE = re.compile(r"^\s*>\s*Category\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)
PERMALINK_LINE = re.compile(r"^\s*>\s*Permalink\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)
PERMALINK = re.compile(r"^https://owaspai\.org/go/(?P<slug>[A-Za-z0-9._-]+)/?$")
SECTION_NUMBER = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.?\s+(?P<name>\S.*)$")
INTRODUCTION = re.compile(r"\s+-\s+introduction\s*$", re.IGNORECASE)
BOLD_LABEL = re.compile(r"^\*\*[^*]+\*\*:?\s*$")
MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)\)")
GO_LINK = re.compile(r"""href\s*=\s*["'](?:https://owaspai\.org)?/go/(?P<slug>[^/"'#]+)/?["']""")
TABLE_ROW = re.compile(r"<tr\b[^>]*>(?P<body>.*?)</tr>", re.IGNORECASE | re.DOTALL)
TABLE_CELL = re.compile(r"<td\b[^>]*>(?P<body>.*?)</td>", re.IGNORECASE | re.DOTALL)
#: Categories that describe prose rather than a threat or a control.
NOT_VOCABULARY = frozenset({"discussion", "ai security test", "tool review", "control details"})
#: The permalink slug of the section that holds the periodic table.
PERIODIC_TABLE = "periodictable"
#: OpenCRE cross-reference blocks: HTML comments around a list of links, per item slug.
CRE_START = re.compile(r"<!--\s*OPENCRE_SECTION_CRE_START\s+slug=(?P<slug>[A-Za-z0-9._-]+)\s*-->")
CRE_END = re.compile(r"<!--\s*OPENCRE_SECTION_CRE_END\b")
CRE_LINK = re.compile(r"^OpenCRE\s*:\s*(?P<name>.*)$", re.IGNORECASE)
CRE_ID = re.compile(r"/cre/(?P<id>\d{3}-\d{3})")
#: A block's reference: ``[MITRE ATLAS: sec. AML.M0024: AI Telemetry Logging](url)``.
REFERENCE = re.compile(r"^(?P<framework>[^:]+?)\s*:\s*(?:sec\.\s*)?(?P<section>.*)$")
ATLAS_SECTION = re.compile(r"^(?P<id>AML\.(?:TA|T|M)\d{4}(?:\.\d{3})?)\b\s*:?\s*(?P<name>.*)$")
LLM_SECTION = re.compile(r"^(?P<id>LLM\d{2}):(?P<year>\d{4})\b\s*:?\s*(?P<name>.*)$")
ATLAS_URL = re.compile(
    r"^https?://atlas\.mitre\.org/(?:techniques|mitigations|tactics)/"
    r"(?P<id>AML\.(?:TA|T|M)\d{4}(?:\.\d{3})?)/?$"
)
#: The LLM Top 10 editions MOSAIC has, by the year in an entry id (``LLM01:2025``).
LLM_EDITIONS = {"2025": "owasp-llm-top10-2025", "2023": "owasp-llm-top10-2023"}
ATLAS = concept_namespace("mitre-atlas")
USEFUL_STANDARDS = re.compile(r"^\s*useful standards include", re.IGNORECASE)
ISO_REFERENCE = re.compile(r"\bISO(?:\s*/\s*IEC)?\s*(?P<number>\d{4,5})\b", re.IGNORECASE)
BULLET = re.compile(r"^\s*[-*+]\s")


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
class _Context:
    """What a conversion accumulates: the result, the sections and the items by slug."""

    result: LoadResult
    sections: dict[str, Section] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)

    def issue(self, path: Path | str, line: int | None, message: str) -> None:
        """Record an error: the item (or the page) cannot be used as is."""
        self.result.issues.append(LoadIssue(str(path), line, None, message, stage="convert"))

    def warn(self, path: Path | str, line: int | None, message: str) -> None:
        """Record a harmless problem: the item is converted, minus the bad part."""
        self.result.warnings.append(LoadIssue(str(path), line, None, message, stage="convert"))

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
class _Heading:
    """A heading of a page (or the page itself, for metadata under the front matter)."""

    index: int
    level: int
    text: str
    name: str
    marker: bool


def _page_headings(lines: list[str], body_start: int, title: str | None) -> list[_Heading]:
    """Every heading outside code blocks, plus a level-0 pseudo heading for the page."""
    headings = [_Heading(body_start - 1, 0, title or "", _clean_name(title or ""), False)]
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
            headings.append(_Heading(index, level, text, _clean_name(text), marker))
    return headings


def read_sections(ctx: _Context, path: Path) -> list[tuple[_Heading, Section | None]]:
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
    found: list[tuple[_Heading, Section | None]] = []
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


def _register(ctx: _Context, headings: list[tuple[_Heading, Section | None]]) -> None:
    """Turn the sections of one page into items and link each to its enclosing group."""
    stack: list[tuple[int, Item | None]] = []
    for heading, section in headings:
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        if section is None:
            stack.append((heading.level, None))
            continue
        kind = classify(section.category)
        if section.slug in ctx.sections:
            first = ctx.sections[section.slug]
            same = first.name == section.name and classify(first.category) == kind
            where = f"{first.path.name} line {first.line}"
            if not same:
                ctx.issue(
                    section.path,
                    section.line,
                    f"permalink slug {section.slug!r} of {section.name!r} is already used by "
                    f"{first.name!r} ({where})",
                )
                stack.append((section.level, None))
                continue
            ctx.warn(
                section.path,
                section.line,
                f"{section.name!r} ({section.slug}) is described again; first at {where}",
            )
        else:
            ctx.sections[section.slug] = section
        if kind is None:
            if section.category.strip().lower() not in NOT_VOCABULARY:
                ctx.warn(
                    section.path,
                    section.line,
                    f"category {section.category!r} of {section.name!r} names neither a threat "
                    "nor a control; skipped",
                )
            stack.append((section.level, None))
            continue
        item = ctx.items.get(section.slug) or Item(section, kind[0], kind[1])
        ctx.items[section.slug] = item
        parent = next(
            (
                it
                for _lvl, it in reversed(stack)
                if it is not None and it.group and it.kind == item.kind
            ),
            None,
        )
        if parent is not None and parent.slug not in item.parents and parent is not item:
            item.parents.append(parent.slug)
        stack.append((section.level, item))


def _lead_paragraph(body: list[str]) -> str:
    """Return the first paragraph of a section as plain text (the upstream's description)."""
    collected: list[str] = []
    in_comment = False
    for raw in body:
        line = raw.strip()
        if in_comment:
            in_comment = "-->" not in line
            continue
        if line.startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if not line or BOLD_LABEL.match(line) or line.startswith(("#", "<", "![", "|")):
            if collected:
                break
            continue
        collected.append(line)
    text = MD_LINK.sub(lambda m: m.group("text"), " ".join(collected))
    return " ".join(re.sub(r"(\*\*|__|`)", "", text).split())


def _periodic_table(ctx: _Context) -> None:
    """Add ``mosaic:mitigates`` from each control to each threat of the periodic table."""
    section = ctx.sections.get(PERIODIC_TABLE)
    if section is None or not any("<table" in line.lower() for line in section.body):
        ctx.warn(
            ctx.result.source,
            None,
            "no periodic table (a <table> under the /go/periodictable/ section); "
            "no mitigates links",
        )
        return
    offset = section.body_index
    text = "\n".join(section.body)
    seen: set[tuple[str, str]] = set()
    for row in TABLE_ROW.finditer(text):
        line = offset + text.count("\n", 0, row.start()) + 1
        cells = TABLE_CELL.findall(row.group("body"))
        if len(cells) < 2:
            continue
        threats = [m.group("slug") for m in GO_LINK.finditer(cells[-2])]
        controls = [m.group("slug") for m in GO_LINK.finditer(cells[-1])]
        for threat in threats:
            if not _known(ctx, section, line, threat, "threat"):
                continue
            for control in controls:
                if not _known(ctx, section, line, control, "control"):
                    continue
                if (control, threat) not in seen:
                    seen.add((control, threat))
                    ctx.add(AIX[control], MOSAIC["mitigates"], AIX[threat])


def _known(ctx: _Context, section: Section, line: int, slug: str, kind: str) -> bool:
    """Whether a periodic-table link names an item of the expected kind; report it if not."""
    item = ctx.items.get(slug)
    if item is not None and item.kind == kind:
        return True
    what = "an unknown item" if item is None else f"a {item.kind}, not a {kind}"
    ctx.issue(section.path, line, f"periodic table links /go/{slug}/, which is {what}")
    return False


@dataclass
class _CreBlock:
    """The OpenCRE block being read: the item it names and the common requirement it cites."""

    slug: str
    line: int
    item: Item | None
    cre: str | None = None


def _owners(ctx: _Context, page: Path) -> dict[int, Item]:
    """The item whose section text holds each line of a page (by 0-based line index)."""
    owners: dict[int, Item] = {}
    for item in ctx.items.values():
        section = item.section
        if section.path == page:
            for index in range(section.body_index, section.body_index + len(section.body)):
                owners[index] = item
    return owners


def _declare(
    ctx: _Context, item: Item, initiative_id: str, local: str, label: str, comment: str
) -> None:
    """Record that the AI Exchange relates one of its items to another initiative's concept."""
    ctx.result.declare(
        DeclaredMapping(
            AIX[item.slug],
            SKOS["relatedMatch"],
            concept_namespace(initiative_id)[local],
            source=f"{SITE}go/{item.slug}/",
            object_label=label or None,
            comment=comment,
        )
    )


def _block_reference(ctx: _Context, block: _CreBlock, text: str, url: str) -> None:
    """Declare one link of an OpenCRE block, or count why its target cannot be identified."""
    cre = CRE_LINK.match(text.strip())
    if cre is not None:
        found = CRE_ID.search(url)
        number = f" {found['id']}" if found else ""
        block.cre = f"OpenCRE{number} ({cre['name'].strip()})"
        return
    reference = REFERENCE.match(text.strip())
    framework = reference["framework"].strip() if reference else text.strip()
    section = reference["section"].strip() if reference else ""
    if block.item is None:
        ctx.result.skip_mapping("OpenCRE block of an unknown item")
        return
    comment = f"cross-reference to {framework} {section}" + (
        f" via {block.cre}" if block.cre else " in its OpenCRE block"
    )
    if framework.lower() == "mitre atlas":
        atlas = ATLAS_SECTION.match(section)
        if atlas is None:
            ctx.result.skip_mapping("MITRE ATLAS: no ATLAS id in the reference")
        else:
            _declare(ctx, block.item, "mitre-atlas", atlas["id"], atlas["name"], comment)
        return
    if re.fullmatch(r"owasp\s+top\s*10\s+for\s+llms?", framework, re.IGNORECASE):
        llm = LLM_SECTION.match(section)
        if llm is None:
            ctx.result.skip_mapping("OWASP Top 10 for LLM: no entry id in the reference")
        elif llm["year"] not in LLM_EDITIONS:
            ctx.result.skip_mapping(f"OWASP Top 10 for LLM {llm['year']}: edition not in MOSAIC")
        else:
            edition = LLM_EDITIONS[llm["year"]]
            _declare(ctx, block.item, edition, llm["id"], llm["name"], comment)
        return
    ctx.result.skip_mapping(f"{framework}: no MOSAIC concept to link")


def _cross_references(ctx: _Context, page: Path) -> None:
    """Declare a page's links to other initiatives' concepts, counting those it cannot link.

    Three places hold them: the OpenCRE blocks (``OPENCRE_SECTION_CRE_START slug=...``), whose
    links to ATLAS and to LLM Top 10 entries of the editions MOSAIC has become mappings of the
    named item; links to ATLAS pages in an item's own text; and the "Useful standards include"
    lists, whose ISO/IEC standards are counted, since a whole standard is no MOSAIC concept.
    Other frameworks (ENISA, ETSI, NIST AI 100-2 sections, BIML...) are counted as skipped.
    """
    try:
        lines = page.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return  # read_sections has reported it
    owners = _owners(ctx, page)
    block: _CreBlock | None = None
    standards = False
    for index, line in enumerate(lines):
        start = CRE_START.search(line)
        if start is not None:
            if block is not None:
                ctx.warn(page, block.line, f"OpenCRE block of {block.slug} has no end marker")
            item = ctx.items.get(start["slug"])
            if item is None:
                ctx.warn(
                    page,
                    index + 1,
                    f"OpenCRE block names /go/{start['slug']}/, which is not a threat or "
                    "control; its references are skipped",
                )
            block = _CreBlock(start["slug"], index + 1, item)
            continue
        if CRE_END.search(line):
            block = None
            continue
        if block is not None:
            for link in MD_LINK.finditer(line):
                _block_reference(ctx, block, link["text"], link["url"])
            continue
        if USEFUL_STANDARDS.match(line):
            standards = True
        elif standards and (BULLET.match(line) or line[:1].isspace()):
            for _number in dict.fromkeys(m["number"] for m in ISO_REFERENCE.finditer(line)):
                ctx.result.skip_mapping("ISO/IEC standards: no MOSAIC concept to link")
        elif line.strip():
            standards = False
        owner = owners.get(index)
        if owner is not None:
            for link in MD_LINK.finditer(line):
                atlas = ATLAS_URL.match(link["url"])
                if atlas is not None:
                    comment = "linked from the item's text"
                    _declare(ctx, owner, "mitre-atlas", atlas["id"], "", comment)
    if block is not None:
        ctx.warn(page, block.line, f"OpenCRE block of {block.slug} has no end marker")


def _emit_scheme(ctx: _Context, version: str | None) -> None:
    """Write the concept scheme; top concepts are added with each item."""
    ctx.add(SCHEME, RDF_TYPE, SKOS["ConceptScheme"])
    ctx.add(SCHEME, DCTERMS["title"], literal_en(TITLE))
    ctx.add(SCHEME, DCTERMS["publisher"], ox.Literal(PUBLISHER))
    if version is not None:
        ctx.add(SCHEME, OWL["versionInfo"], ox.Literal(version))
    ctx.add(SCHEME, DCTERMS["license"], LICENSE)
    ctx.add(SCHEME, DCTERMS["source"], ox.NamedNode(SITE))
    ctx.add(SCHEME, MOSAIC["initiative"], initiative_iri(INITIATIVE_ID))


def _emit_item(ctx: _Context, item: Item, definitions: Mapping[str, str] | None) -> None:
    """Write one threat or control with its place in the hierarchy."""
    section = item.section
    concept = AIX[item.slug]
    ctx.add(concept, RDF_TYPE, SKOS["Concept"])
    ctx.add(concept, RDF_TYPE, MOSAIC["Control" if item.kind == "control" else "Threat"])
    ctx.add(concept, SKOS["prefLabel"], literal_en(section.name))
    ctx.add(concept, SKOS["notation"], ox.Literal(item.slug))
    ctx.add(concept, SKOS["inScheme"], SCHEME)
    ctx.add(concept, DCTERMS["source"], ox.NamedNode(f"{SITE}go/{item.slug}/"))
    if definitions is None:
        lead = _lead_paragraph(section.body)
        if lead:
            ctx.add(concept, SKOS["definition"], literal_en(lead))
        else:
            ctx.warn(section.path, section.line, f"{section.name!r} has no description text")
    elif item.slug in definitions:
        ctx.add(concept, SKOS["definition"], literal_en(definitions[item.slug]))
    else:
        ctx.issue(
            section.path, section.line, f"no definition for {item.slug} in the definitions file"
        )
    if not item.parents:
        ctx.add(concept, SKOS["topConceptOf"], SCHEME)
        ctx.add(SCHEME, SKOS["hasTopConcept"], concept)
    for parent in item.parents:
        ctx.add(concept, SKOS["broader"], AIX[parent])
        ctx.add(AIX[parent], SKOS["narrower"], concept)


def _pages(source: Path) -> list[Path]:
    """List the Markdown pages to read, in name order (the site's section order)."""
    if source.is_file():
        return [source]
    return sorted(p for p in source.glob("*.md") if p.is_file())


def read_items(path: str | Path) -> tuple[dict[str, Item], _Context]:
    """Read every page and return the threats and controls by slug, with the context.

    :param path: the docs folder, one page, or a folder above the docs folder.
    :returns: the items and the context holding the issues and warnings.
    """
    source = resolve_docs(path)
    ctx = _Context(result=LoadResult(source=str(source), format=FORMAT))
    if not source.exists():
        ctx.issue(source, None, "no such file or folder")
        return ctx.items, ctx
    pages = _pages(source)
    if not pages:
        ctx.issue(source, None, "no Markdown pages found")
    for page in pages:
        _register(ctx, read_sections(ctx, page))
    return ctx.items, ctx


def section_texts(path: str | Path) -> dict[str, str]:
    """Return the full upstream text of each threat and control, for checking our wording.

    :param path: the docs folder, one page, or a folder above the docs folder.
    :returns: the Markdown body of each item's section, by permalink slug.
    """
    items, _ctx = read_items(path)
    return {slug: "\n".join(item.section.body) for slug, item in items.items()}


def convert(
    path: str, *, definitions: Mapping[str, str] | None = None, version: str | None = None
) -> LoadResult:
    """Convert the AI Exchange pages into SKOS triples.

    Every bad item is reported, none stops the conversion: a Category without a Permalink (or
    the reverse), a malformed permalink, a slug used by two different items, a ``#NAME``
    control heading without metadata, a periodic-table link to an unknown item, or (with
    ``definitions``) an item without a definition are issues; an item described twice under
    the same name and an unknown category are warnings.

    :param path: the docs folder, one page, or the repository folder.
    :param definitions: our own definitions by slug, used to build the bundle; when None the
        first paragraph of each item's upstream text is kept as ``skos:definition`` and the
        cross-references to ATLAS and the LLM Top 10 become declared mappings
        (:func:`_cross_references`).
    :param version: the ``owl:versionInfo`` of the scheme (the pages carry none), or None.
    :returns: the triples and every issue and warning found.
    """
    items, ctx = read_items(path)
    _emit_scheme(ctx, version)
    for item in items.values():
        _emit_item(ctx, item, definitions)
    if items:
        _periodic_table(ctx)
    if definitions is None:
        for page in _pages(resolve_docs(path)):
            _cross_references(ctx, page)
    if definitions is not None:
        for extra in sorted(set(definitions) - set(items)):
            ctx.warn(
                ctx.result.source, None, f"definitions file has an entry for unknown slug {extra}"
            )
    return ctx.result


def load_definitions(path: str | Path = DEFINITIONS_PATH) -> dict[str, str]:
    """Read our own definitions file: a mapping from permalink slug to a definition.

    :param path: the YAML file, by default the bundled ``definitions.yaml``.
    :returns: the definitions, by slug, with whitespace normalised.
    :raises ValueError: when the file is not a mapping of slugs to non-empty strings.
    """
    with Path(path).open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of slug to definition")
    definitions: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            raise ValueError(f"{path}: entry {key!r} is not a slug with a non-empty definition")
        definitions[key] = " ".join(value.split())
    return definitions


def main(argv: list[str] | None = None) -> int:
    """Regenerate the bundled Turtle from an upstream copy and our definitions.

    :param argv: command-line arguments (without the program name): the upstream folder, and
        optionally the output file.
    :returns: 0 on success, 1 when the upstream had errors, 2 on bad usage.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        sys.stderr.write("usage: python -m mosaic.loaders.owasp_aiexchange UPSTREAM [OUTPUT.ttl]\n")
        return 2
    output = Path(args[1]) if len(args) == 2 else BUNDLE_PATH
    result = convert(args[0], definitions=load_definitions(), version=BUNDLED_VERSION)
    for warning in result.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    for issue in result.issues:
        sys.stderr.write(f"error: {issue}\n")
    if result.issues:
        sys.stderr.write(f"{len(result.issues)} error(s); {output} not written\n")
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(triples_to_turtle(result.triples, {CURIE_PREFIX: AIX.iri}), "utf-8")
    concepts = sum(1 for t in result.triples if t.predicate == SKOS["inScheme"])
    sys.stdout.write(f"wrote {output}: {concepts} concepts, {len(result.triples)} triples\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
