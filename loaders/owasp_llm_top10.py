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

Run ``python -m mosaic.loaders.owasp_llm_top10 <repository folder>`` to regenerate both bundled
files.
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
from mosaic.rdf.vocab import (
    DCTERMS,
    MOSAIC,
    OWL,
    PROV,
    RDF_TYPE,
    SKOS,
    Namespace,
    concept_namespace,
    initiative_iri,
)

FORMAT = "owasp-llm-top10-markdown"
PUBLISHER = "OWASP Foundation"
LICENSE = ox.NamedNode("https://creativecommons.org/licenses/by-sa/4.0/")
SITE = "https://genai.owasp.org/llm-top-10/"
REPOSITORY = "https://github.com/OWASP/www-project-top-10-for-large-language-model-applications"
ATLAS = concept_namespace("mitre-atlas")
DATA_ROOT = resources.bundle_dir()


@dataclass(frozen=True)
class Edition:
    """What differs between the two editions: ids, folder, version and page addresses."""

    key: str
    initiative_id: str
    curie_prefix: str
    folder: str
    version: str
    title: str

    @property
    def namespace(self) -> Namespace:
        """The namespace of this edition's concept IRIs."""
        return concept_namespace(self.initiative_id)

    @property
    def scheme(self) -> ox.NamedNode:
        """The IRI of this edition's concept scheme."""
        return self.namespace["scheme"]

    @property
    def data_dir(self) -> Path:
        """The folder of the bundled files of this edition."""
        return DATA_ROOT / self.initiative_id

    @property
    def definitions_path(self) -> Path:
        """Our own definitions of this edition's entries."""
        return self.data_dir / "definitions.yaml"

    @property
    def bundle_path(self) -> Path:
        """The bundled Turtle file of this edition."""
        return self.data_dir / f"{self.initiative_id}.ttl"

    def source_url(self, ident: str, name: str, file_name: str) -> str:
        """Return the public page of one entry.

        The 2025 entries have pages on genai.owasp.org named after id, year and name
        (``llm022025-sensitive-information-disclosure``); the 1.1 pages there follow no single
        rule, so 2023 entries point at their file in the GitHub repository.
        """
        if self.key == "2025":
            slug = "-".join(re.findall(r"[a-z0-9]+", name.lower()))
            return f"https://genai.owasp.org/llmrisk/{ident.lower()}2025-{slug}/"
        return f"{REPOSITORY}/blob/main/{self.folder}/{file_name}"


EDITION_2025 = Edition(
    key="2025",
    initiative_id="owasp-llm-top10-2025",
    curie_prefix="llm2025",
    folder="2_0_vulns",
    version="2025",
    title="OWASP Top 10 for LLM Applications 2025",
)
EDITION_2023 = Edition(
    key="2023",
    initiative_id="owasp-llm-top10-2023",
    curie_prefix="llm2023",
    folder="Archive/1_1_vulns",
    version="1.1",
    title="OWASP Top 10 for LLM Applications 2023",
)
EDITIONS: dict[str, Edition] = {"2025": EDITION_2025, "2023": EDITION_2023}

#: Entry files: LLM01_*.md to LLM99_*.md (LLM00 is the preface, ``_template.md`` is skipped).
ENTRY_FILE = re.compile(r"^LLM(?!00)\d{2}_.*\.md$")
#: The title heading of an entry, in either edition's form.
TITLE_HEADING = re.compile(r"^##\s+(?P<id>LLM\d{2}):(?P<year>\d{4})?\s+(?P<name>\S.*?)\s*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")
ATLAS_TECHNIQUE_URL = re.compile(
    r"^https?://atlas\.mitre\.org/techniques/(?P<id>AML\.T\d{4}(?:\.\d{3})?)/?$"
)
ATLAS_ID = re.compile(r"AML\.T\d{4}(?:\.\d{3})?")
RELATED_SECTION = "related frameworks and taxonomies"
LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")


@dataclass
class Entry:
    """One entry of the list as read from its file."""

    ident: str
    name: str
    edition: Edition
    path: Path
    line: int
    description: str
    atlas: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        """The entry file's name, as in the upstream folder."""
        return self.path.name


@dataclass
class _Reader:
    """Collects issues and warnings while the entry files are read."""

    issues: list[LoadIssue] = field(default_factory=list)
    warnings: list[LoadIssue] = field(default_factory=list)

    def issue(self, source: Path | str, line: int | None, message: str) -> None:
        """Record an error: the entry (or the file) cannot be used."""
        self.issues.append(LoadIssue(str(source), line, None, message, stage="convert"))

    def warn(self, source: Path | str, line: int | None, message: str) -> None:
        """Record a harmless problem: the entry is converted anyway."""
        self.warnings.append(LoadIssue(str(source), line, None, message, stage="convert"))


