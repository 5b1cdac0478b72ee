"""Guidance: from a threat to the controls every initiative recommends against it, and back.

::

    facts.py        the statements, crosswalks and incidents, read once per store state
    resolution.py   a term, CURIE or IRI -> the threat (or control) it names, or why not
    answer.py       the answer: the threat's sense, control rows with who says so, incidents
    models.py       the JSON models of the answer
    table.py        the answer as CSV rows, for spreadsheets
    picture.py      the answer as an SVG picture, drawn by the server
    coverage.py     threats without controls and controls without threats, per initiative

The data model is in ``docs/data-model.md`` ("Threats and the controls that address them").
"""
