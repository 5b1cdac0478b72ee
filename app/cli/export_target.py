"""What ``mosaic export`` writes: the format a file name implies, checked against ``--format``.

A file is read by its extension, so ``export -o all.nq`` must write N-Quads, whatever the
default format: the extension chooses the format (``.nq``, ``.nt``, ``.ttl``, ``.trig``,
``.jsonld``, ``.rdf``, and ``.tsv``/``.sssom.tsv`` for ``--mappings``), ``--format`` may
confirm it, and a ``--format`` that contradicts the extension is refused before any work.
"""

from __future__ import annotations

from pathlib import Path

from mosaic.errors import ParameterError
from mosaic.rdf.io import FORMAT_NAMES, syntax_for_name, syntax_for_path

#: The format name of ``--mappings`` exports.
SSSOM = "sssom"


def _is_tsv(path: Path) -> bool:
    return path.name.lower().endswith(".tsv")


def export_format(
    output: Path | None, fmt: str | None, *, mappings: bool, whole_store: bool
) -> str:
    """The format to write: ``sssom`` or an RDF syntax name of :mod:`mosaic.rdf.io`.

    :param output: the ``-o`` file, or ``None`` for standard output.
    :param fmt: the ``--format`` given, if any.
    :param mappings: whether the curated mappings are exported (SSSOM TSV).
    :param whole_store: whether every named graph is exported (needs TriG, N-Quads or JSON-LD).
    :raises ParameterError: when ``--format`` contradicts the extension, the extension names no
        format we write and ``--format`` is absent, or the format cannot hold what is exported.
    """
    if mappings:
        if fmt not in (None, SSSOM):
            raise ParameterError("--mappings writes SSSOM TSV; drop --format", parameter="format")
        if output is not None and not _is_tsv(output):
            raise ParameterError(
                f"{output}: --mappings writes SSSOM TSV; name the file .sssom.tsv",
                parameter="output",
            )
        return SSSOM
    chosen = None if fmt is None else syntax_for_name(fmt)
    implied = None
    if output is not None:
        if _is_tsv(output):
            raise ParameterError(
                f"{output}: a .tsv file is SSSOM TSV, written by --mappings", parameter="output"
            )
        implied = syntax_for_path(output)
        if implied is None and chosen is None:
            raise ParameterError(
                f"{output}: cannot tell the format from the extension; use .nq, .nt, .ttl, "
                f".trig, .jsonld or .rdf, or pass --format ({', '.join(FORMAT_NAMES)})",
                parameter="output",
            )
    if chosen is not None and implied is not None and chosen != implied:
        raise ParameterError(
            f"--format {chosen.name} does not match {output}, which names {implied.name}; "
            "drop --format or change the extension",
            parameter="format",
        )
    syntax = chosen or implied or syntax_for_name("trig" if whole_store else "turtle")
    if whole_store and not syntax.has_datasets:
        raise ParameterError(
            f"{syntax.name} cannot hold named graphs; export the whole store as trig, nquads "
            "or jsonld, or pass --initiative",
            parameter="format",
        )
    return syntax.name
