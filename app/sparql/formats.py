"""Which media type a SPARQL result is written in: the ``format`` parameter, then ``Accept``.

Clients name formats their own way, and the same name means different things for different
query forms. SPARQLWrapper, the most used Python client, sends for each of its return formats
``format=`` (with ``output=`` and ``results=``, which we ignore) and an ``Accept`` header:

============  ====================================  =========================================
SPARQLWrapper  SELECT / ASK                          CONSTRUCT / DESCRIBE
============  ====================================  =========================================
XML (default)  ``xml``; SPARQL XML results           ``xml``; ``Accept: application/rdf+xml``
JSON           ``json``; SPARQL JSON results         ``json``; ``Accept: */*``
CSV, TSV       ``csv``; ``tsv`` and its media type   ``csv``; ``tsv`` and an empty value
TURTLE, N3     ``turtle``, ``n3``; ``Accept: */*``   ``turtle``, ``n3``; Turtle media types
RDF            ``rdf``; ``Accept: */*``              ``rdf``; ``Accept: */*``
RDFXML         ``rdf+xml`` and an empty value        ``rdf+xml`` and ``application/rdf+xml``
JSONLD         ``json-ld`` and an empty value        ``json-ld`` and ``application/ld+json,...``
============  ====================================  =========================================

So, per query form: ``xml`` is SPARQL XML results for SELECT/ASK and RDF/XML for
CONSTRUCT/DESCRIBE, ``json`` is SPARQL JSON results or JSON-LD, ``turtle`` and ``n3`` are Turtle
(an N3 reader reads Turtle), ``rdf`` is RDF/XML. A value may also be a media type or a list of
media ranges, read like an Accept header. Values that agree (``tsv`` and
``text/tab-separated-values``) are one choice; empty values are ignored; values that name
nothing for the query's form leave the choice to ``Accept``. Values that name different formats
for the form are an error (400), unless ``Accept`` names exactly one of them. An unknown name
is an error (400) whatever the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mosaic.errors import NotAcceptableError, ParameterError
from mosaic.rdf.negotiation import negotiate, parse_accept
from mosaic.rdf.sparql_text import QueryForm
from mosaic.sparql.results import GRAPH_MEDIA_TYPES, RESULTS_MEDIA_TYPES

RESULTS_OFFERS = [(media_type, media_type) for media_type in RESULTS_MEDIA_TYPES.values()]
GRAPH_OFFERS = [(media_type, media_type) for media_type in GRAPH_MEDIA_TYPES.values()]

#: ``format`` names of SELECT/ASK results: ours, and those of SPARQLWrapper and rdflib.
RESULTS_FORMATS: dict[str, str] = {
    **RESULTS_MEDIA_TYPES,
    "srj": RESULTS_MEDIA_TYPES["json"],
    "srx": RESULTS_MEDIA_TYPES["xml"],
}
#: ``format`` names of CONSTRUCT/DESCRIBE results: ours, and those of SPARQLWrapper and rdflib.
GRAPH_FORMATS: dict[str, str] = {
    **GRAPH_MEDIA_TYPES,
    "ttl": GRAPH_MEDIA_TYPES["turtle"],
    "n3": GRAPH_MEDIA_TYPES["turtle"],
    "nt": GRAPH_MEDIA_TYPES["ntriples"],
    "n-triples": GRAPH_MEDIA_TYPES["ntriples"],
    "json-ld": GRAPH_MEDIA_TYPES["jsonld"],
    "json": GRAPH_MEDIA_TYPES["jsonld"],
    "rdf+xml": GRAPH_MEDIA_TYPES["rdfxml"],
    "rdf": GRAPH_MEDIA_TYPES["rdfxml"],
    "xml": GRAPH_MEDIA_TYPES["rdfxml"],
    "nq": GRAPH_MEDIA_TYPES["nquads"],
}


def _acceptable(media_ranges: str, offers: list[tuple[str, str]]) -> str | None:
    try:
        return negotiate(media_ranges, offers)[1]
    except NotAcceptableError:
        return None


def _named(value: str, names: Mapping[str, str], offers: list[tuple[str, str]]) -> str | None:
    """The media type a ``format`` value names among ``offers``, or ``None``."""
    key = value.lower()
    if key in names:
        return names[key]
    if "/" in key:
        return _acceptable(key, offers)
    return None


def _choose(
    accept: str | None,
    values: Sequence[str],
    names: Mapping[str, str],
    offers: list[tuple[str, str]],
) -> str | None:
    """The media type of one kind of result, or ``None`` when nothing acceptable is offered."""
    chosen: list[str] = []
    for value in values:
        media_type = _named(value, names, offers)
        if media_type is not None and media_type not in chosen:
            chosen.append(media_type)
    if not chosen:
        return _acceptable(accept or "*/*", offers)
    if len(chosen) == 1:
        return chosen[0]
    accepted = {media_range for media_range, quality in parse_accept(accept) if quality > 0}
    in_accept = [media_type for media_type in chosen if media_type in accepted]
    if len(in_accept) == 1:
        return in_accept[0]
    raise ParameterError(
        f"parameter 'format' is given {len(values)} times with different formats "
        f"({', '.join(values)}); give one, or name one of them in Accept",
        parameter="format",
    )


def choose_formats(
    accept: str | None, formats: Sequence[str], form: QueryForm | None
) -> tuple[str | None, str | None]:
    """The media types of a SELECT/ASK result and of a CONSTRUCT/DESCRIBE result.

    Only the kind the query form produces is chosen (the other is ``None``); both are when the
    form is not known.

    :param accept: the Accept header.
    :param formats: every value of the ``format`` parameter, in order.
    :param form: the query form, when the screen found it.
    :raises ParameterError: for an unknown format, or formats that disagree for this form.
    """
    values = [value.strip() for value in formats if value.strip()]
    for value in values:
        if (
            _named(value, RESULTS_FORMATS, RESULTS_OFFERS) is None
            and _named(value, GRAPH_FORMATS, GRAPH_OFFERS) is None
        ):
            known = ", ".join(dict.fromkeys([*RESULTS_FORMATS, *GRAPH_FORMATS]))
            raise ParameterError(
                f"unknown format {value!r} (known: {known}, or a media type)", parameter="format"
            )
    results = graph = None
    if form in (None, "SELECT", "ASK"):
        results = _choose(accept, values, RESULTS_FORMATS, RESULTS_OFFERS)
    if form in (None, "CONSTRUCT", "DESCRIBE"):
        graph = _choose(accept, values, GRAPH_FORMATS, GRAPH_OFFERS)
    return results, graph
