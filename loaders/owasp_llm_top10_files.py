"""The two editions of the LLM Top 10 and the reading of their entry files.

An entry file gives a title, a description and the ATLAS links it states; every problem is
recorded with its file and line, never raised. :mod:`mosaic.loaders.owasp_llm_top10` turns the
entries into SKOS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic import resources
from mosaic.loaders.issues import IssueCollector
from mosaic.loaders.llm_strategies import Strategy, read_strategies
from mosaic.rdf.vocab import (
    Namespace,
    concept_namespace,
)

REPOSITORY = "https://github.com/OWASP/www-project-top-10-for-large-language-model-applications"


DATA_ROOT = resources.bundle_dir()


MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")


LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")


HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")


RELATED_SECTION = "related frameworks and taxonomies"


ATLAS_TECHNIQUE_URL = re.compile(
    r"^https?://atlas\.mitre\.org/techniques/(?P<id>AML\.T\d{4}(?:\.\d{3})?)/?$"
)


ATLAS_ID = re.compile(r"AML\.T\d{4}(?:\.\d{3})?")


#: The title heading of an entry, in either edition's form.
TITLE_HEADING = re.compile(r"^##\s+(?P<id>LLM\d{2}):(?P<year>\d{4})?\s+(?P<name>\S.*?)\s*$")


#: Entry files: LLM01_*.md to LLM99_*.md (LLM00 is the preface, ``_template.md`` is skipped).
ENTRY_FILE = re.compile(r"^LLM(?!00)\d{2}_.*\.md$")


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
    strategies: list[Strategy] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        """The entry file's name, as in the upstream folder."""
        return self.path.name


class Reader(IssueCollector):
    """Collects issues and warnings while the entry files are read."""


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


def _description(reader: Reader, path: Path, lines: list[str], title_index: int, ident: str) -> str:
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


def _atlas_links(reader: Reader, path: Path, lines: list[str], ident: str) -> list[str]:
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


def read_entry(path: Path, reader: Reader, edition: Edition | None = None) -> Entry | None:
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
    strategies = read_strategies(lines) if found is EDITION_2025 else []
    if found is EDITION_2025 and not strategies:
        reader.warn(path, title_index + 1, f"{ident} has no Prevention and Mitigation Strategies")
    return Entry(ident, name, found, path, title_index + 1, description, atlas, strategies)


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
) -> tuple[list[Entry], Reader]:
    """Read every entry at ``path`` and check that they form one edition with unique ids.

    :param path: an entry file, an edition folder, or the repository folder (then ``edition``
        chooses the folder).
    :param edition: the edition (object or key "2025"/"2023"); None recognises it from the
        headings.
    :returns: the usable entries and the reader holding issues and warnings.
    """
    reader = Reader()
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