def _plain(markdown: str) -> str:
    """Markdown text as plain prose: links become their text, emphasis marks go.

    Paragraphs stay separated by a blank line and list items keep a line each, so a user's
    converted copy still reads like the original.
    """
    text = MD_LINK.sub(lambda m: m.group("text"), markdown)
    text = re.sub(r"(\*\*|__|`)", "", text)
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        items: list[str] = []
        for line in block.splitlines():
            words = " ".join(line.split())
            if not words:
                continue
            if items and not LIST_ITEM.match(words):
                items[-1] = f"{items[-1]} {words}"
            else:
                items.append(words)
        if items:
            paragraphs.append("\n".join(items))
    return "\n\n".join(paragraphs)


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """List the (0-based line, level, text) of every Markdown heading."""
    found: list[tuple[int, int, str]] = []
    for index, line in enumerate(lines):
        match = HEADING.match(line)
        if match:
            found.append((index, len(match.group("hashes")), match.group("text")))
    return found


def _description(
    reader: _Reader, path: Path, lines: list[str], title_index: int, ident: str
) -> str:
    """Return the entry's description: the text of its Description section.

    Some files (1.1 LLM02) omit the ``### Description`` heading; then the text between the
    title and the first section is used, with a warning.
    """
    headings = [h for h in _headings(lines) if h[0] > title_index]
    start = title_index + 1
    end = len(lines)
    described = [h for h in headings if h[2].strip().lower() == "description"]
    if described and (not headings or described[0] is headings[0]):
        start = described[0][0] + 1
        later = [h for h in headings if h[0] > described[0][0] and h[1] <= described[0][1]]
        end = later[0][0] if later else end
    else:
        end = headings[0][0] if headings else end
        reader.warn(
            path,
            title_index + 1,
            f"{ident} has no '### Description' heading; the text before the first section is used",
        )
    return _plain("\n".join(lines[start:end]))


def _atlas_links(reader: _Reader, path: Path, lines: list[str], ident: str) -> list[str]:
    """ATLAS technique ids linked from the "Related Frameworks and Taxonomies" section.

    The link target is what counts; a link text naming another id is reported.
    """
    headings = _headings(lines)
    found: list[str] = []
    for position, (index, level, text) in enumerate(headings):
        if text.strip().lower() != RELATED_SECTION:
            continue
        later = [h for h in headings[position + 1 :] if h[1] <= level]
        end = later[0][0] if later else len(lines)
        for number in range(index + 1, end):
            for link in MD_LINK.finditer(lines[number]):
                target = ATLAS_TECHNIQUE_URL.match(link.group("url"))
                if target is None:
                    continue
                technique = target.group("id")
                named = ATLAS_ID.search(link.group("text"))
                if named is not None and named.group(0) != technique:
                    reader.warn(
                        path,
                        number + 1,
                        f"{ident}: link text names {named.group(0)} but the link points to "
                        f"{technique}; the link target is used",
                    )
                if technique not in found:
                    found.append(technique)
    return found


