"""An initiative's controls as an OSCAL catalog (JSON).

The shape, and why:

- **Every control concept is an OSCAL control**, and the concept hierarchy is kept by nesting
  controls in their parent control (as OSCAL nests control enhancements). Curated crosswalks map
  concepts at every level (an AI RMF function, an AISVS section), and OSCAL's mapping model lets a
  map name only controls or statements, so a parent cannot be a mere group.
- **Groups are the concept schemes**: each root control sits in the group of its scheme (title
  from the scheme); a root with no scheme sits at the top of the catalog.
- **Ids from notations** (:mod:`mosaic.oscal.ids`); the notation itself is the control's
  ``label`` prop, and the kind (control, requirement) its ``class``.
- **Our definition is the control's statement** (a ``statement`` part), the concept's source is a
  ``reference`` link, and each threat, technique or vulnerability it mitigates
  (``mosaic:mitigates``) a ``related`` link to that concept's IRI.
- **MOSAIC's props** carry ``ns`` :data:`~mosaic.oscal.MOSAIC_NS`: ``concept`` (the concept IRI),
  ``curie``, ``verification-level`` (requirements that have one), ``broader`` (a further parent
  of a concept nested under its first one), and ``initiative`` on the metadata.

The document's ``uuid`` is derived from its content, so the same store exports the same document
(``last-modified`` is the edition's issue date, or the time of the export for an initiative that
states none) and any change gives a new uuid, as OSCAL asks of a revised document.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from typing import Any

from mosaic.dataset.models import Initiative
from mosaic.oscal import MOSAIC_NS, OSCAL_VERSION
from mosaic.oscal.controls import Control, ControlSet
from mosaic.oscal.ids import assign_ids, local_name

#: The namespace of the documents' uuids (uuid5), itself derived from MOSAIC's OSCAL namespace.
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, MOSAIC_NS)

Json = dict[str, Any]


def prop(name: str, value: str, *, ours: bool = True) -> Json:
    """An OSCAL prop; MOSAIC's own (``ours``) carry its namespace."""
    entry: Json = {"name": name, "value": value}
    if ours:
        entry["ns"] = MOSAIC_NS
    return entry


def content_uuid(kind: str, document: Json) -> str:
    """A uuid5 of a document's content (without its uuid and date): equal content, equal uuid.

    The date is left out: without an issue date it is the time of the export.
    """
    content = {**document, "metadata": dict(document["metadata"])}
    content["metadata"].pop("last-modified", None)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()
    return str(uuid.uuid5(UUID_NAMESPACE, f"{kind}:{digest}"))


def last_modified(issued: str | None) -> str:
    """A document's date from the date its content was issued (a date), else now (UTC)."""
    if issued:
        try:
            day = datetime.date.fromisoformat(issued[:10])
        except ValueError:
            day = None
        if day is not None:
            return f"{day.isoformat()}T00:00:00+00:00"
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def metadata(initiative: Initiative, title: str, remarks: str) -> Json:
    """The metadata of a document about one initiative (or two, in the title)."""
    links = [
        {"href": url, "rel": "reference", "text": text}
        for url, text in (
            (initiative.source, f"{initiative.title or initiative.id}: source"),
            (initiative.homepage, f"{initiative.title or initiative.id}: home page"),
        )
        if url
    ]
    data: Json = {
        "title": title,
        "last-modified": last_modified(initiative.issued),
        "version": initiative.version or "unversioned",
        "oscal-version": OSCAL_VERSION,
        "props": [prop("initiative", initiative.id), prop("initiative-iri", initiative.iri)],
    }
    if links:
        data["links"] = links
    data["remarks"] = remarks
    return data


def _control(control: Control, nested: dict[str | None, list[Control]]) -> Json:
    props = [prop("label", control.notation, ours=False)] if control.notation else []
    props.append(prop("concept", control.iri))
    if control.curie:
        props.append(prop("curie", control.curie))
    if control.level:
        props.append(prop("verification-level", control.level))
    props += [prop("broader", parent) for parent in control.parents[1:]]
    links = []
    if control.source:
        links.append({"href": control.source, "rel": "reference", "text": "source"})
    links += [
        {"href": threat.iri, "rel": "related", "text": f"mitigates {threat.describe()}"}
        for threat in control.mitigates
    ]
    entry: Json = {"id": control.oscal_id, "class": control.kind, "title": control.title}
    entry["props"] = props
    if links:
        entry["links"] = links
    if control.definition:
        entry["parts"] = [
            {"id": f"{control.oscal_id}_smt", "name": "statement", "prose": control.definition}
        ]
    children = sorted(nested.get(control.iri, []), key=lambda c: c.oscal_id)
    if children:
        entry["controls"] = [_control(child, nested) for child in children]
    return entry


def catalog_document(controls: ControlSet) -> Json:
    """The OSCAL catalog of an initiative's controls: ``{"catalog": {...}}``."""
    initiative = controls.initiative
    nested = controls.children()
    roots = sorted(nested.get(None, []), key=lambda c: c.oscal_id)
    taken = [c.oscal_id for c in controls.controls.values()]
    taken += [f"{c.oscal_id}_smt" for c in controls.controls.values()]
    schemes = sorted({c.scheme for c in roots if c.scheme is not None})
    group_ids = assign_ids(((s, local_name(s)) for s in schemes), taken)
    groups = [
        {
            "id": group_ids[scheme],
            "class": "concept-scheme",
            "title": controls.schemes.get(scheme) or local_name(scheme),
            "props": [prop("concept-scheme", scheme)],
            "controls": [_control(c, nested) for c in roots if c.scheme == scheme],
        }
        for scheme in schemes
    ]
    loose = [_control(c, nested) for c in roots if c.scheme is None]
    name = initiative.title or initiative.id
    remarks = (
        f"The controls and requirements of {name} in the MOSAIC knowledge graph, "
        f"{len(controls.controls)} in all. Titles, notations, relations and sources are the "
        "initiative's; statements are MOSAIC's own definitions. Exported by MOSAIC."
    )
    body: Json = {"metadata": metadata(initiative, f"{name}: controls", remarks)}
    if loose:
        body["controls"] = loose
    if groups:
        body["groups"] = groups
    return {"catalog": {"uuid": content_uuid("catalog", body), **body}}
