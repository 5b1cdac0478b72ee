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
controls against it; each pair is a declared ``control mosaic:mitigates threat`` authored by the
AI Exchange (:mod:`mosaic.loaders.threat_controls`), in the bundle and in a user's conversion
alike. So are two statements read from the cross-references: an ATLAS mitigation a control's
OpenCRE block cites addresses the threats the periodic table lists for that control, and an
ATLAS technique page linked from a control's own text is a technique the control addresses.

Converting a user's copy also reads the other cross-references: the OpenCRE blocks (HTML
comments ``OPENCRE_SECTION_CRE_START slug=...`` around links to ATLAS, the LLM Top 10, ENISA,
ETSI...) and links to ATLAS pages in a threat's text. Those whose target MOSAIC can identify
(ATLAS ids, LLM Top 10 ids of the 2025 and 2023 editions) become declared ``skos:relatedMatch``
mappings authored by the AI Exchange (:mod:`mosaic.dataset.declared`); the others are counted,
by reason. The bundle holds those crosswalks reviewed, in the curated mapping sets.

Run ``python -m mosaic.loaders.build owasp-aiexchange <repository or docs folder>`` to regenerate
the bundle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
import yaml

from mosaic import resources
from mosaic.loaders.base import literal_en
from mosaic.loaders.owasp_aiexchange_pages import (
    AIX as AIX,
)
from mosaic.loaders.owasp_aiexchange_pages import (
    INITIATIVE_ID,
    MD_LINK,
    NOT_VOCABULARY,
    SITE,
    Context,
    Heading,
    Item,
    Section,
    read_sections,
    resolve_docs,
)
from mosaic.loaders.owasp_aiexchange_pages import (
    classify as classify,
)
from mosaic.loaders.owasp_aiexchange_references import (
    cited_mitigations,
    cross_references,
    is_known,
)
from mosaic.loaders.threat_controls import mitigation
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, SKOS, initiative_iri

CURIE_PREFIX = "aix"
FORMAT = "owasp-aiexchange-markdown"
SCHEME = AIX["scheme"]
LICENSE = ox.NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")
PUBLISHER = "OWASP Foundation"
TITLE = "OWASP AI Exchange"
#: The upstream commit date of the bundled copy; the pages themselves carry no version.
BUNDLED_VERSION = "2026-08-22"

DATA_DIR = resources.bundle_dir() / INITIATIVE_ID
DEFINITIONS_PATH = DATA_DIR / "definitions.yaml"
BUNDLE_PATH = DATA_DIR / f"{INITIATIVE_ID}.ttl"

BOLD_LABEL = re.compile(r"^\*\*[^*]+\*\*:?\s*$")
GO_LINK = re.compile(r"""href\s*=\s*["'](?:https://owaspai\.org)?/go/(?P<slug>[^/"'#]+)/?["']""")
TABLE_ROW = re.compile(r"<tr\b[^>]*>(?P<body>.*?)</tr>", re.IGNORECASE | re.DOTALL)
TABLE_CELL = re.compile(r"<td\b[^>]*>(?P<body>.*?)</td>", re.IGNORECASE | re.DOTALL)
#: The permalink slug of the section that holds the periodic table.
PERIODIC_TABLE = "periodictable"


def _register(ctx: Context, headings: list[tuple[Heading, Section | None]]) -> None:
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


def _periodic_table(ctx: Context) -> None:
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
            if not is_known(ctx, section, line, threat, "threat"):
                continue
            for control in controls:
                if not is_known(ctx, section, line, control, "control"):
                    continue
                if (control, threat) not in seen:
                    seen.add((control, threat))
                    ctx.threats_of.setdefault(control, []).append(threat)
                    ctx.result.declare(
                        mitigation(
                            AIX[control],
                            AIX[threat],
                            source=f"{SITE}go/{PERIODIC_TABLE}/",
                            comment=f"periodic table, row of {threat}",
                        )
                    )


def _emit_scheme(ctx: Context, version: str | None) -> None:
    """Write the concept scheme; top concepts are added with each item."""
    ctx.add(SCHEME, RDF_TYPE, SKOS["ConceptScheme"])
    ctx.add(SCHEME, DCTERMS["title"], literal_en(TITLE))
    ctx.add(SCHEME, DCTERMS["publisher"], ox.Literal(PUBLISHER))
    if version is not None:
        ctx.add(SCHEME, OWL["versionInfo"], ox.Literal(version))
    ctx.add(SCHEME, DCTERMS["license"], LICENSE)
    ctx.add(SCHEME, DCTERMS["source"], ox.NamedNode(SITE))
    ctx.add(SCHEME, MOSAIC["initiative"], initiative_iri(INITIATIVE_ID))


def _emit_item(ctx: Context, item: Item, definitions: Mapping[str, str] | None) -> None:
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


def read_items(path: str | Path) -> tuple[dict[str, Item], Context]:
    """Read every page and return the threats and controls by slug, with the context.

    :param path: the docs folder, one page, or a folder above the docs folder.
    :returns: the items and the context holding the issues and warnings.
    """
    source = resolve_docs(path)
    ctx = Context(result=LoadResult(source=str(source), format=FORMAT))
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
        (:func:`cross_references`).
    :param version: the ``owl:versionInfo`` of the scheme (the pages carry none), or None.
    :returns: the triples and every issue and warning found.
    """
    items, ctx = read_items(path)
    ctx.crosswalks = definitions is None
    _emit_scheme(ctx, version)
    for item in items.values():
        _emit_item(ctx, item, definitions)
    if items:
        _periodic_table(ctx)
    for page in _pages(resolve_docs(path)):
        cross_references(ctx, page)
    cited_mitigations(ctx)
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