def read_entry(path: Path, reader: _Reader, edition: Edition | None = None) -> Entry | None:
    """Read one entry file; report a bad title heading instead of guessing.

    :param path: the Markdown file of one entry.
    :param reader: collects the issues and warnings.
    :param edition: the expected edition, or None to recognise it from the heading.
    :returns: the entry, or None when the file has no usable title heading.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reader.issue(path, None, f"cannot read the file: {exc}")
        return None
    title_index = next((i for i, line in enumerate(lines) if line.startswith("## ")), None)
    if title_index is None:
        reader.issue(path, None, "no '## LLMnn: Name' title heading")
        return None
    match = TITLE_HEADING.match(lines[title_index])
    if match is None:
        reader.issue(
            path,
            title_index + 1,
            f"title heading {lines[title_index].strip()!r} is not of the form "
            "'## LLMnn:YYYY Name' or '## LLMnn: Name'",
        )
        return None
    ident, year, name = match.group("id"), match.group("year"), match.group("name")
    found = EDITION_2025 if year == "2025" else EDITION_2023 if year is None else None
    if found is None:
        reader.issue(path, title_index + 1, f"{ident}: unknown edition year {year}")
        return None
    if edition is not None and found is not edition:
        reader.issue(
            path,
            title_index + 1,
            f"{ident}: the heading is of the {found.key} edition, expected {edition.key}",
        )
        return None
    if not path.name.startswith(f"{ident}_"):
        reader.warn(path, title_index + 1, f"file name does not start with the id {ident}")
    description = _description(reader, path, lines, title_index, ident)
    if not description:
        reader.warn(path, title_index + 1, f"{ident} has an empty description")
    atlas = _atlas_links(reader, path, lines, ident)
    return Entry(ident, name, found, path, title_index + 1, description, atlas)


def _entry_files(path: Path, edition: Edition | None) -> list[Path]:
    """List the entry files at ``path``: one file, an edition folder or the repository folder."""
    if path.is_file():
        return [path]
    folder = path
    if edition is not None and (path / edition.folder).is_dir():
        folder = path / edition.folder
    return sorted(p for p in folder.iterdir() if p.is_file() and ENTRY_FILE.match(p.name))


def read_entries(
    path: str | Path, *, edition: Edition | str | None = None
) -> tuple[list[Entry], _Reader]:
    """Read every entry at ``path`` and check that they form one edition with unique ids.

    :param path: an entry file, an edition folder, or the repository folder (then ``edition``
        chooses the folder).
    :param edition: the edition (object or key "2025"/"2023"); None recognises it from the
        headings.
    :returns: the usable entries and the reader holding issues and warnings.
    """
    reader = _Reader()
    chosen = EDITIONS[edition] if isinstance(edition, str) else edition
    source = Path(path)
    if not source.exists():
        reader.issue(source, None, "no such file or folder")
        return [], reader
    if chosen is None and source.is_dir() and (source / EDITION_2025.folder).is_dir():
        reader.issue(
            source, None, "the repository folder holds both editions; pass edition '2025' or '2023'"
        )
        return [], reader
    files = _entry_files(source, chosen)
    if not files:
        reader.issue(source, None, "no LLMnn_*.md entry files found")
        return [], reader
    entries: list[Entry] = []
    seen: dict[str, Entry] = {}
    for file in files:
        entry = read_entry(file, reader, chosen)
        if entry is None:
            continue
        if chosen is None:
            chosen = entry.edition
        if entry.ident in seen:
            first = seen[entry.ident]
            reader.issue(
                file, entry.line, f"duplicate id {entry.ident} (also in {first.file_name})"
            )
            continue
        seen[entry.ident] = entry
        entries.append(entry)
    return entries, reader


def declared_atlas_links(path: str | Path) -> dict[str, list[str]]:
    """Return the ATLAS technique ids each entry lists under "Related Frameworks and Taxonomies".

    Meant for building the curated LLM Top 10 to ATLAS mapping set; entries without links map
    to an empty list.

    :param path: an entry file or an edition folder.
    :returns: technique ids by entry id (``LLM01``), in the order of the upstream links.
    """
    entries, _reader = read_entries(path)
    return {entry.ident: list(entry.atlas) for entry in entries}


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


def _emit_entry(
    result: LoadResult,
    reader: _Reader,
    entry: Entry,
    definitions: Mapping[str, str] | None,
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
    :returns: the triples and every issue and warning found.
    """
    entries, reader = read_entries(path, edition=edition)
    result = LoadResult(source=str(path), format=FORMAT)
    chosen = EDITIONS[edition] if isinstance(edition, str) else edition
    found = chosen or (entries[0].edition if entries else None)
    if found is not None:
        _emit_scheme(result, found)
    for entry in entries:
        _emit_entry(result, reader, entry, definitions)
    if definitions is not None and entries:
        for extra in sorted(set(definitions) - {entry.ident for entry in entries}):
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
    return convert(str(folder), definitions=definitions, edition=edition), edition.bundle_path


def main(argv: list[str] | None = None) -> int:
    """Regenerate both bundled Turtle files from an upstream copy and our definitions.

    :param argv: command-line arguments (without the program name): the repository folder.
    :returns: 0 on success, 1 when the upstream had errors, 2 on bad usage.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m mosaic.loaders.owasp_llm_top10 UPSTREAM_REPOSITORY\n")
        return 2
    status = 0
    for edition in (EDITION_2025, EDITION_2023):
        result, output = build(args[0], edition)
        for warning in result.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        for issue in result.issues:
            sys.stderr.write(f"error: {issue}\n")
        if result.issues:
            sys.stderr.write(f"{len(result.issues)} error(s); {output} not written\n")
            status = 1
            continue
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(triples_to_turtle(result.triples, turtle_prefixes(edition)), "utf-8")
        concepts = sum(1 for t in result.triples if t.predicate == SKOS["inScheme"])
        sys.stdout.write(f"wrote {output}: {concepts} concepts, {len(result.triples)} triples\n")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
