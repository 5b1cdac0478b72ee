"""A guidance answer as CSV: one line per member of a row and per statement behind it.

A spreadsheet user filters and pivots, so every line carries its row (the sense), the member's
initiative, concept and how it was reached, and one provenance record; a member stated by two
records gets two lines. Requirements and obligations of a row are joined with ``; `` in the
line of each member, so a line reads on its own.
"""

from __future__ import annotations

import csv
import io

from mosaic.guidance.models import GuidanceAnswer, Member, Provenance, Row

MEDIA_TYPE = "text/csv"
COLUMNS = (
    "subject_sense",
    "subject_label",
    "row_sense",
    "row_label",
    "initiative",
    "concept",
    "label",
    "kind",
    "reached",
    "addresses",
    "said_by",
    "provenance",
    "mapping_set",
    "statement",
    "confidence",
    "comment",
    "source",
    "gap_in",
    "verified_by",
    "obligations",
)


def _cells(
    answer: GuidanceAnswer, row: Row, member: Member, record: Provenance | None
) -> list[str]:
    statement = "" if record is None else f"{record.subject} {record.predicate} {record.object}"
    return [
        answer.sense,
        answer.label,
        row.sense,
        row.label,
        member.initiative or "",
        member.curie or member.iri,
        member.label,
        member.kind,
        member.reached,
        "; ".join(member.addresses),
        "" if record is None else record.by,
        "" if record is None else record.kind,
        "" if record is None or record.mapping_set is None else record.mapping_set,
        statement,
        "" if record is None or record.confidence is None else f"{record.confidence:g}",
        "" if record is None or record.comment is None else record.comment,
        "" if record is None or record.source is None else record.source,
        "; ".join(row.gaps),
        "; ".join(r.curie or r.iri for r in row.verified_by),
        "; ".join(r.curie or r.iri for r in row.obligations),
    ]


def to_csv(answer: GuidanceAnswer) -> str:
    """The answer as CSV text (RFC 4180, a header line, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in answer.rows:
        for member in row.members:
            records: list[Provenance | None] = list(member.provenance) or [None]
            for record in records:
                writer.writerow(_cells(answer, row, member, record))
    return out.getvalue()
