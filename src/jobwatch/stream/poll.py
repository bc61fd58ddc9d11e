"""Polling fallback: when SSE is refused in a way polling can serve, fetch events as JSON pages instead.

A page is `GET <poll_url>?after=<last event id>` answering a JSON list of `{"id", "event", "data"}` objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx

from jobwatch.stream.errors import FatalError, RetryableError
from jobwatch.stream.events import SSEvent
from jobwatch.stream.http import RETRYABLE_STATUS
from jobwatch.stream.policy import parse_retry_after

POLLABLE_STATUS = frozenset({404, 405, 406, 415, 501})
"""Statuses (besides a 200 with the wrong Content-Type) that say "no SSE here", not "not allowed"."""

MAX_PAGE_BYTES = 16 << 20
"""A poll answer larger than this is refused (a page of events is far smaller)."""

POLL_INTERVAL_MIN = 1.0
SSE_RETRY_INTERVAL = 60.0
"""While polling, try the SSE stream again this often."""


def can_poll(error: FatalError) -> bool:
    """Whether a fatal SSE error is one that a polling endpoint can work around (a proxy refusing SSE)."""
    return error.status_code == 200 or error.status_code in POLLABLE_STATUS


async def fetch_page(
    client: httpx.AsyncClient, poll_url: str, after: str, headers: Mapping[str, str], timeout: float
) -> list[SSEvent]:
    """One page of events after `after`; RetryableError / FatalError as for the stream itself."""
    url = httpx.URL(poll_url)
    if after:
        url = url.copy_merge_params({"after": after})
    asked = {**headers, "Accept": "application/json", "Accept-Encoding": "identity"}
    async with client.stream("GET", url, headers=asked, timeout=timeout) as response:
        code = response.status_code
        body = await _read_bounded(response) if code == 200 else b""
    return _page(response, code, body, after)


async def _read_bounded(response: httpx.Response) -> bytes:
    """The body, refused past MAX_PAGE_BYTES: memory per stream stays bounded whatever a server sends."""
    if response.headers.get("content-encoding", "identity").strip().lower() != "identity":
        raise FatalError("poll: the answer is compressed although identity was asked for")
    body = bytearray()
    async for piece in response.aiter_raw():
        body += piece
        if len(body) > MAX_PAGE_BYTES:
            raise RetryableError(f"poll: the answer is larger than {MAX_PAGE_BYTES >> 20} MiB")
    return bytes(body)


def _page(response: httpx.Response, code: int, body: bytes, after: str) -> list[SSEvent]:
    """What a poll answer means: events, or the error docs/architecture.md §3 gives its status."""
    if code in RETRYABLE_STATUS:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise RetryableError(
            f"poll: HTTP {code} {response.reason_phrase}", status_code=code, retry_after=retry_after
        )
    if code != 200:
        raise FatalError(f"poll: HTTP {code} {response.reason_phrase}", status_code=code)
    try:
        items = json.loads(body)
    except (ValueError, RecursionError):
        raise FatalError("poll: the answer is not JSON") from None
    if not isinstance(items, list):
        raise FatalError("poll: expected a JSON list of events")
    return _events(items, after)


def _events(items: list[object], last_event_id: str) -> list[SSEvent]:
    events: list[SSEvent] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("data"), str):
            raise FatalError('poll: each event must be an object with a string "data"')
        own_id = item.get("id")
        if own_id is not None:
            own_id = str(own_id)
            if "\0" not in own_id:
                last_event_id = own_id
        event_type = item.get("event")
        events.append(
            SSEvent(str(event_type) if event_type else "message", item["data"], last_event_id, own_id)
        )
    return events
