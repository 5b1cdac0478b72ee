from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from mosaic.access.tokens import (
    LAST_USED_RESOLUTION,
    TokenRegistry,
    add_token,
    authorize,
    hash_token,
    last_used_path,
    list_tokens,
    normalise_orcid,
    read_tokens,
    remove_token,
)
from mosaic.errors import AuthenticationError, ForbiddenError, ParameterError, ReadOnlyError


def test_added_token_is_stored_as_a_hash_only(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    token = add_token(path, "Ann", "maintainer", ["alpha"], "https://orcid.org/0000-0002-1825-0097")
    text = path.read_text()
    assert token.startswith("mosaic_") and len(token) > 40
    assert token not in text
    record = json.loads(text)["tokens"][0]
    assert record["hash"] == hash_token(token)
    assert record["orcid"] == "0000-0002-1825-0097"
    assert record["initiatives"] == ["alpha"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_tokens_are_appended_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    add_token(path, "Ann", "maintainer", ["alpha"])
    add_token(path, "Root", "admin", [])
    assert [t.name for t in read_tokens(path).tokens] == ["Ann", "Root"]


@pytest.mark.parametrize(
    ("role", "initiatives", "orcid", "message"),
    [
        ("owner", ["alpha"], None, "unknown role"),
        ("maintainer", [], None, "needs at least one --initiative"),
        ("curator", ["Not_An_Id"], None, "invalid initiative id"),
        ("maintainer", ["alpha"], "1234", "not an ORCID"),
    ],
)
def test_bad_token_requests_are_refused(
    tmp_path: Path, role: str, initiatives: list[str], orcid: str | None, message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        add_token(tmp_path / "tokens.json", "Ann", role, initiatives, orcid)
    assert not (tmp_path / "tokens.json").exists()


def test_bearer_token_identifies_its_holder(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    add_token(path, "Ann", "maintainer", ["beta"])
    token = add_token(path, "Bob", "curator", ["alpha"], "0000-0002-1825-0097")
    identity = TokenRegistry(path).authenticate(f"Bearer {token}")
    assert (identity.name, identity.role, identity.initiatives) == ("Bob", "curator", ("alpha",))
    assert identity.orcid == "0000-0002-1825-0097"


@pytest.mark.parametrize(
    ("header", "error"),
    [
        (None, None),
        ("", None),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer ", None),
        ("Bearer mosaic_not-a-token", "invalid_token"),
    ],
)
def test_missing_or_wrong_token_is_an_authentication_error(
    tmp_path: Path, header: str | None, error: str | None
) -> None:
    path = tmp_path / "tokens.json"
    add_token(path, "Ann", "maintainer", ["alpha"])
    with pytest.raises(AuthenticationError) as info:
        TokenRegistry(path).authenticate(header)
    assert info.value.error == error
    assert info.value.challenge.startswith('Bearer realm="mosaic"')


def test_token_in_the_url_is_refused_even_when_valid(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    token = add_token(path, "Ann", "admin", [])
    with pytest.raises(AuthenticationError, match="never in the URL"):
        TokenRegistry(path).authenticate(f"Bearer {token}", ["access_token"])


@pytest.mark.parametrize("configured", [False, True])
def test_no_tokens_file_disables_writes(tmp_path: Path, configured: bool) -> None:
    registry = TokenRegistry(tmp_path / "absent.json" if configured else None)
    with pytest.raises(ReadOnlyError):
        registry.authenticate("Bearer anything")


def test_unreadable_tokens_file_disables_writes(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    with pytest.raises(ReadOnlyError):
        TokenRegistry(path).authenticate("Bearer anything")


def test_new_tokens_are_picked_up_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    add_token(path, "Ann", "maintainer", ["alpha"])
    registry = TokenRegistry(path)
    with pytest.raises(AuthenticationError):
        registry.authenticate("Bearer mosaic_x")
    token = add_token(path, "Bob", "maintainer", ["alpha"])
    assert registry.authenticate(f"Bearer {token}").name == "Bob"


def test_admin_writes_everything_others_only_their_initiatives(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    admin = TokenRegistry(path)
    admin_token = add_token(path, "Root", "admin", [])
    maintainer_token = add_token(path, "Ann", "maintainer", ["alpha"])
    authorize(admin.authenticate(f"Bearer {admin_token}"), "anything")
    ann = admin.authenticate(f"Bearer {maintainer_token}")
    authorize(ann, "alpha")
    with pytest.raises(ForbiddenError, match="may not write initiative 'beta'"):
        authorize(ann, "beta")


def test_orcid_forms() -> None:
    assert normalise_orcid("0000-0002-1825-009X") == "0000-0002-1825-009X"
    assert normalise_orcid(" https://orcid.org/0000-0002-1825-0097 ") == "0000-0002-1825-0097"


def test_token_list_shows_who_and_when_but_never_a_token_or_hash(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    token = add_token(path, "Ann", "maintainer", ["alpha", "beta"], "0000-0002-1825-0097")
    add_token(path, "Root", "admin", [])
    listed = list_tokens(path)
    assert [(t.name, t.role, t.initiatives) for t in listed] == [
        ("Ann", "maintainer", ("alpha", "beta")),
        ("Root", "admin", ()),
    ]
    assert all(t.created and t.last_used is None for t in listed)
    shown = repr(listed)
    assert token not in shown
    assert "sha256" not in shown
    TokenRegistry(path).authenticate(f"Bearer {token}")
    assert list_tokens(path)[0].last_used is not None
    assert list_tokens(path)[1].last_used is None


def test_last_use_is_written_at_most_once_a_minute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tokens.json"
    token = add_token(path, "Ann", "admin", [])
    registry = TokenRegistry(path)
    now = [1_800_000_000.0]
    monkeypatch.setattr("mosaic.access.tokens.time.time", lambda: now[0])
    registry.authenticate(f"Bearer {token}")
    first = last_used_path(path).stat().st_ino
    now[0] += LAST_USED_RESOLUTION / 2
    registry.authenticate(f"Bearer {token}")
    assert last_used_path(path).stat().st_ino == first  # not written again
    now[0] += LAST_USED_RESOLUTION
    registry.authenticate(f"Bearer {token}")
    assert last_used_path(path).stat().st_ino != first
    assert list_tokens(path)[0].last_used == "2027-01-15T08:01:30+00:00"


def test_removed_token_is_refused_at_once_even_if_size_and_time_match(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    old = add_token(path, "Ann", "admin", [])
    registry = TokenRegistry(path)
    registry.authenticate(f"Bearer {old}")
    before = path.stat()
    assert remove_token(path, "Ann") == 1
    new = add_token(path, "Ann", "admin", [])  # same name, so a file of the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime
    assert path.stat().st_size == before.st_size
    with pytest.raises(AuthenticationError):
        registry.authenticate(f"Bearer {old}")
    assert registry.authenticate(f"Bearer {new}").name == "Ann"


def test_remove_token_of_an_unknown_name_says_who_is_known(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    add_token(path, "Ann", "admin", [])
    with pytest.raises(ParameterError, match=r"no token named 'Bob' in .* \(known: Ann\)"):
        remove_token(path, "Bob")
    assert [t.name for t in list_tokens(path)] == ["Ann"]
