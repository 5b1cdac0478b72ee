"""The VoID and DCAT 3 description of the dataset, of each initiative graph and mapping set.

Served at ``/.well-known/void`` and ``/dataset`` (the dataset's own IRI, ``{base}dataset``),
written into every release, and merged into what a graph's IRI dereferences to. Computed from
:class:`~mosaic.publish.facts.DatasetFacts` (the registry graph and the SSSOM set metadata) and
from the releases found, never written by hand twice.

The model:

- ``{base}dataset`` is a ``dcat:Catalog`` and ``void:Dataset``: title, description, licence,
  rights and publisher as the registry states them; triples, distinct concepts, the latest
  date of its data (``dcterms:modified``), the SPARQL endpoint (``void:sparqlEndpoint``, and a
  ``dcat:DataService``), every named graph as a ``void:subset``, the datasets below as
  ``dcat:dataset``, each release as a version (``dcat:hasVersion``, DCAT 3);
- each initiative graph ``{base}graph/{id}`` and mapping-set graph ``{base}graph/mappings/{id}``
  is a ``dcat:Dataset``: published by the dataset's publisher, made by the initiative (or the
  set's creators), with the source's title, description, licence, version, source and
  homepage; a mapping set is also a ``void:Linkset`` (its SKOS mapping properties and the
  graphs it links); distributions are the server's export URLs and the files of the latest
  release. Figures use VoID (``void:triples``, a ``void:classPartition`` of ``skos:Concept``);
- a graph whose source states no licence holds only what MOSAIC wrote (names and our own
  definitions), so it carries the dataset's licence; a missing description is made from the
  figures (what the graph holds), never invented.

Blank nodes are avoided (hash IRIs below each dataset name its parts), so a description is
written the same way twice and every node of it dereferences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from mosaic.publish.facts import DatasetFacts, GraphFigures
from mosaic.publish.resources import DCAT, FOAF, SD, VOID
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, RDFS, SKOS, SSSOM, XSD

IANA = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")

#: The live exports of an initiative graph: (format name, media type, title).
GRAPH_EXPORTS = (
    ("turtle", "text/turtle", "Turtle"),
    ("ntriples", "application/n-triples", "N-Triples"),
    ("jsonld", "application/ld+json", "JSON-LD"),
    ("rdfxml", "application/rdf+xml", "RDF/XML"),
)
SSSOM_TSV = "text/tab-separated-values"


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release: its path in the release folder and its media type."""

    path: str
    media_type: str
    #: The graph (or mapping-set graph) whose data it holds, if it holds one graph's.
    graph: str | None = None


@dataclass(frozen=True)
class ReleaseRef:
    """A release as the description lists it."""

    version: str
    date: str
    files: tuple[ReleaseFile, ...]


def _literal(value: str, language: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=language) if language else ox.Literal(value)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD["integer"])


def _date(value: str) -> ox.Literal:
    return ox.Literal(value[:10], datatype=XSD["date"])


