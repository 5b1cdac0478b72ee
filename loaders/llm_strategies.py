"""The "Prevention and Mitigation Strategies" of each OWASP Top 10 for LLM Applications 2025 entry.

Each numbered strategy of an entry becomes a ``mosaic:Control`` of the initiative, in the scheme
``llm2025:scheme-strategies``, and the entry states that it addresses it: a declared
``strategy mosaic:mitigates entry`` (:mod:`mosaic.loaders.threat_controls`).

Why the ids are ``LLM01-M1``: the list numbers its strategies within each entry (``#### 1.
Constrain model behavior``), and LLM02 restarts the numbering under each of its sub-headings, so
the strategies are numbered again in the order the entry gives them: ``M1``, ``M2``... after the
entry's own id (the bundle's notation of ``LLM01:2025`` is ``LLM01``). The entries write their
strategies in four ways, all read here:

- ``#### N. Title`` or ``##### N. Title`` headings (a heading without a number, as in LLM02,
  only groups the strategies under it), with the text below;
- numbered list items ``N. text`` without a title (LLM03, LLM04, LLM05);
- bullets after a paragraph that closes the numbered list (LLM06's "options that limit the
  damage").

A strategy's title is its name (a fact); one without a title gets a short name of ours
(``names.yaml`` of the edition) in the bundle, or the start of its text in a user's copy. Its
definition is ours (``definitions.yaml``, keyed by the strategy id) in the bundle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic.loaders.base import literal_en
from mosaic.loaders.bundle_build import read_definitions
from mosaic.loaders.threat_controls import mitigation
from mosaic.rdf.source import DeclaredMapping
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, SKOS, Namespace, initiative_iri

SECTION = re.compile(r"^#{2,4}\s+Prevention and Mitigation Strategies\s*$", re.IGNORECASE)
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s*(?P<text>.*?)\s*$")
NUMBERED_TITLE = re.compile(r"^(?P<number>\d+)\.\s*(?P<title>\S.*)$")
NUMBERED_ITEM = re.compile(r"^(?P<number>\d+)\.\s+(?P<text>\S.*)$")
BULLET = re.compile(r"^[-*+]\s+(?P<text>\S.*)$")
MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\([^)\s]*\)")


@dataclass
class Strategy:
    """One strategy as read from an entry file."""

    number: int
    line: int
    title: str | None
    group: str | None = None
    text: list[str] = field(default_factory=list)

    @property
    def plain(self) -> str:
        """The strategy's text as one plain paragraph (links become their text)."""
        text = MD_LINK.sub(lambda m: m["text"], " ".join(self.text))
        return " ".join(re.sub(r"(\*\*|__|`)", "", text).split())


def strategy_id(entry: str, strategy: Strategy) -> str:
    """The local id and notation of a strategy: ``LLM01-M1``."""
    return f"{entry}-M{strategy.number}"


def _section_bounds(lines: list[str]) -> tuple[int, int] | None:
    """The 0-based (first, end) lines inside the strategies section, or None."""
    for index, line in enumerate(lines):
        if SECTION.match(line):
            level = len(HEADING.match(line)["hashes"])  # type: ignore[index]
            for end in range(index + 1, len(lines)):
                heading = HEADING.match(lines[end])
                if heading and lines[end].startswith("#") and len(heading["hashes"]) <= level:
                    return index + 1, end
            return index + 1, len(lines)
    return None


def read_strategies(lines: list[str]) -> list[Strategy]:
    """Every strategy of an entry's "Prevention and Mitigation Strategies" section, in order.

    :param lines: the entry file's lines.
    :returns: the strategies numbered from 1; empty when the section is missing.
    """
    bounds = _section_bounds(lines)
    if bounds is None:
        return []
    strategies: list[Strategy] = []
    current: Strategy | None = None
    group: str | None = None
    has_body = prose = gap = bulleted = False

    def start(line: int, title: str | None, text: str | None) -> Strategy:
        strategy = Strategy(len(strategies) + 1, line + 1, title, group)
        if text:
            strategy.text.append(text)
        strategies.append(strategy)
        return strategy

    for index in range(*bounds):
        raw = lines[index]
        stripped = raw.strip()
        heading = HEADING.match(raw) if raw.startswith("#") else None
        if heading:
            numbered = NUMBERED_TITLE.match(heading["text"])
            bulleted = False
            if numbered:
                current, has_body = start(index, numbered["title"].strip(), None), False
            else:
                group, current = heading["text"] or None, None
            prose = gap = False
            continue
        if not stripped:
            gap = True
            continue
        item = NUMBERED_ITEM.match(raw)
        bullet = BULLET.match(raw)
        if item:
            current, has_body, prose = start(index, None, item["text"]), True, False
            bulleted = False
        elif bullet and (prose or current is None or bulleted):
            current, has_body, prose = start(index, None, bullet["text"]), True, False
            bulleted = True
        elif current is None:
            prose = True
        elif current.title is not None and not has_body:
            current.text.append(stripped)
            has_body = True
        elif raw[:1].isspace() or bullet or not gap:
            current.text.append(stripped)
        else:
            current, prose = None, True
        gap = False
    return strategies


