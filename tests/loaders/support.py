"""Helpers the converter tests share: build a store from triples, read concepts, find copied text."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from mosaic.rdf.vocab import RDF_TYPE, SKOS


def graph(triples: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def concepts(store: ox.Store) -> set[str]:
    quads = store.quads_for_pattern(None, RDF_TYPE, SKOS["Concept"])
    return {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}


def objects(store: ox.Store, subject: str, predicate: ox.NamedNode) -> list[Any]:
    return [q.object for q in store.quads_for_pattern(ox.NamedNode(subject), predicate, None)]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def shared_run(a: str, b: str, n: int) -> str | None:
    wa, wb = words(a), words(b)
    grams = {tuple(wb[i : i + n]) for i in range(len(wb) - n + 1)}
    for i in range(len(wa) - n + 1):
        if tuple(wa[i : i + n]) in grams:
            return " ".join(wa[i : i + n])
    return None


def mitigations(result: Any) -> set[tuple[str, str]]:
    """(control, threat) IRIs of a converter's declared ``mosaic:mitigates`` statements."""
    from mosaic.loaders.threat_controls import MITIGATES

    return {(m.subject.value, m.object.value) for m in result.mappings if m.predicate == MITIGATES}


def bundled_declared(initiative_id: str) -> ox.Store:
    """The bundled declared set of an initiative (its threat -> control statements)."""
    from mosaic import resources

    path = resources.bundle_dir() / initiative_id / f"{initiative_id}-declared.ttl"
    store = ox.Store()
    store.load(path=path, format=ox.RdfFormat.TURTLE)
    return store
