"""``mosaic export --oscal catalog|mapping``: the OSCAL exports on the command line.

``export`` hands over to :func:`export_oscal` when ``--oscal`` is given; this module keeps the
OSCAL options' rules and output here rather than in :mod:`mosaic.cli.export`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mosaic.cli.context import command_label_index, command_settings, open_command_store
from mosaic.errors import NotFoundError, ParameterError

#: What ``--oscal`` exports: an initiative's controls, or a crosswalk between two initiatives.
OSCAL_DOCUMENTS = ("catalog", "mapping")


def catalog_file(initiative_id: str) -> str:
    """The file name a crosswalk expects each catalog under, beside itself."""
    return f"{initiative_id}.oscal.json"


def check_oscal_options(
    document: str, initiative_id: str | None, target: str | None, fmt: str | None, mappings: bool
) -> None:
    """Refuse option combinations ``--oscal`` cannot honour (exit code 2).

    :raises ParameterError: for a missing ``--initiative``, a ``--target`` without ``mapping``
        (or a ``mapping`` without it), ``--mappings``, or a format other than JSON.
    """
    if mappings:
        raise ParameterError("--oscal and --mappings are two exports; give one", parameter="oscal")
    if fmt not in (None, "json"):
        raise ParameterError("--oscal writes OSCAL JSON; drop --format", parameter="format")
    if initiative_id is None:
        raise ParameterError(f"--oscal {document} needs --initiative", parameter="initiative")
    if document == "mapping" and target is None:
        raise ParameterError(
            "--oscal mapping needs --target, the initiative the crosswalk maps to",
            parameter="target",
        )
    if document == "catalog" and target is not None:
        raise ParameterError("--target is for --oscal mapping", parameter="target")


def export_oscal(
    store_path: Path | None,
    no_seed: bool,
    document: str,
    initiative_id: str | None,
    target: str | None,
    fmt: str | None,
    mappings: bool,
    output: Path | None,
) -> None:
    """Write an initiative's OSCAL catalog, or the OSCAL crosswalk to ``target``.

    :raises ParameterError: for bad options or an unknown initiative.
    :raises NotFoundError: when no accepted mapping links the two initiatives' controls.
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.curation.workflow import Curation
    from mosaic.oscal.export import control_crosswalk, initiative_catalog, to_json
    from mosaic.rdf.identifiers import load_converter
    from mosaic.sparql.catalog import Catalog

    check_oscal_options(document, initiative_id, target, fmt, mappings)
    assert initiative_id is not None  # noqa: S101 - checked above, for mypy
    settings = command_settings(store_path, no_seed)
    store = open_command_store(settings, reading=True)
    catalog = Catalog.from_folder(settings.queries_dir)
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    try:
        if document == "catalog":
            data = initiative_catalog(store, catalog, converter, initiative_id)
            count = _count_controls(data["catalog"])
            what = f"{count} controls"
        else:
            assert target is not None  # noqa: S101 - checked above, for mypy
            index = command_label_index(settings, store)
            data = control_crosswalk(
                store,
                catalog,
                converter,
                Curation(store, catalog),
                index,
                initiative_id,
                target,
                catalog_file,
            )
            count = len(data["mapping-collection"]["mappings"][0]["maps"])
            what = f"{count} mappings"
    except NotFoundError as exc:
        if exc.kind != "initiative":
            raise
        parameter = "target" if exc.identifier == target else "initiative"
        raise ParameterError(f"unknown initiative {exc.identifier!r}", parameter=parameter) from exc
    body = to_json(data)
    if output is None:
        sys.stdout.buffer.write(body)
    else:
        output.write_bytes(body)
        click.echo(f"wrote {what} to {output}", err=True)


def _count_controls(node: dict[str, object]) -> int:
    """Controls in a catalog, group or control, nested ones included."""
    total = 0
    for key in ("controls", "groups"):
        children = node.get(key)
        if isinstance(children, list):
            total += sum(
                (1 if key == "controls" else 0) + _count_controls(child) for child in children
            )
    return total
