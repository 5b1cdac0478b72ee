"""Every MCP message is a POST that only reads: limited as an expensive read, not a write."""

from __future__ import annotations

import pytest

from mosaic.api.rate_limit import request_kind


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_mcp_messages_count_as_expensive_reads(method: str) -> None:
    assert request_kind(method, "/mcp") == "expensive"
    assert request_kind(method, "/mcp/") == "expensive"
