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
candidate number.

Each candidate's numbered "Prevention and Mitigation Strategies" become controls of the
initiative (``asi:T1-M1``, scheme ``asi:scheme-mitigations``), each declared to address its
threat (``mosaic:mitigates``, :mod:`mosaic.loaders.llm_strategies`); the rows of the exploits
and incidents tracker become incidents linked to the 2026 entries their mapping names
(:mod:`mosaic.loaders.agentic_incidents`). Names and definitions of the mitigations and the
incidents' summaries are ours in the bundle (``names.yaml``, ``definitions.yaml``).

Run ``python -m mosaic.loaders.build owasp-agentic <upstream folder>`` to regenerate the bundle.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from mosaic import resources
from mosaic.loaders.agentic_incidents import incident_triples, read_tracker
from mosaic.loaders.base import literal_en, triples_to_turtle
from mosaic.loaders.bundle_build import read_definitions
from mosaic.loaders.llm_strategies import (
    StrategyScheme,
    read_names,
    scheme_triples,
    strategy_triples,
)
from mosaic.loaders.owasp_agentic_files import (
    ASI_FOLDER,
    INITIATIVE_ID,
    THREATS,
    TOP10,
    TRACKER_FILES,
    Context,
    Edition,
    Item,
    first_file,
    read_candidates,
    resolve_folder,
    top10_items,
)
from mosaic.loaders.owasp_agentic_files import (
    NS as NS,
)
from mosaic.loaders.owasp_agentic_files import (
    THREATS_PAGE as THREATS_PAGE,
)
from mosaic.loaders.owasp_agentic_files import (
    THREATS_SCHEME as THREATS_SCHEME,
)
from mosaic.loaders.owasp_agentic_files import (
    TOP10_PAGE as TOP10_PAGE,
)
from mosaic.loaders.owasp_agentic_files import (
    TOP10_SCHEME as TOP10_SCHEME,
)
from mosaic.loaders.owasp_agentic_files import (
    normalise_name as normalise_name,
)
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import (
    DCTERMS,
    MOSAIC,
    OWL,
    PROV,
    RDF_TYPE,
    SKOS,
    initiative_iri,
)

CURIE_PREFIX = "asi"
FORMAT = "owasp-agentic-markdown"

REPOSITORY = "https://github.com/OWASP/www-project-top-10-for-large-language-model-applications"
UPSTREAM_COMMIT = "020595761a4b7b0c3f9cf01a0457b78f9f1e7f9c"
PUBLISHER = "OWASP Foundation"
LICENSE = "https://creativecommons.org/licenses/by-sa/4.0/"

DATA_DIR = resources.bundle_dir() / INITIATIVE_ID
DEFINITIONS_FILE = DATA_DIR / "definitions.yaml"
NAMES_FILE = DATA_DIR / "names.yaml"
OUTPUT_FILE = DATA_DIR / f"{INITIATIVE_ID}.ttl"


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


def _concept_triples(item: Item, definition: str) -> list[ox.Triple]:
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


#: Where the mitigations of the T&M threats go.
MITIGATIONS = StrategyScheme(
    NS,
    NS["scheme-mitigations"],
    INITIATIVE_ID,
    "OWASP Agentic AI \u2013 Threats and Mitigations: mitigations",
)


def _file_url(folder: Path, path: Path) -> str:
    """The page of an upstream file in the repository, at the bundled commit."""
    try:
        relative = path.relative_to(folder).as_posix()
    except ValueError:
        relative = path.name
    return f"{REPOSITORY}/blob/{UPSTREAM_COMMIT}/{ASI_FOLDER.as_posix()}/{relative}"


def _mitigations(
    ctx: Context,
    result: LoadResult,
    folder: Path,
    items: list[Item],
    definitions: Mapping[str, str] | None,
    names: Mapping[str, str] | None,
) -> set[str]:
    """Write the threats' mitigations as controls and declare what each addresses."""
    converted: set[str] = set()
    if any(item.strategies for item in items):
        result.triples += scheme_triples(
            MITIGATIONS, ox.NamedNode(LICENSE), THREATS_PAGE, THREATS.version
        )
    for item in items:
        if not item.strategies:
            continue
        missing: list[str] = []
        triples, mappings = strategy_triples(
            MITIGATIONS,
            item.id,
            _file_url(folder, item.path),
            item.strategies,
            definitions=definitions,
            names=names,
            missing=missing,
            cited_as=f"{item.id} (candidate file {item.path.name})",
        )
        result.triples += triples
        for mapping in mappings:
            result.declare(mapping)
        converted |= {f"{item.id}-M{s.number}" for s in item.strategies}
        for ident in missing:
            ctx.issue(item.path, item.line, f"no definition or name for mitigation {ident}")
    return converted


def _incidents(
    ctx: Context,
    result: LoadResult,
    folder: Path,
    items: list[Item],
    definitions: Mapping[str, str] | None,
) -> set[str]:
    """Write the tracker's incidents; return their ids."""
    tracker = first_file(folder, TRACKER_FILES)
    if not tracker.is_file():
        return set()  # reported by the tracker's reader

    def issue(line: int | None, message: str) -> None:
        ctx.issue(tracker, line, message)

    rows = read_tracker(tracker, issue)
    result.triples += incident_triples(
        rows,
        ns=NS,
        initiative_id=INITIATIVE_ID,
        tracker_url=_file_url(folder, tracker),
        license=LICENSE,
        summaries=definitions,
        known={item.id for item in items if item.edition is TOP10},
        issue=issue,
    )
    return {row.local_id for row in rows}


def convert(
    path: str,
    *,
    definitions: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> LoadResult:
    """Convert the candidate files, the draft table and the tracker into SKOS triples.

    Bad records are issues and are left out: a candidate file without a title, a candidate
    whose title names another threat, a duplicate candidate, a tracker or draft row with the
    wrong number of columns, an entry that is not ``ASInn (Name)`` or names an id outside
    ASI01-ASI10, a missing tracker, and (with ``definitions``) a concept without a definition.
    Missing candidates, later candidates, a missing draft and an id with two names are warnings.

    :param path: the upstream repository folder or its ``initiatives/agent_security_initiative``.
    :param definitions: our definitions by local id (``T1``, ``ASI01``, ``T1-M1``, incident
        ids), used to build the bundle; ``None`` keeps the upstream text (candidate and draft
        descriptions, mitigation text, the tracker's impact summaries).
    :param names: our names of the mitigations (bundle), or None to use the start of their
        text.
    :returns: the triples and every issue and warning found.
    """
    ctx = Context()
    folder = resolve_folder(path)
    items = read_candidates(ctx, folder) + top10_items(ctx, folder)
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
    result = LoadResult(source=str(folder), format=FORMAT, triples=triples)
    known = {item.id for item in items}
    known |= _mitigations(ctx, result, folder, items, definitions, names)
    known |= _incidents(ctx, result, folder, items, definitions)
    for unused in sorted(set(definitions or {}) - known):
        ctx.warn(DEFINITIONS_FILE, None, f"definition for unknown id {unused}")
    result.issues, result.warnings = ctx.issues, ctx.warnings
    return result


def load_names(path: Path = NAMES_FILE) -> dict[str, str]:
    """Read our names of the mitigations without a title (a YAML mapping of id to name)."""
    return read_names(path)


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
