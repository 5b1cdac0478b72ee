"""The threat → control links an initiative states itself, and their bundled declared set.

Every converter that reads "control C addresses threat T" from an initiative's own files (ATLAS
mitigations, the AI Exchange periodic table, CoSAI controls, the LLM Top 10 strategies, the
agentic mitigations, AISVS chapter references) returns it as a
:class:`~mosaic.rdf.source.DeclaredMapping` with the predicate ``mosaic:mitigates``, never as a
vocabulary triple. :mod:`mosaic.dataset.declared` turns them into the initiative's declared mapping
set, so the triple always sits beside an SSSOM record saying who states it
(``docs/data-model.md``, "Threats and the controls that address them").

The bundle build writes that set to ``loaders/data/{id}/{id}-declared.ttl``; seeding loads it
into ``{base}graph/mappings/{id}-declared``, the graph ``mosaic load --from`` replaces.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from mosaic.dataset.declared import declared_mapping_set, declared_set_id
from mosaic.loaders.base import triples_to_turtle
from mosaic.rdf.source import DeclaredMapping, LoadResult
from mosaic.rdf.vocab import DEFAULT_BASE, MOSAIC

MITIGATES = MOSAIC["mitigates"]
#: The CURIE prefixes of the bundled declared sets' Turtle files, besides the shared ones.
DECLARED_PREFIXES = {
    "atlas": "https://w3id.org/mosaic/id/mitre-atlas/",
    "aix": "https://w3id.org/mosaic/id/owasp-aiexchange/",
    "llm2025": "https://w3id.org/mosaic/id/owasp-llm-top10-2025/",
    "asi": "https://w3id.org/mosaic/id/owasp-agentic-threats/",
    "cosai": "https://w3id.org/mosaic/id/cosai-risk-map/",
    "aisvs": "https://w3id.org/mosaic/id/owasp-aisvs/",
    "initiative": f"{DEFAULT_BASE}initiative/",
}


def mitigation(
    control: ox.NamedNode,
    threat: ox.NamedNode,
    *,
    source: str | None,
    comment: str,
    object_label: str | None = None,
) -> DeclaredMapping:
    """The statement "``control`` addresses ``threat``", as its initiative makes it.

    :param control: the control (or chapter, strategy, mitigation).
    :param threat: the threat, attack technique or vulnerability it addresses.
    :param source: the upstream page where the statement is made.
    :param comment: where in that page, in a few words (kept as ``sssom:comment``).
    :param object_label: the threat's label when it belongs to another initiative.
    """
    return DeclaredMapping(
        control, MITIGATES, threat, source=source, comment=comment, object_label=object_label
    )


def mitigations_only(result: LoadResult) -> LoadResult:
    """A copy of ``result`` whose mappings are its ``mosaic:mitigates`` statements only.

    The bundle holds an initiative's SKOS crosswalks once, reviewed, in the curated sets; its
    declared set keeps the threat → control statements (``docs/data-model.md``).
    """
    return LoadResult(
        source=result.source,
        format=result.format,
        triples=result.triples,
        mappings=[m for m in result.mappings if m.predicate == MITIGATES],
    )


def declared_bundle_path(folder: Path, initiative_id: str) -> Path:
    """Where the bundle keeps an initiative's declared set: beside its vocabulary file."""
    return folder / f"{declared_set_id(initiative_id)}.ttl"


def declared_turtle(result: LoadResult, initiative_id: str) -> str | None:
    """The bundled declared set of a converted vocabulary as Turtle, or None when it is empty.

    :param result: the converter's result, built with our definitions.
    :param initiative_id: the initiative that states the links (their author).
    """
    declared = declared_mapping_set(mitigations_only(result), initiative_id, DEFAULT_BASE)
    if not declared.triples:
        return None
    return triples_to_turtle(declared.triples, DECLARED_PREFIXES)


def write_declared_bundle(result: LoadResult, initiative_id: str, folder: Path) -> str:
    """Write (or remove, when empty) the bundled declared set in ``folder``; say what was done.

    :param folder: the folder of the vocabulary file just written.
    :returns: one line for the build's output.
    """
    path = declared_bundle_path(folder, initiative_id)
    text = declared_turtle(result, initiative_id)
    if text is None:
        path.unlink(missing_ok=True)
        return f"no declared links; {path} removed\n"
    path.write_text(text, encoding="utf-8")
    count = sum(1 for m in result.mappings if m.predicate == MITIGATES)
    return f"wrote {path}: {count} threat-control links\n"
