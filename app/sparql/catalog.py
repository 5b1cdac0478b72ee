"""The named-query catalog: every ``queries/**/*.rq`` file, by name, with its ``#+`` header.

Queries are data: a route asks for ``catalog["concept-statements"]`` and binds parameters by
substitution. Nothing builds SPARQL by string formatting.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from mosaic.errors import NotFoundError, ParameterError

HEADER_MARK = "#+"
PARAM_TYPES = ("iri", "string", "integer", "boolean")


class CatalogError(Exception):
    """A query file is malformed (a bug of the repository, found at startup and by the tests)."""


@dataclass(frozen=True)
class QueryParam:
    """A parameter of a named query: a variable bound by substitution."""

    name: str
    type: str = "string"
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """One ``.rq`` file: its name, text, header and whether it is public."""

    name: str
    path: Path
    sparql: str
    summary: str
    params: tuple[QueryParam, ...] = ()
    returns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    internal: bool = False
    header: Mapping[str, Any] = field(default_factory=dict)

    def bind(self, values: Mapping[str, str | None]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Turn raw parameter values into RDF terms, by the declared types.

        :raises ParameterError: for a missing required value, an unknown parameter, or a value
            that does not fit its type.
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise ParameterError(
                f"query {self.name!r} has no parameter(s) {', '.join(unknown)}",
                parameter=unknown[0],
            )
        bound: dict[str, ox.NamedNode | ox.Literal] = {}
        for param in self.params:
            raw = values.get(param.name)
            if raw is None or raw == "":
                if param.required:
                    raise ParameterError(
                        f"query {self.name!r} needs parameter {param.name!r}", parameter=param.name
                    )
                continue
            bound[param.name] = _term(param, raw)
        return bound


def _term(param: QueryParam, raw: str) -> ox.NamedNode | ox.Literal:
    if param.type == "iri":
        try:
            return ox.NamedNode(raw)
        except ValueError as exc:
            raise ParameterError(
                f"parameter {param.name!r}: {raw!r} is not an IRI", parameter=param.name
            ) from exc
    if param.type == "integer":
        try:
            return ox.Literal(str(int(raw)), datatype=ox.NamedNode(_XSD + "integer"))
        except ValueError as exc:
            raise ParameterError(
                f"parameter {param.name!r}: {raw!r} is not an integer", parameter=param.name
            ) from exc
    if param.type == "boolean":
        if raw.lower() not in ("true", "false"):
            raise ParameterError(
                f"parameter {param.name!r}: {raw!r} is not true or false", parameter=param.name
            )
        return ox.Literal(raw.lower(), datatype=ox.NamedNode(_XSD + "boolean"))
    return ox.Literal(raw)


_XSD = "http://www.w3.org/2001/XMLSchema#"


def parse_header(text: str, path: Path) -> dict[str, Any]:
    """The YAML of a query file's leading ``#+`` lines.

    :raises CatalogError: when there is no header or it is not a YAML mapping with a summary.
    """
    lines = []
    for line in text.splitlines():
        if not line.startswith(HEADER_MARK):
            break
        lines.append(line[len(HEADER_MARK) :])
    try:
        header = yaml.safe_load("\n".join(lines)) if lines else None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: invalid #+ header: {exc}") from exc
    if not isinstance(header, dict) or not header.get("summary"):
        raise CatalogError(f"{path}: a query file starts with a #+ header that has a summary")
    return header


def _params(header: Mapping[str, Any], path: Path) -> tuple[QueryParam, ...]:
    params = []
    for item in header.get("params") or []:
        if not isinstance(item, dict) or "name" not in item:
            raise CatalogError(f"{path}: every param needs a name")
        kind = item.get("type", "string")
        if kind not in PARAM_TYPES:
            raise CatalogError(f"{path}: param {item['name']!r} has unknown type {kind!r}")
        params.append(
            QueryParam(
                name=str(item["name"]),
                type=kind,
                required=bool(item.get("required", True)),
                description=str(item.get("description", "")),
            )
        )
    return tuple(params)


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list):
        return tuple(str(part) for part in value)
    return (str(value),)


def read_query(path: Path, *, internal: bool) -> NamedQuery:
    """Read one ``.rq`` file.

    :raises CatalogError: when its header is missing or malformed.
    """
    text = path.read_text(encoding="utf-8")
    header = parse_header(text, path)
    return NamedQuery(
        name=path.stem,
        path=path,
        sparql=text,
        summary=str(header["summary"]),
        params=_params(header, path),
        returns=_as_tuple(header.get("returns")),
        tags=_as_tuple(header.get("tags")),
        internal=internal,
        header=header,
    )


class Catalog(Mapping[str, NamedQuery]):
    """All named queries of a folder, public ones first-level, internal ones under ``internal/``."""

    def __init__(self, queries: Mapping[str, NamedQuery]) -> None:
        self._queries = dict(queries)

    @classmethod
    def from_folder(cls, folder: Path) -> Catalog:
        """Read every ``.rq`` file of ``folder`` and ``folder/internal``.

        :raises CatalogError: for a malformed file or two files with one name.
        """
        queries: dict[str, NamedQuery] = {}
        paths = [(p, False) for p in sorted(folder.glob("*.rq"))]
        paths += [(p, True) for p in sorted((folder / "internal").glob("*.rq"))]
        for path, internal in paths:
            query = read_query(path, internal=internal)
            if query.name in queries:
                raise CatalogError(f"{path}: a query named {query.name!r} already exists")
            queries[query.name] = query
        return cls(queries)

    def __getitem__(self, name: str) -> NamedQuery:
        """The query of that name."""
        return self._queries[name]

    def __iter__(self) -> Iterator[str]:
        """Query names, sorted."""
        return iter(sorted(self._queries))

    def __len__(self) -> int:
        """Number of queries."""
        return len(self._queries)

    def public(self) -> list[NamedQuery]:
        """The queries listed at ``/queries``."""
        return [q for name, q in sorted(self._queries.items()) if not q.internal]

    def public_query(self, name: str) -> NamedQuery:
        """A public query by name.

        :raises NotFoundError: when there is no public query of that name.
        """
        query = self._queries.get(name)
        if query is None or query.internal:
            raise NotFoundError("query", name)
        return query
