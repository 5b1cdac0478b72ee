"""What building every bundle shares: our definitions file in, Turtle out.

The build command (:mod:`mosaic.loaders.build`) converts; reading ``definitions.yaml`` and
writing the bundled Turtle (or refusing to, listing every problem) is the same for all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from mosaic.loaders.base import triples_to_turtle
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import SKOS


def read_definitions(path: Path) -> dict[str, str]:
    """Read a definitions file: a YAML mapping of local id to our own definition.

    Runs of whitespace (YAML folding) become single spaces.

    :raises ValueError: when the file is not a mapping of strings to strings.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"{path}: expected a mapping of id to definition")
    return {k: " ".join(v.split()) for k, v in data.items()}


def write_bundle(result: LoadResult, output: Path, prefixes: dict[str, str]) -> int:
    """Write ``result`` as the bundled Turtle file, unless it has issues.

    :returns: 0 when written, 1 when the upstream had errors (each printed; nothing written).
    """
    for warning in result.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    if result.issues:
        for issue in result.issues:
            sys.stderr.write(f"error: {issue}\n")
        sys.stderr.write(f"{len(result.issues)} error(s); {output} not written\n")
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(triples_to_turtle(result.triples, prefixes), encoding="utf-8")
    concepts = sum(1 for t in result.triples if t.predicate == SKOS["inScheme"])
    sys.stdout.write(f"wrote {output}: {concepts} concepts, {len(result.triples)} triples\n")
    return 0