class _Builder:
    """Collects the triples of one description."""

    def __init__(self) -> None:
        self.triples: set[ox.Triple] = set()

    def add(self, subject: str, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        self.triples.add(ox.Triple(ox.NamedNode(subject), predicate, obj))

    def iri(self, subject: str, predicate: ox.NamedNode, obj: str | None) -> None:
        if obj:
            self.add(subject, predicate, ox.NamedNode(obj))

    def text(self, subject: str, predicate: ox.NamedNode, value: str | None) -> None:
        if value:
            self.add(subject, predicate, ox.Literal(value))

    def distribution(
        self,
        dataset: str,
        name: str,
        url: str,
        media_type: str,
        title: str,
        license_iri: str | None,
        *,
        download: bool,
    ) -> None:
        node = f"{dataset}#{name}"
        self.add(dataset, DCAT["distribution"], ox.NamedNode(node))
        self.add(node, RDF_TYPE, DCAT["Distribution"])
        self.add(node, DCTERMS["title"], ox.Literal(title))
        self.add(node, DCAT["accessURL"], ox.NamedNode(url))
        if download:
            self.add(node, DCAT["downloadURL"], ox.NamedNode(url))
        self.add(node, DCAT["mediaType"], ox.NamedNode(IANA + media_type))
        self.iri(node, DCTERMS["license"], license_iri)

    def figures(self, dataset: str, figures: GraphFigures | None, concepts: int | None) -> None:
        if figures is not None:
            self.add(dataset, VOID["triples"], _integer(figures.triples))
        count = concepts if concepts is not None else (figures.concepts if figures else None)
        if count is not None:
            partition = f"{dataset}#concepts"
            self.add(dataset, VOID["classPartition"], ox.NamedNode(partition))
            self.add(partition, RDF_TYPE, VOID["Dataset"])
            self.add(partition, VOID["class"], SKOS["Concept"])
            self.add(partition, VOID["entities"], _integer(count))


def _release_iri(base_iri: str, version: str) -> str:
    return f"{base_iri}releases/{quote(version, safe='')}"


def _release_url(service_url: str, release: ReleaseRef, path: str) -> str:
    return f"{service_url}releases/{quote(release.version, safe='')}/{quote(path)}"


def _file_title(path: str) -> str:
    kind = {
        ".nq": "N-Quads",
        ".ttl": "Turtle",
        ".tsv": "SSSOM TSV",
        ".json": "JSON",
        ".cff": "Citation File Format",
    }
    for ending, name in kind.items():
        if path.endswith(ending):
            return f"{path} ({name})"
    return path


def describe_dataset(
    facts: DatasetFacts,
    *,
    base_iri: str,
    service_url: str,
    releases: Sequence[ReleaseRef] = (),
    release: ReleaseRef | None = None,
) -> list[ox.Triple]:
    """The VoID and DCAT description as triples, sorted (see the module for the model).

    :param service_url: where the server answers (``http://host/``, ending in ``/``): the
        SPARQL endpoint, the export URLs and the release files are below it.
    :param releases: the releases to list as versions, oldest first.
    :param release: when writing a release, that release: the description is then of the
        data as released (its date and version; its files are the distributions).
    """
    out = _Builder()
    dataset = facts.iri
    endpoint = f"{service_url}sparql"
    title = facts.title
    license_iri = facts.catalog_iri(DCTERMS["license"])
    publishers = [
        v.value for v in facts.catalog_values(DCTERMS["publisher"]) if isinstance(v, ox.NamedNode)
    ]
    out.triples.update(facts.catalog)
    out.add(dataset, RDF_TYPE, DCAT["Catalog"])
    out.add(dataset, RDF_TYPE, VOID["Dataset"])
    if facts.modified:
        out.add(dataset, DCTERMS["modified"], _date(facts.modified))
    out.figures(dataset, GraphFigures(facts.triples), facts.concepts)
    out.iri(dataset, VOID["sparqlEndpoint"], endpoint)
    out.iri(dataset, DCAT["service"], endpoint)
    out.iri(dataset, FOAF["homepage"], service_url)
    out.text(dataset, VOID["uriSpace"], f"{base_iri}id/")
    for vocabulary in (SKOS.iri, DCTERMS.iri, SSSOM.iri, MOSAIC.iri, OWL.iri):
        out.add(dataset, VOID["vocabulary"], ox.NamedNode(vocabulary))
    for agent in publishers:
        out.add(agent, RDF_TYPE, FOAF["Agent"])
    out.distribution(
        dataset,
        "sparql",
        endpoint,
        "application/sparql-results+json",
        "SPARQL endpoint",
        license_iri,
        download=False,
    )
    out.iri(f"{dataset}#sparql", DCAT["accessService"], endpoint)

    out.add(endpoint, RDF_TYPE, DCAT["DataService"])
    out.add(endpoint, RDF_TYPE, SD["Service"])
    out.add(endpoint, DCTERMS["title"], ox.Literal(f"{title}: SPARQL endpoint"))
    out.iri(endpoint, DCAT["endpointURL"], endpoint)
    out.iri(endpoint, DCAT["endpointDescription"], endpoint)
    out.iri(endpoint, SD["endpoint"], endpoint)
    out.add(endpoint, DCTERMS["conformsTo"], SPARQL_PROTOCOL)
    out.iri(endpoint, DCAT["servesDataset"], dataset)
    for agent in publishers:
        out.iri(endpoint, DCTERMS["publisher"], agent)
    out.iri(endpoint, DCTERMS["license"], license_iri)

    latest = release or (releases[-1] if releases else None)
    release_files: dict[str, list[ReleaseFile]] = {}
    if latest is not None:
        for item in latest.files:
            if item.graph:
                release_files.setdefault(item.graph, []).append(item)

    def common(graph: str, figures: GraphFigures | None, *dates: str | None) -> None:
        out.add(dataset, VOID["subset"], ox.NamedNode(graph))
        out.add(graph, RDF_TYPE, VOID["Dataset"])
        out.figures(graph, figures, None)
        out.iri(graph, VOID["sparqlEndpoint"], endpoint)
        out.iri(endpoint, DCAT["servesDataset"], graph)
        known = [d for d in (figures.modified if figures else None, *dates) if d]
        if known:
            out.add(graph, DCTERMS["modified"], _date(max(known)))
        if latest is None:
            return
        for index, item in enumerate(sorted(release_files.get(graph, []), key=lambda f: f.path)):
            out.distribution(
                graph,
                f"release-{index + 1}",
                _release_url(service_url, latest, item.path),
                item.media_type,
                f"{_file_title(item.path)}, release {latest.version}",
                None,
                download=True,
            )

    described: set[str] = set()
    for initiative in facts.initiatives:
        graph = initiative.graph
        figures = facts.figures.get(graph)
        described.add(graph)
        common(graph, figures, initiative.issued)
        licence = initiative.license or license_iri
        out.add(dataset, DCAT["dataset"], ox.NamedNode(graph))
        out.add(graph, RDF_TYPE, DCAT["Dataset"])
        out.add(
            graph,
            DCTERMS["title"],
            _literal(initiative.title or initiative.id, initiative.title_language),
        )
        description = initiative.description or (
            f"The vocabulary of {initiative.title or initiative.id} as SKOS concepts "
            f"({figures.concepts if figures else 0} concepts)."
        )
        out.add(graph, DCTERMS["description"], _literal(description, "en"))
        for agent in publishers:
            out.iri(graph, DCTERMS["publisher"], agent)
        out.iri(graph, DCTERMS["creator"], initiative.iri)
        out.add(initiative.iri, RDF_TYPE, FOAF["Agent"])
        if initiative.title:
            out.add(initiative.iri, FOAF["name"], ox.Literal(initiative.title))
        out.iri(graph, DCTERMS["license"], licence)
        out.iri(graph, DCTERMS["source"], initiative.source)
        out.iri(graph, DCAT["landingPage"], initiative.homepage)
        out.text(graph, DCAT["version"], initiative.version)
        out.text(graph, OWL["versionInfo"], initiative.version)
        if initiative.issued:
            out.add(graph, DCTERMS["issued"], _date(initiative.issued))
        out.text(graph, VOID["uriSpace"], f"{base_iri}id/{initiative.id}/")
        out.add(graph, VOID["vocabulary"], ox.NamedNode(SKOS.iri))
        if release is None:
            for name, media_type, label in GRAPH_EXPORTS:
                url = f"{service_url}initiatives/{initiative.id}/graph?format={name}"
                out.distribution(graph, name, url, media_type, label, licence, download=True)

    for mapping_set in facts.mapping_sets:
        graph = mapping_set.graph
        figures = facts.figures.get(graph)
        described.add(graph)
        common(graph, figures)
        licence = mapping_set.license or license_iri
        out.add(dataset, DCAT["dataset"], ox.NamedNode(graph))
        out.add(graph, RDF_TYPE, DCAT["Dataset"])
        out.add(graph, RDF_TYPE, VOID["Linkset"])
        out.add(graph, DCTERMS["title"], ox.Literal(mapping_set.title or mapping_set.id))
        description = mapping_set.description or (
            f"SSSOM mapping set {mapping_set.id}: mappings between "
            f"{figures.concepts if figures else 0} concepts."
        )
        out.add(graph, DCTERMS["description"], _literal(description, "en"))
        for agent in publishers:
            out.iri(graph, DCTERMS["publisher"], agent)
        for creator in mapping_set.creators:
            out.iri(graph, DCTERMS["creator"], creator)
        out.iri(graph, DCTERMS["license"], licence)
        out.text(graph, DCAT["version"], mapping_set.version)
        out.text(graph, OWL["versionInfo"], mapping_set.version)
        out.iri(graph, RDFS["seeAlso"], mapping_set.iri)
        for predicate in mapping_set.predicates:
            out.iri(graph, VOID["linkPredicate"], predicate)
        for target in mapping_set.targets:
            out.iri(graph, VOID["target"], target)
        if release is None:
            url = f"{service_url}mappings?mapping_set={quote(mapping_set.id)}&format=sssom"
            out.distribution(graph, "sssom", url, SSSOM_TSV, "SSSOM TSV", licence, download=True)

    for graph in facts.graphs:
        if graph not in described:
            common(graph, facts.figures.get(graph))

    previous: str | None = None
    for version_ref in releases:
        node = _release_iri(base_iri, version_ref.version)
        out.iri(dataset, DCAT["hasVersion"], node)
        out.add(node, RDF_TYPE, DCAT["Dataset"])
        out.add(node, DCTERMS["title"], ox.Literal(f"{title}, release {version_ref.version}"))
        out.add(
            node,
            DCTERMS["description"],
            _literal(f"Release {version_ref.version} of {title}, as of {version_ref.date}.", "en"),
        )
        out.add(node, DCAT["version"], ox.Literal(version_ref.version))
        out.add(node, DCTERMS["issued"], _date(version_ref.date))
        out.iri(node, DCTERMS["isVersionOf"], dataset)
        out.iri(node, DCAT["previousVersion"], previous)
        for agent in publishers:
            out.iri(node, DCTERMS["publisher"], agent)
        out.iri(node, DCTERMS["license"], license_iri)
        for index, item_file in enumerate(sorted(version_ref.files, key=lambda f: f.path)):
            out.distribution(
                node,
                f"file-{index + 1}",
                _release_url(service_url, version_ref, item_file.path),
                item_file.media_type,
                _file_title(item_file.path),
                license_iri,
                download=True,
            )
        previous = node
    if previous is not None:
        out.iri(dataset, DCAT["hasCurrentVersion"], previous)
    if release is not None:
        # The seed's owl:versionInfo is the software's version; a release states its own.
        out.triples = {
            t
            for t in out.triples
            if not (t.subject.value == dataset and t.predicate == OWL["versionInfo"])  # type: ignore[union-attr]
        }
        out.add(dataset, DCAT["version"], ox.Literal(release.version))
        out.add(dataset, OWL["versionInfo"], ox.Literal(release.version))
        out.add(dataset, DCTERMS["issued"], _date(release.date))
    return sorted(out.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
