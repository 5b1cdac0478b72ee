"""OSCAL identifiers from an initiative's notations.

An OSCAL ``id`` is a token: a letter or ``_`` first, then letters, digits, ``.``, ``-`` and
``_``. Notations are not always tokens (``GOVERN 1.1``, ``1.2.3``, ``#DATA``), so each is mapped
the same way every time, and the original stays on the control as its ``label`` prop:

- characters outside ASCII letters, digits, ``.``, ``-`` and ``_`` become ``-`` (accents are
  dropped first), runs of ``-`` shrink to one, and ``-`` or ``.`` at either end go;
- an id that would not start with a letter or ``_`` gets ``_`` in front;
- a concept without a notation takes the last segment of its IRI the same way;
- when two concepts would get the same id, the one whose IRI sorts first keeps it and the
  others get ``-2``, ``-3``, ... in IRI order.

>>> token_for("GOVERN 1.1")
'GOVERN-1.1'
>>> token_for("1.2")
'_1.2'
>>> token_for("#DATA MINIMIZE")
'DATA-MINIMIZE'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_OUTSIDE = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
#: The OSCAL token syntax, restricted to ASCII (what :func:`token_for` produces).
TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def token_for(text: str) -> str:
    """The OSCAL token for a notation (or any text); ``_`` when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    token = _DASHES.sub("-", _OUTSIDE.sub("-", ascii_text)).strip("-.")
    if not token or not (token[0].isalpha() or token[0] == "_"):
        token = "_" + token
    return token


def local_name(iri: str) -> str:
    """The last segment of an IRI (after the last ``#`` or ``/``)."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def assign_ids(
    concepts: Iterable[tuple[str, str | None]], taken: Iterable[str] = ()
) -> dict[str, str]:
    """OSCAL ids for ``(iri, notation)`` pairs, unique among themselves and ``taken``.

    :returns: the id of each IRI.
    """
    used = set(taken)
    ids: dict[str, str] = {}
    for iri, notation in sorted(set(concepts)):
        if iri in ids:
            continue
        base = token_for(notation or local_name(iri))
        candidate, number = base, 1
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        ids[iri] = candidate
    return ids
