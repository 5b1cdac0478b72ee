"""Convert the OWASP Top 10 for LLM Applications (2025 and 2023 editions) into SKOS.

The list is published as one Markdown file per entry in the repository
OWASP/www-project-top-10-for-large-language-model-applications: ``2_0_vulns/LLM01_*.md`` ...
``LLM10_*.md`` for the 2025 edition and ``Archive/1_1_vulns/`` for version 1.1 (2023). Each file
starts with a heading that carries the entry's id and name, ``## LLM01:2025 Prompt Injection``
(2025) or ``## LLM01: Prompt Injection`` (1.1); that heading form is also how the edition of a
file is recognised. Each entry becomes a ``mosaic:Vulnerability`` and a top concept of its
edition's scheme (``docs/data-model.md``).

Why the two editions are two initiatives: their ids are reused with other meanings (LLM02 is
Insecure Output Handling in 2023, Sensitive Information Disclosure in 2025), so each edition has
its own graph and CURIE prefix; the 2025 scheme states ``prov:wasRevisionOf`` the 2023 scheme.

The 2025 entries list MITRE ATLAS techniques under "Related Frameworks and Taxonomies". Those
links are kept as declared ``skos:relatedMatch`` mappings authored by the OWASP project only when
a user converts their own copy (``definitions=None``; :mod:`mosaic.dataset.declared`); the bundle
leaves cross-initiative links to the curated mapping sets, and :func:`declared_atlas_links` exposes
them for building those.

The "Prevention and Mitigation Strategies" of each 2025 entry become controls of the
initiative, each stated by the entry to address it (:mod:`mosaic.loaders.llm_strategies`):
declared ``mosaic:mitigates`` mappings in the bundle and a user's conversion alike.

Run ``python -m mosaic.loaders.build owasp-llm-top10-2025 <repository folder>`` (and
``owasp-llm-top10-2023``) to regenerate the bundled files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
import yaml

from mosaic.loaders.base import literal_en
from mosaic.loaders.llm_strategies import (
    StrategyScheme,
    read_names,
    scheme_triples,
    strategy_triples,
)
from mosaic.loaders.owasp_llm_top10_files import (
    EDITION_2023 as EDITION_2023,
)
from mosaic.loaders.owasp_llm_top10_files import (
    EDITION_2025 as EDITION_2025,
)
from mosaic.loaders.owasp_llm_top10_files import (
    EDITIONS as EDITIONS,
)
from mosaic.loaders.owasp_llm_top10_files import (
    REPOSITORY as REPOSITORY,
)
from mosaic.loaders.owasp_llm_top10_files import (
    Edition as Edition,
)
from mosaic.loaders.owasp_llm_top10_files import (
    Entry,
    Reader,
    read_entries,
)
from mosaic.loaders.owasp_llm_top10_files import (
    declared_atlas_links as declared_atlas_links,
)
from mosaic.rdf.source import DeclaredMapping, LoadResult
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

FORMAT = "owasp-llm-top10-markdown"
PUBLISHER = "OWASP Foundation"
LICENSE = ox.NamedNode("https://creativecommons.org/licenses/by-sa/4.0/")
SITE = "https://genai.owasp.org/llm-top-10/"
ATLAS = concept_namespace("mitre-atlas")


def _triple(
    result: LoadResult, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal
) -> None:
    """Append one triple to the result."""
    result.triples.append(ox.Triple(s, p, o))


def _emit_scheme(result: LoadResult, edition: Edition) -> None:
    """Write the edition's concept scheme; top concepts are added with each entry."""
    scheme = edition.scheme
    _triple(result, scheme, RDF_TYPE, SKOS["ConceptScheme"])
    _triple(result, scheme, DCTERMS["title"], literal_en(edition.title))
    _triple(result, scheme, DCTERMS["publisher"], ox.Literal(PUBLISHER))
    _triple(result, scheme, OWL["versionInfo"], ox.Literal(edition.version))
    _triple(result, scheme, DCTERMS["license"], LICENSE)
    _triple(result, scheme, DCTERMS["source"], ox.NamedNode(SITE))
    _triple(result, scheme, MOSAIC["initiative"], initiative_iri(edition.initiative_id))
    if edition is EDITION_2025:
        _triple(result, scheme, PROV["wasRevisionOf"], EDITION_2023.scheme)


#: Where the 2025 entries' strategies go.
STRATEGIES = StrategyScheme(
    EDITION_2025.namespace,
    EDITION_2025.namespace["scheme-strategies"],
    EDITION_2025.initiative_id,
    "OWASP Top 10 for LLM Applications 2025: Prevention and Mitigation Strategies",
)


def _emit_strategies(
    result: LoadResult,
    reader: Reader,
    entry: Entry,
    url: str,
    definitions: Mapping[str, str] | None,
    names: Mapping[str, str] | None,
) -> None:
    """Write an entry's strategies as controls and declare that they address the entry."""
    missing: list[str] = []
    triples, mappings = strategy_triples(
        STRATEGIES,
        entry.ident,
        url,
        entry.strategies,
        definitions=definitions,
        names=names,
        missing=missing,
    )
    result.triples += triples
    for mapping in mappings:
        result.declare(mapping)
    for ident in missing:
        reader.issue(entry.path, entry.line, f"no definition or name for strategy {ident}")


