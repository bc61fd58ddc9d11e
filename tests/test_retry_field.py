"""A server's `retry:` of any length is valid input, over real sockets: it is clamped, never fatal."""

from __future__ import annotations

import logging

import pytest

from jobwatch.demo import DemoServer, RawResponse
from jobwatch.stream.events import StreamState
from streamkit import run_stream


@pytest.mark.parametrize("digits", [400, 5000])
async def test_a_retry_of_thousands_of_digits_is_clamped_to_ten_minutes_and_logged(
    digits: int, caplog: pytest.LogCaptureFixture
) -> None:
    body = [b"retry: " + b"7" * digits + b"\nid: 1\ndata: a\n\nevent: complete\ndata: {}\n\n"]
    caplog.set_level(logging.DEBUG, logger="jobwatch.stream")
    async with DemoServer() as server:
        url = server.add_raw("long-retry", [RawResponse(body=body)])
        final, recorder = await run_stream(url, max_retries=0)
    assert final.state is StreamState.COMPLETED
    assert (final.retry_ms, [e.data for e in recorder.events]) == (600_000, ["a", "{}"])
    assert "server retry: above 600000 ms, taken as 600000 ms" in caplog.text
