"""``mosaic release``: a versioned, reproducible bundle of the whole dataset.

A release folder holds::

    graphs/<name>.nq, graphs/<name>.ttl   every named graph (mitre-atlas, mappings/llm2025-atlas,
                                          registry, ontology, ...), N-Quads and Turtle
    mappings/<set>.sssom.tsv              every mapping set as SSSOM TSV, and all.sssom.tsv
    void.ttl                              the VoID/DCAT description of the data as released
    CITATION.cff                          how to cite this release
    manifest.json                         version, date, each file's SHA-256, size, media type
                                          and graph, and a digest per concept
    SHA256SUMS                            every file's SHA-256 (``sha256sum -c SHA256SUMS``)

Reproducible byte for byte: N-Quads lines are sorted; Turtle is written from the sorted
triples with a fixed prefix map; a graph with blank nodes is first given canonical labels by
RDF Dataset Canonicalization (RDFC-1.0, pyoxigraph), so the labels do not depend on the store;
JSON and YAML keys are written in a fixed order; and no date comes from the clock: the
release's date is ``--date`` or the latest date of the data. The bundle is written to a
temporary folder beside the target and renamed into place, so a failed release leaves nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import curies
import pyoxigraph as ox

from mosaic import __version__
from mosaic.curation.models import MappingFilter
from mosaic.curation.sssom_export import to_sssom_tsv
from mosaic.curation.workflow import Curation
from mosaic.errors import ParameterError
from mosaic.publish.citation import citation
from mosaic.publish.description import ReleaseFile, ReleaseRef, describe_dataset
from mosaic.publish.facts import DatasetFacts
from mosaic.publish.releases import CHECKSUMS, MANIFEST, Release, check_version, concept_digests
from mosaic.publish.resources import PREFIXES
from mosaic.rdf.vocab import RDF_TYPE, SKOS
from mosaic.terms.label_index import LabelIndex

#: ``progress(step, done, total)``, as for seeding.
Progress = Callable[[str, int, int], None]

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?$")


@dataclass(frozen=True)
class ReleaseSummary:
    """What ``mosaic release`` wrote."""

    version: str
    date: str
    folder: Path
    files: int
    bytes: int
    quads: int
    concepts: int


def check_date(value: str) -> str:
    """Return ``value`` when it is a date ``YYYY-MM-DD``.

    :raises ParameterError: otherwise.
    """
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ParameterError(f"invalid date {value!r}: use YYYY-MM-DD", parameter="date") from exc


def graph_file_name(base_iri: str, graph: str) -> str:
    """The file name (without extension) of a graph in a release.

    >>> graph_file_name("https://w3id.org/mosaic/", "https://w3id.org/mosaic/graph/mappings/a-b")
    'mappings/a-b'
    """
    relative = graph.removeprefix(f"{base_iri}graph/")
    if relative != graph and _NAME.fullmatch(relative):
        return relative
    return "other/" + hashlib.sha256(graph.encode("utf-8")).hexdigest()[:16]


def canonical(quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """The quads with canonical blank-node labels (RDFC-1.0) when there are any, sorted."""
    if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    return sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))


def nquads(quads: Sequence[ox.Quad]) -> bytes:
    """N-Quads, one sorted line per quad."""
    data = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS) or b""
    lines = sorted(set(data.decode("utf-8").splitlines()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def turtle(triples: Sequence[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Turtle of ``triples`` in their order (sorted by the caller), with a fixed prefix map."""
    return ox.serialize(list(triples), format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""


class _Bundle:
    """The files of a release as they are written, with their checksums."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, tuple[str, int, str, str | None]] = {}

    def write(self, path: str, data: bytes, media_type: str, graph: str | None = None) -> None:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files[path] = (hashlib.sha256(data).hexdigest(), len(data), media_type, graph)

    def refs(self) -> tuple[ReleaseFile, ...]:
        return tuple(
            ReleaseFile(path, media_type, graph)
            for path, (_, _, media_type, graph) in sorted(self.files.items())
        )


def write_release(
    quads: Sequence[ox.Quad],
    facts: DatasetFacts,
    index: LabelIndex,
    curation: Curation,
    converter: curies.Converter,
    *,
    base_iri: str,
    version: str,
    output: Path,
    date: str | None = None,
    service_url: str | None = None,
    previous: Sequence[Release] = (),
    progress: Progress | None = None,
) -> ReleaseSummary:
    """Write the release ``version`` of the store's ``quads`` into the new folder ``output``.

    :param service_url: where the release will be served (its files at
        ``{service_url}releases/{version}/``); the base IRI by default, which w3id.org
        redirects to the server.
    :param previous: the releases before this one (listed as earlier versions).
    :raises ParameterError: for a bad version or date, an ``output`` that exists and is not an
        empty folder, or data that carries no date when ``date`` is not given.
    """
    check_version(version)
    day = check_date(date) if date else facts.modified
    if day is None:
        raise ParameterError(
            "the data carries no date: give the release's --date", parameter="date"
        )
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise ParameterError(f"{output} exists and is not an empty folder", parameter="output")
    service = service_url or base_iri
    url = f"{service}releases/{quote(version, safe='')}/"
    staging = output.with_name(f".{output.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        bundle = _Bundle(staging)
        by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
        for quad in quads:
            if isinstance(quad.graph_name, ox.NamedNode):
                by_graph[quad.graph_name.value].append(quad)
        prefixes = {**PREFIXES, **dict(sorted(converter.prefix_map.items()))}
        steps = len(by_graph) + len(facts.mapping_sets) + 3
        done = 0
        for graph in sorted(by_graph):
            name = graph_file_name(base_iri, graph)
            ordered = canonical(by_graph[graph])
            bundle.write(f"graphs/{name}.nq", nquads(ordered), "application/n-quads", graph)
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ordered]
            bundle.write(f"graphs/{name}.ttl", turtle(triples, prefixes), "text/turtle", graph)
            done += 1
            if progress:
                progress(f"writing {name}", done, steps)
        for mapping_set in facts.mapping_sets:
            records = curation.stored(index, MappingFilter(mapping_set=mapping_set.id))
            title = mapping_set.title or mapping_set.id
            text = to_sssom_tsv(index, records, title=title)
            bundle.write(
                f"mappings/{mapping_set.id}.sssom.tsv",
                text.encode("utf-8"),
                "text/tab-separated-values",
                mapping_set.graph,
            )
            done += 1
            if progress:
                progress(f"writing {mapping_set.id}.sssom.tsv", done, steps)
        everything = to_sssom_tsv(index, curation.stored(index, MappingFilter()))
        bundle.write(
            "mappings/all.sssom.tsv", everything.encode("utf-8"), "text/tab-separated-values"
        )
        this = ReleaseRef(version, day, bundle.refs())
        description = describe_dataset(
            facts,
            base_iri=base_iri,
            service_url=service,
            releases=[*(r.ref() for r in previous if r.version != version), this],
            release=this,
        )
        bundle.write("void.ttl", turtle(description, PREFIXES), "text/turtle")
        bundle.write(
            "CITATION.cff",
            citation(facts, version=version, date=day, url=url).encode("utf-8"),
            "application/x-yaml",
        )
        if progress:
            progress("writing the manifest", steps - 1, steps)
        concepts = sorted(
            {
                q.subject.value
                for q in quads
                if q.predicate == RDF_TYPE
                and q.object == SKOS["Concept"]
                and isinstance(q.subject, ox.NamedNode)
            }
        )
        manifest = {
            "version": version,
            "date": day,
            "title": f"{facts.title}, release {version}",
            "dataset": facts.iri,
            "base_iri": base_iri,
            "url": url,
            "generator": f"mosaic {__version__}",
            "files": [
                {
                    "path": path,
                    "sha256": sha,
                    "bytes": size,
                    "media_type": media_type,
                    **({"graph": graph} if graph else {}),
                }
                for path, (sha, size, media_type, graph) in sorted(bundle.files.items())
            ],
            "concepts": concept_digests(quads, concepts),
        }
        data = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
        bundle.write(MANIFEST, data.encode("utf-8"), "application/json")
        sums = "".join(f"{sha}  {path}\n" for path, (sha, *_) in sorted(bundle.files.items()))
        (staging / CHECKSUMS).write_text(sums, encoding="utf-8")
        if output.exists():
            output.rmdir()
        output.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if progress:
        progress("done", steps, steps)
    total = sum(size for _, size, _, _ in bundle.files.values())
    return ReleaseSummary(
        version, day, output, len(bundle.files) + 1, total, len(quads), len(concepts)
    )
