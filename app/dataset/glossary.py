"""The CSV glossary format: the simplest way for a maintainer to publish a vocabulary.

One row per concept, with a header row naming these columns (order free, extra columns refused):

============  ========  ==============================================================
column        required  meaning
============  ========  ==============================================================
notation      yes       the initiative's identifier of the concept (``LLM01``)
pref_label    yes       the preferred label
alt_labels    no        synonyms and abbreviations, separated by ``|``
definition    no        the definition, in the row's language
broader       no        the notation of the parent concept (a row of the same file)
kind          no        threat, attack-technique, tactic, vulnerability, control,
                        requirement, asset, lifecycle-stage, principle,
                        application-area or term (default)
source_url    no        the http(s) page the concept comes from
language      no        BCP 47 tag of the labels and definition (default ``en``)
============  ========  ==============================================================

Concept IRIs are minted as ``{base}id/{initiative}/{notation}`` (see docs/data-model.md). Every
bad row is reported with its line number; one bad row makes the whole file fail.
"""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox

from mosaic.errors import LoadIssue
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, RDF_TYPE, SKOS, concept_namespace

COLUMNS = (
    "notation",
    "pref_label",
    "alt_labels",
    "definition",
    "broader",
    "kind",
    "source_url",
    "language",
)
REQUIRED = ("notation", "pref_label")
MEDIA_TYPE = "text/csv"

_SAFE_LOCAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def local_id(notation: str) -> str:
    """The IRI path segment for a notation: itself when IRI-safe, else a lowercase slug.

    >>> local_id("AML.T0051")
    'AML.T0051'
    >>> local_id("LLM01:2025 Prompt Injection")
    'llm01-2025-prompt-injection'
    """
    if _SAFE_LOCAL_ID.match(notation):
        return notation
    return re.sub(r"[^a-z0-9]+", "-", notation.lower()).strip("-")


def parse_csv_glossary(
    data: bytes, *, initiative_id: str, base_iri: str, source: str = "<input>"
) -> LoadResult:
    """Read a CSV glossary into SKOS triples for one initiative.

    :param data: the CSV file (UTF-8, optionally with a byte-order mark).
    :param initiative_id: the initiative whose concepts these are (used to mint IRIs).
    :param base_iri: the configured base IRI.
    :param source: the file name used in issues.
    :returns: the triples and every issue found.
    """
    result = LoadResult(source=source, format=MEDIA_TYPE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.issues.append(LoadIssue(source, None, None, f"not UTF-8: {exc}"))
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [column for column in REQUIRED if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s) {', '.join(unknown)}")
        result.issues.append(
            LoadIssue(source, 1, None, "; ".join(problems) + f" (expected {', '.join(COLUMNS)})")
        )
        return result

    ns = concept_namespace(initiative_id, base_iri)
    scheme = ns["scheme"]
    rows: dict[str, tuple[int, dict[str, str]]] = {}
    for row in reader:
        line = reader.line_num
        values = {key: (value or "").strip() for key, value in row.items() if key is not None}
        if None in row:
            result.issues.append(LoadIssue(source, line, None, "more cells than columns"))
            continue
        row_issues = _check_row(values, source, line)
        notation = values.get("notation", "")
        if notation and notation in rows:
            first_line = rows[notation][0]
            row_issues.append(
                LoadIssue(
                    source, line, None, f"duplicate notation {notation!r} (line {first_line})"
                )
            )
        result.issues.extend(row_issues)
        if not row_issues:
            rows[notation] = (line, values)

    triples = result.triples
    triples.append(ox.Triple(scheme, RDF_TYPE, SKOS["ConceptScheme"]))
    triples.append(
        ox.Triple(
            scheme, MOSAIC["initiative"], ox.NamedNode(f"{base_iri}initiative/{initiative_id}")
        )
    )
    for notation, (line, values) in rows.items():
        concept = ns[local_id(notation)]
        language = values.get("language") or "en"
        kind = values.get("kind") or "term"
        triples += [
            ox.Triple(concept, RDF_TYPE, SKOS["Concept"]),
            ox.Triple(concept, RDF_TYPE, KINDS[kind]),
            ox.Triple(
                concept, SKOS["prefLabel"], ox.Literal(values["pref_label"], language=language)
            ),
            ox.Triple(concept, SKOS["notation"], ox.Literal(notation)),
            ox.Triple(concept, SKOS["inScheme"], scheme),
        ]
        for alt in filter(None, (a.strip() for a in values.get("alt_labels", "").split("|"))):
            triples.append(ox.Triple(concept, SKOS["altLabel"], ox.Literal(alt, language=language)))
        if values.get("definition"):
            definition = ox.Literal(values["definition"], language=language)
            triples.append(ox.Triple(concept, SKOS["definition"], definition))
        if values.get("source_url"):
            triples.append(
                ox.Triple(concept, DCTERMS["source"], ox.NamedNode(values["source_url"]))
            )
        parent = values.get("broader", "")
        if not parent:
            triples.append(ox.Triple(concept, SKOS["topConceptOf"], scheme))
            triples.append(ox.Triple(scheme, SKOS["hasTopConcept"], concept))
        elif parent in rows:
            parent_iri = ns[local_id(parent)]
            triples.append(ox.Triple(concept, SKOS["broader"], parent_iri))
            triples.append(ox.Triple(parent_iri, SKOS["narrower"], concept))
        else:
            result.issues.append(
                LoadIssue(source, line, None, f"broader {parent!r} is not a notation of this file")
            )
    return result


def _check_row(values: dict[str, str], source: str, line: int) -> list[LoadIssue]:
    """Every problem of one row."""
    issues = [
        LoadIssue(source, line, None, f"empty {column}")
        for column in REQUIRED
        if not values.get(column)
    ]
    kind = values.get("kind", "")
    if kind and kind not in KINDS:
        issues.append(
            LoadIssue(source, line, None, f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
        )
    url = values.get("source_url", "")
    if url and (
        not url.startswith(("http://", "https://")) or any(c in url for c in ' <>"{}|\\^`')
    ):
        issues.append(LoadIssue(source, line, None, f"source_url {url!r} is not an http(s) URL"))
    language = values.get("language", "")
    if language and not _LANGUAGE.match(language):
        issues.append(LoadIssue(source, line, None, f"invalid language tag {language!r}"))
    return issues
