"""A guidance answer as a picture: an SVG the server draws, no script needed.

The subject's sense sits in the middle; the rows (control senses) stand around it in two
columns, each box coloured by the initiatives that name a control in it (a stripe per
initiative) and tied to the middle by a line; the incidents are listed below. The drawing is
400 units wide and scales to its container, so at a 390 px phone width a unit is about a pixel
and the 12-unit text stays legible. Accessibility: ``role="img"``, a ``<title>`` and a
``<desc>`` that says in words what the picture shows, a ``<title>`` on every box, and the page
around it carries the same answer as a table.
"""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape, quoteattr

from mosaic.guidance.models import GuidanceAnswer, Row

WIDTH = 400
BOX_W, BOX_H, GAP = 132, 44, 10
CENTER_W, CENTER_H = 124, 56
#: At most this many rows are drawn; the table lists them all.
MAX_ROWS = 12
MAX_INCIDENTS = 6
#: Colours of the bundled initiatives (Okabe-Ito and Tol's palettes: distinguishable with
#: colour-vision deficiencies; the stripes also carry the initiative's name in each tooltip).
COLOURS = {
    "mitre-atlas": "#0072B2",
    "owasp-aiexchange": "#E69F00",
    "cosai-risk-map": "#009E73",
    "owasp-aisvs": "#CC79A7",
    "owasp-llm-top10-2025": "#D55E00",
    "owasp-llm-top10-2023": "#F0A877",
    "owasp-agentic-threats": "#56B4E9",
    "nist-ai-rmf": "#332288",
    "nist-ai-100-2": "#44AA99",
    "eu-ai-act": "#882255",
    "etsi-sai": "#999933",
    "avid": "#AA4499",
    "oecd-ai": "#117733",
    "iso-iec-22989": "#888888",
    "mit-ai-risk-repository": "#661100",
}


def colour(initiative: str) -> str:
    """The colour of an initiative (a stable one from its id when it is not bundled)."""
    if initiative in COLOURS:
        return COLOURS[initiative]
    digest = hashlib.sha256(initiative.encode()).hexdigest()
    return f"#{digest[:6]}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _lines(text: str, limit: int = 19) -> list[str]:
    """Up to two lines of at most ``limit`` characters, broken between words.

    Capitals are wider than small letters, so a label in capitals (the AI Exchange writes its
    controls so) gets fewer characters a line.
    """
    if text.isupper():
        limit -= 3
    words = text.split()
    first: list[str] = []
    while words and len(" ".join([*first, words[0]])) <= limit:
        first.append(words.pop(0))
    if not first:
        return [_short(text, limit)]
    rest = " ".join(words)
    return [" ".join(first)] + ([_short(rest, limit)] if rest else [])


def _drawn(answer: GuidanceAnswer) -> list[Row]:
    direct = [r for r in answer.rows if any(m.reached != "related" for m in r.members)]
    return (direct or answer.rows)[:MAX_ROWS]


def _box(row: Row, x: float, y: float, anchor_x: float, centre: tuple[float, float]) -> str:
    """One row: a line to the middle, a box with a stripe per initiative, its label."""
    parts = [
        f'<line x1="{centre[0]:.0f}" y1="{centre[1]:.0f}" x2="{anchor_x:.0f}" '
        f'y2="{y + BOX_H / 2:.0f}" stroke="#9aa0a6" stroke-width="1"/>',
        f'<g class="row"><title>{escape(row.label)}: {escape(", ".join(row.initiatives))}</title>',
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="5" '
        'fill="#ffffff" stroke="#5f6368"/>',
    ]
    stripe = BOX_W / max(len(row.initiatives), 1)
    for i, initiative in enumerate(row.initiatives):
        parts.append(
            f'<rect x="{x + i * stripe:.1f}" y="{y + BOX_H - 6:.0f}" width="{stripe:.1f}" '
            f'height="6" fill="{colour(initiative)}"/>'
        )
    for i, line in enumerate(_lines(row.label)):
        parts.append(
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 16 + i * 13:.0f}" text-anchor="middle">'
            f"{escape(line)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _description(answer: GuidanceAnswer, rows: list[Row]) -> str:
    listed = "; ".join(f"{r.label} ({', '.join(r.initiatives)})" for r in rows)
    more = len(answer.rows) - len(rows)
    namers = ", ".join(sorted({c.initiative or "?" for c in answer.concepts}))
    other = "control" if answer.direction == "threat" else "threat"
    text = (
        f"{answer.label} in the middle, named by {namers}. Around it, {len(rows)} of "
        f"{len(answer.rows)} {other} senses and the initiatives that name them: {listed}."
    )
    if more > 0:
        text += f" {more} more are in the table."
    if answer.incidents:
        text += f" {len(answer.incidents)} incidents, the latest {answer.incidents[0].label}."
    return text


