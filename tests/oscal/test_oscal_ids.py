from __future__ import annotations

import pytest

from mosaic.oscal.ids import TOKEN, assign_ids, local_name, token_for


@pytest.mark.parametrize(
    ("notation", "token"),
    [
        ("AML.M0000", "AML.M0000"),
        ("GOVERN 1.1", "GOVERN-1.1"),
        ("C9.5.4", "C9.5.4"),
        ("1.2", "_1.2"),
        ("#DATA MINIMIZE", "DATA-MINIMIZE"),
        ("Réseau / sûr", "Reseau-sur"),
        ("a  --  b", "a-b"),
        ("...", "_"),
        ("", "_"),
    ],
)
def test_notations_become_oscal_tokens(notation: str, token: str) -> None:
    assert token_for(notation) == token
    assert TOKEN.match(token_for(notation))


def test_shared_notations_get_suffixes_in_iri_order() -> None:
    ids = assign_ids([("https://x/b", "D 1"), ("https://x/a", "D 1"), ("https://x/c", "D-1")])
    assert ids == {"https://x/a": "D-1", "https://x/b": "D-1-2", "https://x/c": "D-1-3"}


def test_no_notation_takes_the_iri_local_name_and_avoids_taken_ids() -> None:
    ids = assign_ids([("https://x/scheme#controls", None)], taken=["controls"])
    assert ids == {"https://x/scheme#controls": "controls-2"}
    assert local_name("https://x/y/z/") == "z"
