"""Identifiers: initiative and mapping-set ids, and CURIEs (``ontology/prefixes.json``).

An id (``mitre-atlas``) names an initiative or a mapping set in URLs, CLI arguments and graph
IRIs, so it is checked before any IRI is built from it. A CURIE such as ``atlas:AML.T0051``
names a concept of one initiative; it expands to the concept's IRI and any concept IRI
compresses back to its CURIE (read with the ``curies`` library).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import curies

from mosaic.errors import ParameterError

#: Ids of initiatives and mapping sets: lowercase words joined by single hyphens.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX_LENGTH = 64
ID_RULE = "use lowercase letters, digits and single hyphens"

#: A prefix is a word; a local id may contain dots, dashes, underscores (AML.T0051.000, LLM01).
CURIE_PREFIX = r"[A-Za-z][A-Za-z0-9_.-]*"
CURIE_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._~-]*"
#: A whole CURIE (also the pattern the OpenAPI document publishes).
CURIE_PATTERN = rf"^({CURIE_PREFIX}):({CURIE_LOCAL})$"
CURIE_RULE = "expected prefix:identifier, e.g. atlas:AML.T0051"
_CURIE = re.compile(CURIE_PATTERN)


def validate_id(identifier: str, what: str = "initiative id") -> str:
    """Return ``identifier`` when it is a well-formed id; graph IRIs are built only from these.

    :raises ParameterError: when it is empty, too long or has characters other than ``a-z0-9-``.
    """
    if len(identifier) > ID_MAX_LENGTH or not ID_PATTERN.fullmatch(identifier):
        raise ParameterError(
            f"invalid {what} {identifier!r}: {ID_RULE}",
            parameter=what.replace(" ", "_"),
        )
    return identifier


@lru_cache(maxsize=8)
def load_converter(prefixes_file: Path) -> curies.Converter:
    """The converter built from an extended prefix map file (cached: the file is static)."""
    records = json.loads(prefixes_file.read_text(encoding="utf-8"))
    return curies.Converter.from_extended_prefix_map(records)


def expand_curie(converter: curies.Converter, curie: str) -> str:
    """The IRI a CURIE stands for.

    :raises ParameterError: when ``curie`` is not ``prefix:id`` or its prefix is unknown.
    """
    match = _CURIE.fullmatch(curie)
    if match is None:
        raise ParameterError(f"{curie!r} is not a CURIE ({CURIE_RULE})", parameter="curie")
    iri = converter.expand(curie)
    if iri is None:
        known = ", ".join(sorted(converter.get_prefixes()))
        raise ParameterError(
            f"unknown CURIE prefix {match.group(1)!r} (known: {known})", parameter="curie"
        )
    return iri


def compress_iri(converter: curies.Converter, iri: str) -> str | None:
    """The CURIE of an IRI, or ``None`` when no prefix covers it."""
    return converter.compress(iri)