def to_svg(answer: GuidanceAnswer) -> str:
    """The answer as a standalone, accessible SVG document fragment."""
    rows = _drawn(answer)
    per_side = (len(rows) + 1) // 2
    ring_h = max(CENTER_H + 2 * GAP, per_side * (BOX_H + GAP) + GAP)
    top = 34
    centre = (WIDTH / 2, top + ring_h / 2)
    body: list[str] = []
    for i, row in enumerate(rows):
        side, slot = i % 2, i // 2
        count = per_side if side == 0 else len(rows) - per_side
        offset = (ring_h - count * (BOX_H + GAP) + GAP) / 2
        y = top + offset + slot * (BOX_H + GAP)
        x = 4 if side == 0 else WIDTH - BOX_W - 4
        anchor = x + BOX_W if side == 0 else x
        body.append(_box(row, x, y, anchor, centre))
    cx, cy = centre[0] - CENTER_W / 2, centre[1] - CENTER_H / 2
    body.append(
        f'<g class="subject"><title>{escape(answer.label)} ({escape(answer.sense)})</title>'
        f'<rect x="{cx:.0f}" y="{cy:.0f}" width="{CENTER_W}" height="{CENTER_H}" rx="8" '
        'fill="#202124"/>'
    )
    for i, line in enumerate(_lines(answer.label, 16)):
        body.append(
            f'<text x="{centre[0]:.0f}" y="{cy + 22 + i * 14:.0f}" text-anchor="middle" '
            f'fill="#ffffff" font-weight="bold">{escape(line)}</text>'
        )
    body.append("</g>")
    y = top + ring_h + 18
    columns = sorted({i for r in rows for i in r.initiatives})
    for i, initiative in enumerate(columns):
        lx, ly = 4 + (i % 2) * (WIDTH / 2), y + (i // 2) * 16
        body.append(
            f'<rect x="{lx:.0f}" y="{ly - 9:.0f}" width="10" height="10" '
            f'fill="{colour(initiative)}"/>'
            f'<text x="{lx + 14:.0f}" y="{ly:.0f}">{escape(initiative)}</text>'
        )
    y += ((len(columns) + 1) // 2) * 16 + 12
    if answer.incidents:
        body.append(
            f'<text x="4" y="{y:.0f}" font-weight="bold">Incidents ({len(answer.incidents)})</text>'
        )
        for incident in answer.incidents[:MAX_INCIDENTS]:
            y += 15
            label = _short(f"{(incident.date or '')[:7]} {incident.label or incident.iri}", 60)
            link = incident.source or incident.iri
            body.append(
                f'<a href={quoteattr(link)}><text x="10" y="{y:.0f}" fill="#1a0dab">'
                f"{escape(label)}</text></a>"
            )
        if len(answer.incidents) > MAX_INCIDENTS:
            y += 15
            more = len(answer.incidents) - MAX_INCIDENTS
            body.append(f'<text x="10" y="{y:.0f}">and {more} more in the list</text>')
    height = y + 12
    verb = "Controls against" if answer.direction == "threat" else "Threats addressed by"
    title = f"{verb} {answer.label}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-labelledby="guidance-title guidance-desc" class="guidance-picture" '
        'font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="guidance-title">{escape(title)}</title>'
        f'<desc id="guidance-desc">{escape(_description(answer, rows))}</desc>'
        f'<text x="4" y="16" font-weight="bold" font-size="13">{escape(_short(title, 56))}</text>'
        + "".join(body)
        + "</svg>"
    )
