"""The one build command of the upstream converters: an upstream copy in, bundled Turtle out.

``python -m mosaic.loaders.build NAME UPSTREAM [-o OUTPUT]`` regenerates the bundled Turtle of
one upstream format (``NAME`` is a format of :data:`mosaic.loaders.upstream.UPSTREAM_FORMATS`)
from a checkout of its upstream and our own definitions. Each converter only says how it is
called for the bundle (its definitions, fixed options, output file and prefixes); parsing the
arguments, printing the problems and writing the file are done here, once for all.

Beside the vocabulary, the build writes the initiative's declared set
(``{id}-declared.ttl``: the threat -> control links it states itself,
:mod:`mosaic.loaders.threat_controls`), or removes it when the conversion has none.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mosaic.loaders.bundle_build import write_bundle
from mosaic.loaders.threat_controls import write_declared_bundle
from mosaic.loaders.upstream import UPSTREAM_FORMATS, UpstreamFormat
from mosaic.rdf.source import LoadResult


@dataclass(frozen=True)
class Bundle:
    """A converted upstream ready to write: the result, where it goes, the prefixes it uses."""

    result: LoadResult
    output: Path
    prefixes: dict[str, str]
    initiative_id: str


def _module(fmt: UpstreamFormat) -> Any:
    """The converter module of a format, imported only when that format is built."""
    return importlib.import_module(fmt.module)


def _standard(fmt: UpstreamFormat, upstream: str) -> Bundle:
    """Convert with the bundled definitions; the module names its output and prefixes."""
    module = _module(fmt)
    result = module.convert(upstream, definitions=module.load_definitions(), **dict(fmt.options))
    return Bundle(result, module.OUTPUT_FILE, module.turtle_prefixes(), fmt.initiative_id)


def _agentic(fmt: UpstreamFormat, upstream: str) -> Bundle:
    """OWASP agentic threats: our names of the untitled mitigations beside the definitions."""
    module = _module(fmt)
    result = module.convert(
        upstream, definitions=module.load_definitions(), names=module.load_names()
    )
    return Bundle(result, module.OUTPUT_FILE, module.turtle_prefixes(), fmt.initiative_id)


def _atlas(fmt: UpstreamFormat, upstream: str) -> Bundle:
    """MITRE ATLAS: the ``atlas`` prefix, output in ``mitre-atlas/``."""
    module = _module(fmt)
    result = module.convert(upstream, definitions=module.load_definitions())
    return Bundle(
        result, module.BUNDLE_PATH, {module.CURIE_PREFIX: module.ATLAS.iri}, fmt.initiative_id
    )


def _aiexchange(fmt: UpstreamFormat, upstream: str) -> Bundle:
    """OWASP AI Exchange: the pages carry no version, so the bundle states the one we read."""
    module = _module(fmt)
    result = module.convert(
        upstream, definitions=module.load_definitions(), version=module.BUNDLED_VERSION
    )
    return Bundle(
        result, module.BUNDLE_PATH, {module.CURIE_PREFIX: module.AIX.iri}, fmt.initiative_id
    )


def _llm_top10(fmt: UpstreamFormat, upstream: str) -> Bundle:
    """OWASP LLM Top 10: one edition's folder of the repository, with that edition's files."""
    module = _module(fmt)
    edition = module.EDITIONS[dict(fmt.options)["edition"]]
    result, output = module.build(upstream, edition)
    return Bundle(result, output, module.turtle_prefixes(edition), fmt.initiative_id)


#: How each format builds its bundle, by the module that converts it.
BUILDERS: dict[str, Callable[[UpstreamFormat, str], Bundle]] = {
    "mosaic.loaders.mitre_atlas": _atlas,
    "mosaic.loaders.owasp_aiexchange": _aiexchange,
    "mosaic.loaders.owasp_llm_top10": _llm_top10,
    "mosaic.loaders.owasp_agentic": _agentic,
}


def build_bundle(name: str, upstream: str) -> Bundle:
    """Convert the upstream copy of format ``name`` as its bundled file is built.

    :param name: an upstream format name (``atlas``, ``cosai``...).
    :param upstream: the upstream checkout (or the folder the converter accepts).
    :returns: the result, the bundled file it belongs in and the prefixes to write it with.
    """
    fmt = UPSTREAM_FORMATS[name]
    return BUILDERS.get(fmt.module, _standard)(fmt, upstream)


def main(argv: list[str] | None = None) -> int:
    """Regenerate one bundled Turtle file from an upstream copy and our definitions.

    :param argv: command-line arguments (without the program name).
    :returns: 0 when written, 1 when the upstream had errors (nothing written), 2 on bad usage.
    """
    parser = argparse.ArgumentParser(
        prog="python -m mosaic.loaders.build",
        description="Regenerate a bundled Turtle file from an upstream checkout.",
    )
    parser.add_argument("name", choices=sorted(UPSTREAM_FORMATS), help="upstream format")
    parser.add_argument("upstream", help="the upstream checkout (or the folder it converts)")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of the bundle")
    args = parser.parse_args(argv)
    bundle = build_bundle(args.name, args.upstream)
    output = args.output or bundle.output
    status = write_bundle(bundle.result, output, bundle.prefixes)
    if status == 0:
        sys.stdout.write(write_declared_bundle(bundle.result, bundle.initiative_id, output.parent))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