def _emit_entry(
    result: LoadResult,
    reader: Reader,
    entry: Entry,
    definitions: Mapping[str, str] | None,
    names: Mapping[str, str] | None = None,
) -> None:
    """Write one entry as a top concept of its edition's scheme."""
    edition = entry.edition
    concept = edition.namespace[entry.ident]
    _triple(result, concept, RDF_TYPE, SKOS["Concept"])
    _triple(result, concept, RDF_TYPE, MOSAIC["Vulnerability"])
    _triple(result, concept, SKOS["prefLabel"], literal_en(entry.name))
    if edition is EDITION_2025:
        _triple(result, concept, SKOS["altLabel"], literal_en(f"{entry.ident}:2025"))
    _triple(result, concept, SKOS["notation"], ox.Literal(entry.ident))
    _triple(result, concept, SKOS["inScheme"], edition.scheme)
    _triple(result, concept, SKOS["topConceptOf"], edition.scheme)
    _triple(result, edition.scheme, SKOS["hasTopConcept"], concept)
    url = edition.source_url(entry.ident, entry.name, entry.file_name)
    _triple(result, concept, DCTERMS["source"], ox.NamedNode(url))
    if entry.strategies:
        _emit_strategies(result, reader, entry, url, definitions, names)
    if definitions is None:
        if entry.description:
            _triple(result, concept, SKOS["definition"], literal_en(entry.description))
        for technique in entry.atlas:
            result.declare(
                DeclaredMapping(
                    concept,
                    SKOS["relatedMatch"],
                    ATLAS[technique],
                    source=url,
                    comment=f"listed under Related Frameworks and Taxonomies of {entry.ident}",
                )
            )
    elif entry.ident in definitions:
        _triple(result, concept, SKOS["definition"], literal_en(definitions[entry.ident]))
    else:
        reader.issue(
            entry.path, entry.line, f"no definition for {entry.ident} in the definitions file"
        )


def convert(
    path: str,
    *,
    definitions: Mapping[str, str] | None = None,
    edition: Edition | str | None = None,
    names: Mapping[str, str] | None = None,
) -> LoadResult:
    """Convert one edition's entry files into SKOS triples.

    Every bad file is reported and none stops the conversion: a missing or malformed title
    heading, a heading of the other edition, a duplicate id, or (with ``definitions``) an
    entry without a definition are issues; a missing Description heading or an ATLAS link
    whose text names another id are warnings.

    :param path: an edition folder (``2_0_vulns``, ``Archive/1_1_vulns``), one entry file, or
        the repository folder together with ``edition``.
    :param definitions: our own definitions by entry id, used to build the bundle; when None
        the upstream Description text is kept and the ATLAS links become declared
        ``skos:relatedMatch`` mappings (``LoadResult.mappings``).
    :param edition: "2025", "2023" or an :class:`Edition`; None recognises the edition from
        the title headings.
    :param names: our names of the 2025 strategies without a title (bundle), or None.
    :returns: the triples and every issue and warning found.
    """
    entries, reader = read_entries(path, edition=edition)
    result = LoadResult(source=str(path), format=FORMAT)
    chosen = EDITIONS[edition] if isinstance(edition, str) else edition
    found = chosen or (entries[0].edition if entries else None)
    if found is not None:
        _emit_scheme(result, found)
    if any(entry.strategies for entry in entries):
        result.triples += scheme_triples(STRATEGIES, LICENSE, SITE)
    for entry in entries:
        _emit_entry(result, reader, entry, definitions, names)
    if definitions is not None and entries:
        known = {entry.ident for entry in entries} | {
            f"{entry.ident}-M{s.number}" for entry in entries for s in entry.strategies
        }
        for extra in sorted(set(definitions) - known):
            reader.warn(
                result.source, None, f"definitions file has an entry for unknown id {extra}"
            )
    result.issues.extend(reader.issues)
    result.warnings.extend(reader.warnings)
    return result


def load_definitions(path: str | Path) -> dict[str, str]:
    """Read one of our definitions files: a mapping from entry id to a definition.

    :param path: the YAML file.
    :returns: the definitions, by entry id, with whitespace normalised.
    :raises ValueError: when the file is not a mapping of ids to non-empty strings.
    """
    with Path(path).open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of entry id to definition")
    definitions: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            raise ValueError(f"{path}: entry {key!r} is not an id with a non-empty definition")
        definitions[key] = " ".join(value.split())
    return definitions


def turtle_prefixes(edition: Edition, *, with_atlas: bool = False) -> dict[str, str]:
    """Return the CURIE prefixes used when writing an edition's Turtle.

    :param edition: the edition written.
    :param with_atlas: also declare ``atlas:`` (for a user's conversion with ATLAS links).
    :returns: prefix to namespace IRI.
    """
    prefixes = {edition.curie_prefix: edition.namespace.iri}
    if edition is EDITION_2025:
        prefixes[EDITION_2023.curie_prefix] = EDITION_2023.namespace.iri
    if with_atlas:
        prefixes["atlas"] = ATLAS.iri
    return prefixes


def build(root: str | Path, edition: Edition) -> tuple[LoadResult, Path]:
    """Convert one edition from the repository folder with our definitions.

    :param root: the upstream repository folder.
    :param edition: the edition to build.
    :returns: the result and the bundle file it belongs in.
    """
    folder = Path(root) / edition.folder
    definitions = load_definitions(edition.definitions_path)
    names = read_names(edition.data_dir / "names.yaml")
    result = convert(str(folder), definitions=definitions, edition=edition, names=names)
    return result, edition.bundle_path
