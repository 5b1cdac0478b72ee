"""The SVG badge of a scorecard, drawn by the server for an initiative's README.

Two boxes in the familiar flat style, a label and a message ("MOSAIC | 0 violations · 78%
mapped"), green when the initiative's graph has no SHACL violation and red when it has. Every
text goes through XML escaping (a label may come from the query string), and the widths are
estimated from character classes: no font is read, so the badge is the same on every server.

>>> "a&lt;b" in draw_badge("a<b", "1 violation")
True
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from mosaic.analysis.scorecard_models import Scorecard

GREEN = "#4c1"
RED = "#e05d44"
GREY = "#555"
#: Approximate advance of Verdana 11 px, by character class (wide, narrow, other).
_NARROW = set("fijlrtI!.,:;'|() ")
_WIDE = set("mwMW%@")


def text_width(text: str) -> int:
    """An estimate of ``text``'s width in pixels at 11 px Verdana."""
    return round(sum(4.0 if c in _NARROW else 10.0 if c in _WIDE else 7.0 for c in text))


def badge_message(card: Scorecard) -> str:
    """What the right box says: violations, then the share of concepts mapped."""
    violations = card.findings.violations
    parts = [f"{violations} violation{'s' if violations != 1 else ''}"]
    if card.mapped_share is not None:
        parts.append(f"{round(card.mapped_share * 100)}% mapped")
    return " · ".join(parts)


def badge_colour(card: Scorecard) -> str:
    """Red when a Violation is held, green otherwise."""
    return RED if card.findings.violations else GREEN


def draw_badge(label: str, message: str, colour: str = GREEN) -> str:
    """The SVG text of a badge; ``label`` and ``message`` are escaped here."""
    left = text_width(label) + 12
    right = text_width(message) + 12
    total = left + right
    title = escape(f"{label}: {message}")
    label_text, message_text = escape(label), escape(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f"aria-label={quoteattr(f'{label}: {message}')}>"
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="{GREY}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill={quoteattr(colour)}/>'
        f'<rect width="{total}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:g}" y="14">{label_text}</text>'
        f'<text x="{left + right / 2:g}" y="14">{message_text}</text></g></svg>'
    )


def scorecard_badge(card: Scorecard, label: str = "MOSAIC") -> str:
    """The badge of a scorecard."""
    return draw_badge(label, badge_message(card), badge_colour(card))
