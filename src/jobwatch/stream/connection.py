"""One connection of a job's stream: the request (redirects included), watchdog, parse, de-duplicate, deliver.

It ends by raising what the connection's end means (errors.py, JobCompleted); the stream decides what next.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Callable
from typing import NoReturn, Protocol

import httpx

from jobwatch.stream.bursts import BurstReader
from jobwatch.stream.delivery import Delivery, JobCompleted
from jobwatch.stream.errors import FatalError, HeartbeatTimeout, ReconnectRequested, StreamEnded
from jobwatch.stream.events import Cause, SSEvent
from jobwatch.stream.http import (
    REDIRECT_STATUS,
    NoContent,
    check_redirect,
    check_response,
    host_name,
    redirect_target,
    request_headers,
    same_origin,
)
from jobwatch.stream.inflate import content_coding, inflated
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.parser import RETRY_CEILING_MS, SSEParser, skip_notice
from jobwatch.stream.spec import StreamSpec
from jobwatch.stream.watchdog import Watchdog

HEARTBEAT_REPORT = 0.2
"""Bytes arriving back to back are reported as a heartbeat at most this often (seconds); ages show seconds."""

BUSY_SLICE = 0.005
"""A stream reading back-to-back yields the event loop to the others at least this often (seconds)."""


class ConnectionOwner(Protocol):
    """What a connection tells the stream that owns it."""

    @property
    def retry_ms(self) -> int: ...
    def opened(self) -> None: ...
    def retry_changed(self, ms: int) -> None: ...
    def first_event(self) -> None: ...
    def cursor_moved(self) -> None: ...
    def notice(self, message: str, cause: Cause = ...) -> None: ...
    def log(self, message: str, *args: object) -> None: ...


class Connection:
    """A single attempt: `run()` never returns normally, it raises how the connection ended."""

    def __init__(
        self,
        spec: StreamSpec,
        client: httpx.AsyncClient,
        delivery: Delivery,
        observer: StreamObserver,
        owner: ConnectionOwner,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._spec = spec
        self._client = client
        self._delivery = delivery
        self._observer = observer
        self._owner = owner
        self._clock = clock
        self._watchdog: Watchdog | None = None
        self.delivered = False
        """Whether this connection delivered at least one event."""
        self.opened = False
        """Whether the response was a 200 `text/event-stream` (a good connection, whatever followed)."""

    def drop_now(self) -> None:
        """End the connection at once (a manual reconnect): `run()` raises ReconnectRequested."""
        if self._watchdog is not None:
            self._watchdog.expire_now()

    async def run(self) -> NoReturn:
        spec, log, cursor = self._spec, self._owner.log, self._delivery.last_event_id
        url = httpx.URL(spec.url)
        headers = request_headers(spec.headers, cursor)
        carry_user_headers = True
        log("GET %s (Last-Event-ID %r)", url, cursor)
        watchdog: Watchdog | None = None
        try:
            async with asyncio.timeout(None) as scope:
                watchdog = self._watchdog = Watchdog(spec.heartbeat_timeout, scope)
                for _ in range(spec.max_redirects + 1):
                    async with self._client.stream("GET", url, headers=headers) as response:
                        if response.status_code in REDIRECT_STATUS:
                            target = redirect_target(response)
                            log("HTTP %d redirect to %s", response.status_code, target)
                            check_redirect(url, target, insecure=spec.verify is False)
                            # The user's headers stay with their origin, whatever their names, unless the
                            # user named the target host as trusted; once dropped they stay dropped.
                            carry_user_headers = carry_user_headers and (
                                same_origin(url, target) or host_name(target) in spec.forward_headers_to
                            )
                            headers = request_headers(spec.headers if carry_user_headers else {}, cursor)
                            url = target
                            continue
                        log(
                            "HTTP %d, Content-Type %r",
                            response.status_code,
                            response.headers.get("content-type"),
                        )
                        check_response(response)
                        self.opened = True
                        self._owner.opened()
                        await self._read(response, watchdog, resumed=bool(cursor))
                        raise StreamEnded("server closed the stream")
                raise FatalError(f"more than {spec.max_redirects} redirects")
        except TimeoutError:
            if watchdog is not None and watchdog.manual:
                raise ReconnectRequested("reconnect requested") from None
            if watchdog is not None and watchdog.expired:
                raise HeartbeatTimeout(
                    f"no data for {spec.heartbeat_timeout:g}s (heartbeat timeout)"
                ) from None
            raise
        except NoContent:
            raise JobCompleted("server answered 204 No Content", status_code=204) from None
        finally:
            if watchdog is not None:
                watchdog.cancel()
            self._watchdog = None

    async def _read(self, response: httpx.Response, watchdog: Watchdog, resumed: bool) -> None:
        delivery, owner, observer = self._delivery, self._owner, self._observer
        name, clock, limit = self._spec.name, self._clock, self._spec.max_line_bytes
        coding = content_coding(response.headers.get("content-encoding"))
        parser = SSEParser(delivery.last_event_id, max_line_bytes=limit)
        # After a resume, servers may send again events we already delivered (inclusive or sloppy resumes).
        seen = delivery.replays.checker() if resumed else _never_seen
        replaying = resumed
        loop_time = asyncio.get_running_loop().time
        yielded = beat = loop_time()
        observer.on_heartbeat(name, clock())
        # Read the transport's own byte stream (the bytes of aiter_raw()) and skip aiter_raw()'s chunker and
        # bookkeeping on every piece; a compressed body is inflated here in bounded steps, not by httpx.
        body = response.stream if isinstance(response.stream, AsyncIterable) else response.aiter_raw()
        if coding is not None:
            body = inflated(body, coding)
        async with BurstReader(body) as reader:
            while pieces := await reader.burst():
                now = watchdog.feed()
                if now - beat >= HEARTBEAT_REPORT:
                    beat = now
                    observer.on_heartbeat(name, clock())
                events = parser.feed(pieces[0] if len(pieces) == 1 else b"".join(pieces))
                if parser.skipped:
                    for own_id, size in parser.skipped:
                        owner.notice(skip_notice(own_id, size, limit))
                    parser.skipped.clear()
                if parser.retry is not None and parser.retry != owner.retry_ms:
                    if parser.retry_capped:
                        owner.log("server retry: above %d ms, taken as %d ms", RETRY_CEILING_MS, parser.retry)
                    owner.retry_changed(parser.retry)
                if events:
                    if replaying:
                        replaying = delivery.replays.drop_replayed(events, seen)
                    if events:
                        if not self.delivered:
                            self.delivered = True
                            owner.first_event()
                        delivery.deliver(events)
                if parser.last_event_id != delivery.last_event_id and not replaying:
                    # A block without data (or a skipped event) still commits its id (WHATWG dispatch step
                    # 1); ids of replayed events never move the cursor (back).
                    delivery.last_event_id = parser.last_event_id
                    owner.cursor_moved()
                # A burst is parsed without suspending, so a flooding stream could hold the event loop (and
                # every other stream and the UI) for long; give it up at least every slice.
                if now - yielded > BUSY_SLICE:
                    await asyncio.sleep(0)
                    yielded = loop_time()
        parser.close()


def _never_seen(event: SSEvent) -> bool:
    """The replay test of a first connection: nothing was delivered before it."""
    return False
