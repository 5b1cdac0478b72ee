"""The CITATION.cff of a release (Citation File Format 1.2.0), from the dataset's own facts.

Title, abstract, authors (the dataset's publisher), licence, keywords and the initiatives
cited as references all come from the registry graph, through the same
:class:`~mosaic.publish.facts.DatasetFacts` as the VoID/DCAT description; the version and date
are the release's. Keys are written in a fixed order, so two releases of the same store are
byte for byte the same.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import yaml

from mosaic.publish.facts import DatasetFacts
from mosaic.rdf.vocab import DCTERMS, Namespace

DCAT = Namespace("http://www.w3.org/ns/dcat#")
CFF_VERSION = "1.2.0"

#: SPDX ids of the licence IRIs the registry uses (CFF wants an SPDX id, not a URL).
SPDX = {
    "https://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "CC-BY-SA-4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0-1.0",
    "https://www.apache.org/licenses/LICENSE-2.0": "Apache-2.0",
    "https://opensource.org/licenses/MIT": "MIT",
}


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases, long lines kept whole."""

    def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002 (PyYAML's signature)
        return True


def citation(facts: DatasetFacts, *, version: str, date: str, url: str) -> str:
    """The CITATION.cff text of the release ``version`` of ``date`` published at ``url``."""
    title = facts.title
    publishers = [
        v.value for v in facts.catalog_values(DCTERMS["publisher"]) if isinstance(v, ox.NamedNode)
    ]
    authors = [{"name": facts.agent_name(agent) or agent} for agent in publishers]
    document: dict[str, Any] = {
        "cff-version": CFF_VERSION,
        "message": "If you use this dataset, please cite this release of it as below.",
        "type": "dataset",
        "title": f"{title}, release {version}",
        "version": version,
        "date-released": date,
        "authors": authors or [{"name": "MOSAIC"}],
    }
    abstract = facts.catalog_text(DCTERMS["description"])
    if abstract:
        document["abstract"] = abstract
    license_iri = facts.catalog_iri(DCTERMS["license"])
    if license_iri in SPDX:
        document["license"] = SPDX[license_iri]
    elif license_iri:
        document["license-url"] = license_iri
    document["url"] = url
    document["identifiers"] = [
        {"type": "url", "value": facts.iri, "description": "The dataset's IRI (all releases)."},
        {"type": "url", "value": url, "description": f"This release, {version}."},
    ]
    keywords = sorted({v.value for v in facts.catalog_values(DCAT["keyword"])})
    if keywords:
        document["keywords"] = keywords
    references = []
    for initiative in sorted(facts.initiatives, key=lambda i: i.id):
        reference: dict[str, Any] = {
            "type": "data",
            "title": initiative.title or initiative.id,
            "authors": [{"name": initiative.publisher or initiative.title or initiative.id}],
        }
        if initiative.version:
            reference["version"] = initiative.version
        if initiative.issued:
            reference["date-released"] = initiative.issued
        link = initiative.source or initiative.homepage
        if link:
            reference["url"] = link
        references.append(reference)
    if references:
        document["references"] = references
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000)
    return f"# Citation File Format {CFF_VERSION}: https://citation-file-format.github.io/\n{text}"
