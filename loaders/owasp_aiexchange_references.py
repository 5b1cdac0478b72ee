"""The AI Exchange's cross-references: OpenCRE blocks and ATLAS links, as declared mappings.

Two threat -> control statements are read from them in the bundle and a user's copy alike: an
ATLAS mitigation a control's OpenCRE block cites addresses the threats the periodic table lists
for that control, and an ATLAS technique page linked from a control's own text is a technique
the control addresses (declared ``mosaic:mitigates``, :mod:`mosaic.loaders.threat_controls`).

Only converting a user's copy reads the rest as crosswalks: a reference whose target MOSAIC can
identify (ATLAS ids, LLM Top 10 ids of the 2025 and 2023 editions) becomes a declared
``skos:relatedMatch``; the others are counted by reason. The bundle holds those crosswalks
reviewed, in the curated mapping sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mosaic.loaders.owasp_aiexchange_pages import (
    AIX,
    MD_LINK,
    SITE,
    Context,
    Item,
    Section,
)
from mosaic.loaders.threat_controls import mitigation
from mosaic.rdf.source import DeclaredMapping
from mosaic.rdf.vocab import SKOS, concept_namespace

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


def is_known(ctx: Context, section: Section, line: int, slug: str, kind: str) -> bool:
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


def _owners(ctx: Context, page: Path) -> dict[int, Item]:
    """The item whose section text holds each line of a page (by 0-based line index)."""
    owners: dict[int, Item] = {}
    for item in ctx.items.values():
        section = item.section
        if section.path == page:
            for index in range(section.body_index, section.body_index + len(section.body)):
                owners[index] = item
    return owners


def _declare(
    ctx: Context, item: Item, initiative_id: str, local: str, label: str, comment: str
) -> None:
    """Record that the AI Exchange relates one of its items to another initiative's concept."""
    if not ctx.crosswalks:
        return
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


def _block_reference(ctx: Context, block: _CreBlock, text: str, url: str) -> None:
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
        _skip(ctx, "OpenCRE block of an unknown item")
        return
    comment = f"cross-reference to {framework} {section}" + (
        f" via {block.cre}" if block.cre else " in its OpenCRE block"
    )
    if framework.lower() == "mitre atlas":
        atlas = ATLAS_SECTION.match(section)
        if atlas is None:
            _skip(ctx, "MITRE ATLAS: no ATLAS id in the reference")
            return
        _declare(ctx, block.item, "mitre-atlas", atlas["id"], atlas["name"], comment)
        if block.item.kind == "control" and atlas["id"].startswith("AML.M"):
            where = block.cre or "its OpenCRE block"
            entry = (atlas["id"], atlas["name"].strip(), where)
            cited = ctx.cited.setdefault(block.item.slug, [])
            if entry not in cited:
                cited.append(entry)
        return
    if re.fullmatch(r"owasp\s+top\s*10\s+for\s+llms?", framework, re.IGNORECASE):
        llm = LLM_SECTION.match(section)
        if llm is None:
            _skip(ctx, "OWASP Top 10 for LLM: no entry id in the reference")
        elif llm["year"] not in LLM_EDITIONS:
            _skip(ctx, f"OWASP Top 10 for LLM {llm['year']}: edition not in MOSAIC")
        else:
            edition = LLM_EDITIONS[llm["year"]]
            _declare(ctx, block.item, edition, llm["id"], llm["name"], comment)
        return
    _skip(ctx, f"{framework}: no MOSAIC concept to link")


def _skip(ctx: Context, reason: str) -> None:
    """Count a cross-reference that cannot become a crosswalk (a user's copy only)."""
    if ctx.crosswalks:
        ctx.result.skip_mapping(reason)


def cited_mitigations(ctx: Context) -> None:
    """An ATLAS mitigation a control cites addresses the threats the table lists for it."""
    for control, cited in ctx.cited.items():
        for threat in ctx.threats_of.get(control, []):
            for atlas_id, name, where in cited:
                ctx.result.declare(
                    mitigation(
                        ATLAS[atlas_id],
                        AIX[threat],
                        source=f"{SITE}go/{control}/",
                        comment=f"{name or atlas_id} is cited for control {control} ({where}), "
                        f"which the periodic table lists against {threat}",
                    )
                )


def cross_references(ctx: Context, page: Path) -> None:
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
                _skip(ctx, "ISO/IEC standards: no MOSAIC concept to link")
        elif line.strip():
            standards = False
        owner = owners.get(index)
        if owner is not None:
            for link in MD_LINK.finditer(line):
                atlas = ATLAS_URL.match(link["url"])
                if atlas is None:
                    continue
                if owner.kind == "control" and re.match(r"AML\.T\d", atlas["id"]):
                    ctx.result.declare(
                        mitigation(
                            AIX[owner.slug],
                            ATLAS[atlas["id"]],
                            source=f"{SITE}go/{owner.slug}/",
                            comment="ATLAS technique linked from the control's text",
                        )
                    )
                else:
                    _declare(
                        ctx, owner, "mitre-atlas", atlas["id"], "", "linked from the item's text"
                    )
    if block is not None:
        ctx.warn(page, block.line, f"OpenCRE block of {block.slug} has no end marker")
