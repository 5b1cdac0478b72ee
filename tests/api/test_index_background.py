"""The server's label index: loaded from the persisted file at start, rebuilt in the background
after a write while requests keep the previous index, and never waited for once one exists.

A *gate* holds every build after the first one until the test opens it, so "the rebuild is
still running" is a state the test controls, not a race it hopes to win. Waits are bounded
(``WAIT``) and only ever reached when the behaviour is wrong.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.terms.index_builder import build_label_index
from mosaic.terms.index_file import FILE_NAME, index_folder
from mosaic.terms.index_holder import LabelIndexHolder
from tests.conftest import DATA

WAIT = 30.0
ALPHA = (DATA / "bundle/alpha/alpha.ttl").read_bytes()
JAILBREAK = b"""
al:A3 a skos:Concept, mosaic:Threat ; skos:prefLabel "Jailbreak"@en ;
    skos:definition "Making a model ignore its safety rules."@en ; skos:notation "A3" ;
    skos:inScheme al:scheme ; skos:topConceptOf al:scheme ;
    dcterms:source <https://example.org/alpha/A3> .
"""


class Gate:
    """Lets the first build through and holds the later ones until :meth:`open`."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self._real = real
        self._open = threading.Event()
        self.held = threading.Event()
        self.calls = 0

    def build(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls > 1:
            self.held.set()
            assert self._open.wait(WAIT), "the gate was never opened"
        return self._real(*args, **kwargs)

    def open(self) -> None:
        self._open.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate(build_label_index)
    monkeypatch.setattr("mosaic.terms.index_holder.build_label_index", held.build)
    yield held
    held.open()  # never leave a build thread waiting


@pytest.fixture
def token(tokens_file: Path) -> str:
    return add_token(tokens_file, "Ann Maintainer", "maintainer", ["alpha"])


def holder_of(client: TestClient) -> LabelIndexHolder:
    held: LabelIndexHolder = client.app.state.label_index  # type: ignore[attr-defined]
    return held


def resolved(client: TestClient, term: str) -> list[str]:
    response = client.get("/terms/resolve", params={"q": term})
    assert response.status_code == 200, response.text
    return [c["curie"] for sense in response.json()["senses"] for c in sense["concepts"]]


def in_time(call: Callable[[], Any]) -> Any:
    """Run ``call`` in a thread; fail (instead of hanging) when it does not return in time."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result(timeout=WAIT)


def put_alpha(client: TestClient, token: str, body: bytes) -> None:
    response = client.put(
        "/initiatives/alpha/graph",
        content=body,
        headers={"content-type": "text/turtle", "authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text


def serve_once(settings: Settings) -> tuple[list[str], int, int]:
    """Start the app over the store of ``settings``, resolve once, stop; the store is closed.

    :returns: the resolved CURIEs, and the indexes the app built and loaded.
    """
    with TestClient(create_app(settings)) as client:
        curies = resolved(client, "prompt injection")
        holder = holder_of(client)
        counts = (holder.built, holder.loaded)
    del client, holder
    gc.collect()  # let the RocksDB lock go before the next start
    return curies, *counts


@pytest.mark.embedded_only(reason="the persisted index lives beside an embedded store folder")
def test_first_request_after_a_start_uses_the_persisted_index_without_building(
    settings: Settings,
) -> None:
    first, built, loaded = serve_once(settings)
    assert (built, loaded) == (1, 0)
    saved = index_folder(settings)
    assert saved is not None
    written = (saved / FILE_NAME).stat().st_mtime_ns
    again, built, loaded = serve_once(settings)
    assert (built, loaded) == (0, 1)  # the first request did not wait for any build
    assert again == first
    assert "al:A1" in again
    assert (saved / FILE_NAME).stat().st_mtime_ns == written


def test_after_a_put_the_old_index_serves_until_the_new_one_is_ready(
    settings: Settings, store: GraphStore, tokens_file: Path, token: str, gate: Gate
) -> None:
    configured = settings.with_overrides(tokens_file=tokens_file)
    with TestClient(create_app(configured, store=store)) as client:
        assert "al:A3" not in resolved(client, "jailbreak")  # the first build (let through)
        holder = holder_of(client)
        put_alpha(client, token, ALPHA + JAILBREAK)
        assert gate.held.wait(WAIT)  # the rebuild has started and is held
        # Answered at once from the previous index, which does not know A3 yet.
        assert "al:A3" not in in_time(lambda: resolved(client, "jailbreak"))
        assert not holder.is_fresh
        gate.open()
        in_time(holder.current)  # the rebuild of the store as of the PUT is done
        assert resolved(client, "jailbreak")[0] == "al:A3"
        assert holder.built == 2


def test_many_requests_during_a_rebuild_all_answer(
    settings: Settings, store: GraphStore, tokens_file: Path, token: str, gate: Gate
) -> None:
    configured = settings.with_overrides(tokens_file=tokens_file)
    with TestClient(create_app(configured, store=store)) as client:
        resolved(client, "prompt injection")
        put_alpha(client, token, ALPHA + JAILBREAK)
        assert gate.held.wait(WAIT)
        terms = ["prompt injection", "A1", "al:A2", "injection", "jailbreak", "promt"] * 8
        with ThreadPoolExecutor(8) as pool:
            futures = [
                pool.submit(client.get, "/terms/resolve", params={"q": term}) for term in terms
            ]
            statuses = [future.result(timeout=WAIT).status_code for future in futures]
        assert statuses == [200] * len(terms)
        assert gate.calls == 2  # one rebuild held, none queued behind it
        gate.open()


def test_recording_a_review_waits_for_the_index_of_the_put_it_names(
    settings: Settings, store: GraphStore, tokens_file: Path, token: str, gate: Gate
) -> None:
    configured = settings.with_overrides(tokens_file=tokens_file)
    review = {
        "subject": "al:A3",
        "object": "be:B7",
        "action": "propose",
        "predicate": "skos:relatedMatch",
    }
    with TestClient(create_app(configured, store=store)) as client:
        resolved(client, "prompt injection")
        put_alpha(client, token, ALPHA + JAILBREAK)
        assert gate.held.wait(WAIT)
        with ThreadPoolExecutor(1) as pool:
            posted = pool.submit(
                client.post,
                "/mappings",
                json=review,
                headers={"authorization": f"Bearer {token}"},
            )
            # Served from the previous index, it would be refused at once (al:A3 unknown).
            with pytest.raises(TimeoutError):
                posted.result(timeout=1.0)
            gate.open()
            response = posted.result(timeout=WAIT)
        assert response.status_code == 201, response.text


def test_a_start_without_a_persisted_index_builds_one_before_any_request(
    settings: Settings, store: GraphStore
) -> None:
    """Start-up begins the first build in the background: an index is there with no request
    having asked for one, so type-ahead after a fresh start does not pay for the build."""
    with TestClient(create_app(settings, store=store)) as client:
        holder = holder_of(client)
        assert holder.loaded == 0  # nothing persisted for this store state: built, not loaded
        deadline = threading.Event()
        for _ in range(int(WAIT * 10)):
            if holder.has_index:
                break
            deadline.wait(0.1)
        assert holder.has_index, "no index was built at start-up"
        assert holder.built == 1
        assert "al:A1" in resolved(client, "prompt injection")
        assert holder.built == 1  # the request used the start-up build
