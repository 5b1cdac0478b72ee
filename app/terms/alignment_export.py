"""Computed alignments as SSSOM TSV: the metadata block, the rows, and the signals as columns.

What ``mosaic align`` writes and ``GET /alignments?format=sssom`` returns; the candidates come
from :mod:`mosaic.terms.align`.
"""

from __future__ import annotations

import datetime
import io

import yaml

from mosaic import __version__
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.models import AlignmentSet

_MOSAIC = "https://w3id.org/mosaic/ontology#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Extension columns (SSSOM ``extension_definitions``): the signals and the curation status.
EXTENSIONS: list[tuple[str, str, str]] = [
    ("ir8477_relation", _MOSAIC + "ir8477Relation", _XSD + "string"),
    ("lexical_score", _MOSAIC + "lexicalScore", _XSD + "double"),
    ("semantic_score", _MOSAIC + "semanticScore", _XSD + "double"),
    ("structural_score", _MOSAIC + "structuralScore", _XSD + "double"),
    ("curation_status", _MOSAIC + "curationStatus", _XSD + "string"),
]
COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "comment",
    *(name for name, _, _ in EXTENSIONS),
]


def _clean(value: str) -> str:
    """A TSV cell: no tabs or line breaks."""
    return " ".join(value.split())


def _prefixes_used(index: LabelIndex, alignment: AlignmentSet) -> dict[str, str]:
    used = {
        curie.split(":", 1)[0]
        for item in alignment.items
        for curie in (item.subject_id, item.object_id)
        if ":" in curie and not curie.startswith(("http://", "https://"))
    }
    curie_map: dict[str, str] = {}
    for info in index.initiatives.values():
        if info.prefix in used:
            curie_map[info.prefix] = f"{index.base_iri}id/{info.id}/"
    for record in index.converter.records:
        if record.prefix in used:
            curie_map[record.prefix] = record.uri_prefix
    curie_map.update(
        {
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "semapv": "https://w3id.org/semapv/vocab/",
            "sssom": "https://w3id.org/sssom/",
            "mosaic": _MOSAIC,
            "initiative": f"{index.base_iri}initiative/",
        }
    )
    return dict(sorted(curie_map.items()))


def to_sssom_tsv(
    index: LabelIndex, alignment: AlignmentSet, *, today: datetime.date | None = None
) -> str:
    """The alignment as an SSSOM TSV document with its YAML metadata block.

    Per-signal scores, the IR 8477 relation and the curation status are extension columns
    declared in ``extension_definitions``; the signals are also summed up in ``comment`` for
    readers that drop extensions.

    :param index: the label index the alignment was computed on (for the prefix map).
    :param alignment: the computed alignment.
    :param today: the mapping date (default: today, UTC).
    :returns: the TSV text.
    """
    date = today or datetime.datetime.now(datetime.UTC).date()
    source, target = alignment.source, alignment.target
    metadata = {
        "curie_map": _prefixes_used(index, alignment),
        "mapping_set_id": f"{index.base_iri}mapping-set/candidates/{source}-{target}",
        "mapping_set_title": f"Candidate mappings from {source} to {target} (MOSAIC align)",
        "mapping_set_description": (
            "Computed, unreviewed candidates of the learned ranker (TF-IDF and "
            f"{alignment.semantic_model} features, trained on reviewed mappings); confidence "
            f"is its match probability times the candidate's share, at least "
            f"{alignment.min_score}; sssom:NoTermFound rows: no counterpart found."
        ),
        "license": "https://w3id.org/sssom/license/unspecified",
        "mapping_tool": "MOSAIC align",
        "mapping_tool_version": __version__,
        "mapping_date": date.isoformat(),
        "subject_source": f"initiative:{source}",
        "object_source": f"initiative:{target}",
        "extension_definitions": [
            {"slot_name": name, "property": prop, "type_hint": hint}
            for name, prop, hint in EXTENSIONS
        ],
    }
    block = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=100)
    out = io.StringIO()
    for line in block.splitlines():
        out.write(f"# {line}\n")
    out.write("\t".join(COLUMNS) + "\n")
    for item in alignment.items:
        signals = item.signals
        structural = "" if signals.structural is None else f"{signals.structural:.4f}"
        comment = (
            f"lexical {signals.lexical:.2f}, semantic {signals.semantic:.2f}, structural "
            f"{structural[:4] or 'n/a'}; {item.status}"
            + (f" as {item.curated_predicate}" if item.curated_predicate else "")
            + "".join(f"; {reason}" for reason in item.reasons)
        )
        cells = [
            item.subject_id,
            item.subject_label,
            item.predicate_id,
            item.object_id,
            item.object_label,
            item.mapping_justification,
            f"{item.confidence:.4f}",
            comment,
            item.relation,
            f"{signals.lexical:.4f}",
            f"{signals.semantic:.4f}",
            structural,
            item.status,
        ]
        out.write("\t".join(_clean(cell) for cell in cells) + "\n")
    return out.getvalue()
