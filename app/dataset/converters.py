"""Upstream converters: an initiative's own published files read into SKOS (``load --from``).

The converters live in :mod:`mosaic.loaders`, which depends on this package and never the
reverse: each converter is an entry point of the group ``mosaic.converters`` (see
``pyproject.toml``), found here with :func:`importlib.metadata.entry_points`, so the dataset
code names no converter module. An entry point's name is the upstream format's name
(``mosaic load --from atlas``); it points at an object with the :class:`Converter` interface.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from mosaic.errors import ParameterError
from mosaic.rdf.source import LoadResult

#: The entry-point group the converters are registered in.
GROUP = "mosaic.converters"


@runtime_checkable
class Converter(Protocol):
    """One upstream format: what it reads, the initiative it feeds, and the conversion."""

    @property
    def name(self) -> str:
        """The format's name, as ``mosaic load --from NAME`` takes it."""

    @property
    def initiative_id(self) -> str:
        """The initiative a conversion loads into, unless ``--initiative`` says otherwise."""

    @property
    def description(self) -> str:
        """The upstream files it reads, in a few words."""

    def convert(self, path: str, /) -> LoadResult:
        """Read ``path`` (a file or a folder of the upstream's files) into SKOS triples.

        The result keeps every problem found (``issues``, ``warnings``) and the crosswalks the
        upstream declares (``mappings``).
        """


def converter_names() -> list[str]:
    """The names of the registered upstream formats, sorted."""
    return sorted({point.name for point in entry_points(group=GROUP)})


def find_converter(name: str) -> Converter:
    """The converter of the upstream format ``name``.

    :raises ParameterError: when no converter of that name is registered.
    :raises TypeError: when the registered object is not a :class:`Converter` (a packaging bug).
    """
    points = entry_points(group=GROUP, name=name)
    if not points:
        known = ", ".join(converter_names())
        raise ParameterError(f"unknown upstream format {name!r} (known: {known})")
    converter = next(iter(points)).load()
    if not isinstance(converter, Converter):
        raise TypeError(f"the entry point {name!r} of {GROUP} is not a converter: {converter!r}")
    return converter
