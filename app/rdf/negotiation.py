"""Content negotiation: a pure function from an Accept header (or a format name) to a syntax.

Table-driven and tested with a parametrized table; nothing acceptable raises
:class:`~mosaic.errors.NotAcceptableError` listing what is offered (HTTP 406).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from mosaic.errors import NotAcceptableError

T = TypeVar("T")


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values, best first (stable for ties).

    >>> parse_accept("text/turtle;q=0.5, application/ld+json")
    [('application/ld+json', 1.0), ('text/turtle', 0.5)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return sorted(ranges, key=lambda item: -item[1])


def _specificity(media_range: str, media_type: str) -> int:
    """How specifically a range matches a type: -1 no match, 0 ``*/*``, 1 ``type/*``, 2 exact."""
    if media_range in ("*/*", "*"):
        return 0
    if media_range.endswith("/*"):
        return 1 if media_type.startswith(media_range[:-1]) else -1
    return 2 if media_range == media_type else -1


def negotiate(accept: str | None, offers: Sequence[tuple[str, T]]) -> tuple[str, T]:
    """Pick the offer the client prefers; on a tie, the server's order decides.

    An offer's quality is that of the most specific range matching it (RFC 9110, 12.5.1), so
    ``text/*;q=0, text/turtle`` accepts Turtle and nothing else of ``text/``.

    :param accept: the Accept header (``None`` or empty means anything).
    :param offers: ``(media type, value)`` pairs in the server's order of preference.
    :returns: the chosen media type and its value.
    :raises NotAcceptableError: when no offer is acceptable.
    """
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen: tuple[str, T] | None = None
    for index, (media_type, value) in enumerate(offers):
        matching = [(_specificity(r, media_type), q) for r, q in ranges]
        matching = [m for m in matching if m[0] >= 0]
        if not matching:
            continue
        quality = max(matching)[1]
        if quality > 0 and (best is None or (quality, -index) > best):
            best, chosen = (quality, -index), (media_type, value)
    if chosen is None:
        offered = [media_type for media_type, _ in offers]
        raise NotAcceptableError(
            f"none of the accepted media types is offered; offered: {', '.join(offered)}",
            offered=offered,
        )
    return chosen
