"""The OWASP agentic exploits and incidents tracker as incidents linked to the 2026 threats.

The tracker (``ASI_Agentic_Exploits_Incidents.md``) is one Markdown table: date (a month),
name, impact summary, the "ASI T&M Mapping" column (``ASI05 (Unexpected Code Execution (RCE))``
entries of the Top 10 for Agentic Applications 2026) and links to further analysis. Each row
becomes a ``mosaic:Incident`` of the collection ``asi:incidents`` (``docs/data-model.md``,
"Incidents"), ``mosaic:involves`` the 2026 entries its mapping names. The tracker has no ids, so
an incident's local id is ``incident-{yyyy-mm}-{slug of its name}``. The summary is ours
(``definitions.yaml``, keyed by that id) in the bundle, the tracker's own in a user's copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic.loaders.base import literal_en
from mosaic.rdf.vocab import DCTERMS, MOSAIC, RDF_TYPE, RDFS, XSD, Namespace, initiative_iri

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
DATE = re.compile(r"^(?P<month>[A-Za-z]{3})[a-z]*\.?\s+(?P<year>\d{4})$")
MAPPED_ID = re.compile(r"\bASI(?P<number>\d{2})\b")
LINK = re.compile(r"\]\((?P<url>https?://[^)\s]+)\)")
HEADER_NAMES = ("date", "exploit / incident", "impact summary", "asi t&m mapping")

#: ``report(line, message)``: an issue or a warning of the conversion.
Report = Callable[[int | None, str], None]


@dataclass
class TrackedIncident:
    """One row of the tracker."""

    line: int
    month: str
    name: str
    summary: str
    threats: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def local_id(self) -> str:
        """``incident-2025-12-claude-skills-ransomware-deployment``."""
        slug = "-".join(re.findall(r"[a-z0-9]+", self.name.lower()))
        return f"incident-{self.month}-{slug}"


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _unbold(text: str) -> str:
    return " ".join(re.sub(r"(\*\*|__)", "", text).split())


def read_tracker(path: Path, issue: Report) -> list[TrackedIncident]:
    """Every row of the tracker's table, in order; a bad row is reported and skipped.

    Rows with the wrong number of columns or no ``ASInn`` entry are skipped without a word:
    the converter's reading of the 2026 names (``mosaic.loaders.owasp_agentic``) reports
    them already.

    :param path: the tracker file.
    :param issue: reports a row that cannot be an incident (a date that is no month, no name).
    """
    rows: list[TrackedIncident] = []
    header: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            if header is not None and line.strip():
                break
            continue
        cells = _cells(line)
        if header is None:
            lowered = [c.lower() for c in cells]
            if all(name in " ".join(lowered) for name in HEADER_NAMES):
                header = lowered
            continue
        if all(re.fullmatch(r":?-*:?", c) for c in cells):
            continue
        if len(cells) != len(header):
            continue
        date = DATE.match(_unbold(cells[0]))
        month = MONTHS.get(date["month"].lower()) if date else None
        name = _unbold(cells[1])
        if date is None or month is None:
            issue(number, f"date {cells[0]!r} is not a month and year")
            continue
        if not name:
            issue(number, "no incident name")
            continue
        threats = list(dict.fromkeys(f"ASI{m['number']}" for m in MAPPED_ID.finditer(cells[3])))
        if not threats:
            continue
        links = list(dict.fromkeys(m["url"] for m in LINK.finditer(cells[4])))
        month_text = f"{date['year']}-{month:02d}"
        rows.append(TrackedIncident(number, month_text, name, _unbold(cells[2]), threats, links))
    if header is None:
        issue(None, "no table with the columns Date, Exploit / Incident, ASI T&M Mapping")
    return rows


def incident_triples(
    rows: list[TrackedIncident],
    *,
    ns: Namespace,
    initiative_id: str,
    tracker_url: str,
    license: str,
    summaries: Mapping[str, str] | None,
    known: set[str],
    issue: Report,
) -> list[ox.Triple]:
    """The collection and its incidents.

    :param known: the local ids of the 2026 entries converted (``ASI01``...).
    :param summaries: our summaries by local id (bundle), or None to keep the tracker's.
    """
    collection = ns["incidents"]
    triples = [
        ox.Triple(collection, RDF_TYPE, MOSAIC["IncidentCollection"]),
        ox.Triple(collection, DCTERMS["title"], literal_en("ASI Agentic Exploits & Incidents")),
        ox.Triple(collection, DCTERMS["publisher"], ox.Literal("OWASP Foundation")),
        ox.Triple(collection, DCTERMS["license"], ox.NamedNode(license)),
        ox.Triple(collection, DCTERMS["source"], ox.NamedNode(tracker_url)),
        ox.Triple(collection, MOSAIC["initiative"], initiative_iri(initiative_id)),
    ]
    seen: set[str] = set()
    for row in rows:
        ident = row.local_id
        if ident in seen:
            issue(row.line, f"{row.name} ({row.month}) is listed twice")
            continue
        seen.add(ident)
        summary = row.summary if summaries is None else summaries.get(ident)
        if not summary:
            issue(row.line, f"no summary for {ident} in the definitions file")
            continue
        incident = ns[ident]
        triples += [
            ox.Triple(incident, RDF_TYPE, MOSAIC["Incident"]),
            ox.Triple(incident, DCTERMS["isPartOf"], collection),
            ox.Triple(incident, DCTERMS["identifier"], ox.Literal(ident)),
            ox.Triple(incident, RDFS["label"], literal_en(row.name)),
            ox.Triple(incident, DCTERMS["description"], literal_en(summary)),
            ox.Triple(incident, DCTERMS["date"], ox.Literal(row.month, datatype=XSD["gYearMonth"])),
            ox.Triple(incident, DCTERMS["source"], ox.NamedNode(tracker_url)),
        ]
        triples += [ox.Triple(incident, DCTERMS["references"], ox.NamedNode(u)) for u in row.links]
        # An id the 2026 list does not have is reported with the names (owasp_agentic).
        triples += [
            ox.Triple(incident, MOSAIC["involves"], ns[threat])
            for threat in row.threats
            if threat in known
        ]
    return triples
