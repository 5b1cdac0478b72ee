"""Reading our alternative labels: data files of :mod:`mosaic.loaders.altlabels`, not Python.

A converter that adds ``skos:altLabel`` values the upstream does not carry (widely used
synonyms, written by us) reads them here, so changing a label is a data change.
"""

from __future__ import annotations

from importlib import resources

import yaml

PACKAGE = "mosaic.loaders.altlabels"


def parse_alt_labels(text: str, name: str) -> dict[str, tuple[str, ...]]:
    r"""Parse an alternative-labels file: a YAML mapping of local id to a list of labels.

    >>> parse_alt_labels("X1:\n  - one\n  - two\n", "x.yaml")
    {'X1': ('one', 'two')}

    :raises ValueError: when the text is not a mapping of ids to lists of non-empty strings.
    """
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str)
        and isinstance(v, list)
        and v
        and all(isinstance(label, str) and label.strip() for label in v)
        for k, v in data.items()
    ):
        raise ValueError(f"{name}: expected a mapping of id to a list of labels")
    return {k: tuple(v) for k, v in data.items()}


def alt_labels(initiative_id: str) -> dict[str, tuple[str, ...]]:
    """Our alternative labels for an initiative's concepts, by local id (empty if none).

    >>> alt_labels("mitre-atlas")["AML.T0054"]
    ('jailbreak', 'jailbreaking')
    """
    name = f"{initiative_id}.yaml"
    path = resources.files(PACKAGE).joinpath(name)
    if not path.is_file():
        return {}
    return parse_alt_labels(path.read_text(encoding="utf-8"), name)