def fallback_name(strategy: Strategy) -> str:
    """The name of a strategy without a title in a user's copy: the start of its text."""
    first = re.split(r"(?<=[.;:])\s", strategy.plain, maxsplit=1)[0].rstrip(".;:")
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "..."


@dataclass(frozen=True)
class StrategyScheme:
    """Where an edition's strategies go: their namespace, scheme and initiative."""

    ns: Namespace
    scheme: ox.NamedNode
    initiative_id: str
    title: str


def scheme_triples(
    target: StrategyScheme, license: ox.NamedNode, site: str, version: str | None = None
) -> list[ox.Triple]:
    """The concept scheme of the strategies."""
    scheme = target.scheme
    triples = [
        ox.Triple(scheme, RDF_TYPE, SKOS["ConceptScheme"]),
        ox.Triple(scheme, DCTERMS["title"], literal_en(target.title)),
        ox.Triple(scheme, DCTERMS["publisher"], ox.Literal("OWASP Foundation")),
        ox.Triple(scheme, DCTERMS["license"], license),
        ox.Triple(scheme, DCTERMS["source"], ox.NamedNode(site)),
        ox.Triple(scheme, MOSAIC["initiative"], initiative_iri(target.initiative_id)),
    ]
    if version is not None:
        triples.append(ox.Triple(scheme, OWL["versionInfo"], ox.Literal(version)))
    return triples


def strategy_triples(
    target: StrategyScheme,
    entry: str,
    entry_url: str,
    strategies: list[Strategy],
    *,
    definitions: Mapping[str, str] | None,
    names: Mapping[str, str] | None,
    missing: list[str],
    cited_as: str | None = None,
) -> tuple[list[ox.Triple], list[DeclaredMapping]]:
    """The concepts of one entry's strategies and the statements that they address it.

    :param target: the strategies' namespace and scheme.
    :param entry: the entry's id (``LLM01``).
    :param entry_url: the entry's page, each strategy's source.
    :param strategies: as read by :func:`read_strategies`.
    :param definitions: our definitions by strategy id (bundle), or None (a user's copy).
    :param names: our names of the strategies without a title (bundle), or None.
    :param missing: collects the strategy ids the bundle files lack a definition or name for.
    :param cited_as: how the comment of each statement names the entry (default ``entry:2025``).
    """
    triples: list[ox.Triple] = []
    mappings: list[DeclaredMapping] = []
    for strategy in strategies:
        ident = strategy_id(entry, strategy)
        concept = target.ns[ident]
        if strategy.title is not None:
            name: str | None = strategy.title
        elif names is None:
            name = fallback_name(strategy)
        else:
            name = names.get(ident)
        definition = strategy.plain if definitions is None else definitions.get(ident)
        if name is None or not definition:
            missing.append(ident)
            continue
        triples += [
            ox.Triple(concept, RDF_TYPE, SKOS["Concept"]),
            ox.Triple(concept, RDF_TYPE, MOSAIC["Control"]),
            ox.Triple(concept, SKOS["prefLabel"], literal_en(name)),
            ox.Triple(concept, SKOS["notation"], ox.Literal(ident)),
            ox.Triple(concept, SKOS["definition"], literal_en(definition)),
            ox.Triple(concept, SKOS["inScheme"], target.scheme),
            ox.Triple(concept, SKOS["topConceptOf"], target.scheme),
            ox.Triple(target.scheme, SKOS["hasTopConcept"], concept),
            ox.Triple(concept, DCTERMS["source"], ox.NamedNode(entry_url)),
        ]
        mappings.append(
            mitigation(
                concept,
                target.ns[entry],
                source=entry_url,
                comment=f"strategy {strategy.number} of the Prevention and Mitigation "
                f"Strategies of {cited_as or entry + ':2025'}",
            )
        )
    return triples, mappings


def read_names(path: Path) -> dict[str, str]:
    """Our names of the strategies without a title (a YAML mapping of id to name)."""
    return read_definitions(path) if path.is_file() else {}
