"""MITRE ATLAS case studies as incidents (``case-studies`` of ``dist/ATLAS.yaml``).

Each case study becomes a ``mosaic:Incident`` in the ATLAS graph, part of the collection
``atlas:case-studies`` (``docs/data-model.md``, "Incidents"): its id, name, date at the
granularity ATLAS gives, target, actor, reporter, type (incident or exercise), reference URLs,
and ``mosaic:involves`` every technique and tactic of its procedure. The summary is ours
(``definitions.yaml``, keyed by the case-study id) when the bundle is built, ATLAS's own when a
user converts their copy; the narrative of each procedure step is not kept.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox
import yaml

from mosaic.loaders.base import literal_en
from mosaic.rdf.vocab import DCTERMS, MOSAIC, RDF_TYPE, RDFS, XSD, Namespace, initiative_iri

#: The ATLAS site's page of a case study.
STUDIES_PAGE = "https://atlas.mitre.org/studies"
CASE_STUDY_ID = re.compile(r"^AML\.CS\d{4}$")
#: ``incident-date-granularity`` -> (characters of the ISO date kept, XSD datatype).
GRANULARITY = {"DATE": (10, "date"), "MONTH": (7, "gYearMonth"), "YEAR": (4, "gYear")}
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")

#: ``report(line, message)``: an issue or a warning of the conversion.
Report = Callable[[int | None, str], None]


def case_study_lines(text: str) -> dict[int, int]:
    """The 1-based line where each case study of the document starts, by position."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = yaml.compose(text, Loader=loader)
    lines: dict[int, int] = {}
    if root is None or getattr(root, "id", None) != "mapping":
        return lines
    for key, value in root.value:
        if getattr(key, "value", None) == "case-studies" and getattr(value, "id", None) == (
            "sequence"
        ):
            for index, node in enumerate(value.value):
                lines[index] = node.start_mark.line + 1
    return lines


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _date(value: object, granularity: object) -> ox.Literal | None:
    """The incident date at its granularity, or None when it is no date."""
    text = value.isoformat() if isinstance(value, datetime.date) else _text(value)
    if text is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text) is None:
        return None
    length, datatype = GRANULARITY.get(str(granularity).upper(), GRANULARITY["DATE"])
    return ox.Literal(text[:length], datatype=XSD[datatype])


def collection_triples(ns: Namespace, publisher: str, license: ox.NamedNode) -> list[ox.Triple]:
    """The incident collection of the ATLAS case studies."""
    collection = ns["case-studies"]
    return [
        ox.Triple(collection, RDF_TYPE, MOSAIC["IncidentCollection"]),
        ox.Triple(collection, DCTERMS["title"], literal_en("MITRE ATLAS case studies")),
        ox.Triple(collection, DCTERMS["publisher"], ox.Literal(publisher)),
        ox.Triple(collection, DCTERMS["license"], license),
        ox.Triple(collection, DCTERMS["source"], ox.NamedNode(STUDIES_PAGE)),
        ox.Triple(collection, MOSAIC["initiative"], initiative_iri("mitre-atlas")),
    ]


def case_study_triples(
    study: Mapping[str, Any],
    *,
    ns: Namespace,
    known: Mapping[str, str],
    summaries: Mapping[str, str] | None,
    line: int | None,
    issue: Report,
    warn: Report,
) -> list[ox.Triple]:
    """The triples of one case study, or none when it cannot be used (reported).

    :param study: the YAML record.
    :param ns: the ATLAS concept namespace.
    :param known: the section (``tactics``, ``techniques``) of every ATLAS id converted.
    :param summaries: our summaries by case-study id, or None to keep ATLAS's own.
    :param line: where the record starts, for messages.
    :param issue: reports an error (no id, no name, no summary of ours).
    :param warn: reports a harmless problem (an unknown technique, a bad date or URL).
    """
    ident, name = _text(study.get("id")), _text(study.get("name"))
    if ident is None or not CASE_STUDY_ID.match(ident):
        issue(line, f"case study {ident or name or '?'!r} has no usable id")
        return []
    if name is None:
        issue(line, f"case study {ident} has no name")
        return []
    incident = ns[ident]
    triples = [
        ox.Triple(incident, RDF_TYPE, MOSAIC["Incident"]),
        ox.Triple(incident, DCTERMS["isPartOf"], ns["case-studies"]),
        ox.Triple(incident, DCTERMS["identifier"], ox.Literal(ident)),
        ox.Triple(incident, RDFS["label"], literal_en(name)),
        ox.Triple(incident, DCTERMS["source"], ox.NamedNode(f"{STUDIES_PAGE}/{ident}")),
    ]
    summary = _text(study.get("summary")) if summaries is None else summaries.get(ident)
    if summary is not None:
        triples.append(ox.Triple(incident, DCTERMS["description"], literal_en(summary)))
    elif summaries is not None:
        issue(line, f"no summary for case study {ident} in the definitions file")
    date = _date(study.get("incident-date"), study.get("incident-date-granularity"))
    if date is None:
        warn(line, f"{ident}: incident-date {study.get('incident-date')!r} is not a date")
    else:
        triples.append(ox.Triple(incident, DCTERMS["date"], date))
    for key, prop in (
        ("target", "target"),
        ("actor", "actor"),
        ("reporter", "reporter"),
        ("case-study-type", "incidentType"),
    ):
        value = _text(study.get(key))
        if value is not None:
            triples.append(ox.Triple(incident, MOSAIC[prop], ox.Literal(value)))
    for reference in study.get("references") or []:
        url = _text(reference.get("url")) if isinstance(reference, dict) else None
        if url is not None and URL.match(url):
            triples.append(ox.Triple(incident, DCTERMS["references"], ox.NamedNode(url)))
        elif url is not None:
            warn(line, f"{ident}: reference {url!r} is not a web address")
    involved = _procedure(study, ident, known, line, warn)
    triples += [ox.Triple(incident, MOSAIC["involves"], ns[i]) for i in involved]
    return triples


def _procedure(
    study: Mapping[str, Any], ident: str, known: Mapping[str, str], line: int | None, warn: Report
) -> list[str]:
    """The tactics and techniques of a case study's procedure, each once, in order."""
    procedure = study.get("procedure")
    if not isinstance(procedure, list) or not procedure:
        warn(line, f"{ident} has no procedure")
        return []
    involved: dict[str, None] = {}
    for step in procedure:
        if not isinstance(step, dict):
            warn(line, f"{ident}: a procedure step is not a mapping")
            continue
        for key, section in (("tactic", "tactics"), ("technique", "techniques")):
            value = _text(step.get(key))
            if value is None:
                continue
            if known.get(value) != section:
                warn(line, f"{ident}: procedure names unknown {key} {value}")
                continue
            involved[value] = None
    return list(involved)
