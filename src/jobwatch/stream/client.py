"""One job's resilient stream: connect, parse, resume, back off, watchdog, report (design §3)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import replace

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type

from jobwatch.stream.delivery import Delivery, JobCompleted
from jobwatch.stream.errors import (
    FatalError,
    HeartbeatTimeout,
    ReconnectRequested,
    RetryableError,
    StreamEnded,
    StreamError,
)
from jobwatch.stream.events import StreamState, StreamStatus
from jobwatch.stream.http import (
    REDIRECT_STATUS,
    NoContent,
    check_response,
    classify_transport_error,
    headers_for_redirect,
    make_client,
    redirect_target,
    request_headers,
)
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.parser import SSEParser
from jobwatch.stream.policy import Attempts, Backoff, GiveUp
from jobwatch.stream.poll import POLL_INTERVAL_MIN, SSE_RETRY_INTERVAL, can_poll, fetch_page
from jobwatch.stream.spec import StreamSpec
from jobwatch.stream.watchdog import Watchdog

__all__ = ["JobStream", "make_client"]

log = logging.getLogger("jobwatch.stream")

HEARTBEAT_REPORT = 0.2
"""Bytes arriving back to back are reported as a heartbeat at most this often (seconds); ages show seconds."""

BUSY_SLICE = 0.005
"""A stream reading back-to-back yields the event loop to the others at least this often (seconds)."""

log = logging.getLogger("jobwatch.stream")

HEARTBEAT_REPORT = 0.2
"""Bytes arriving back to back are reported as a heartbeat at most this often (seconds); ages show seconds."""

BUSY_SLICE = 0.005
"""A stream reading back-to-back yields the event loop to the others at least this often (seconds)."""


class JobStream:
    """Keeps one job's SSE stream alive until it completes, fails, gives up or is cancelled.

    Everything it does reaches `observer`: events (de-duplicated across resumes), status snapshots on every
    state or counter change, and a heartbeat per received chunk. Cancel the task running `run()` to stop.
    """

    def __init__(
        self,
        spec: StreamSpec,
        observer: StreamObserver,
        *,
        client: httpx.AsyncClient,
        redactor: Callable[[str], str] = str,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self.spec = spec
        self._observer = observer
        self._client = client
        self._redact = redactor
        self._clock = clock
        self._attempts = Attempts(retry_ms=spec.initial_retry_ms)
        self._backoff = Backoff(self._attempts, spec.max_backoff, rng or random.Random())
        self._sleep = sleep
        self._connections = 0
        self._delivery = Delivery(
            spec.name,
            observer,
            spec.complete_events,
            spec.last_event_id,
            job_error=lambda message: self._report(last_error=self._redact(message)),
        )
        self._status = StreamStatus(StreamState.CONNECTING, last_event_id=self.last_event_id)
        self._wake = asyncio.Event()
        self._watchdog: Watchdog | None = None

    @property
    def last_event_id(self) -> str:
        """The cursor: the last event ID committed (sent as Last-Event-ID on resume)."""
        return self._delivery.last_event_id

    @property
    def status(self) -> StreamStatus:
        return self._status

    def reconnect_now(self) -> None:
        """Drop the current connection, or cut the current wait short, and connect again at once."""
        if self._watchdog is not None:
            self._watchdog.expire_now()
        self._wake.set()

    async def run(self) -> StreamStatus:
        """Run until a final state; returns the final status. Cancellation reports STOPPED and re-raises."""
        try:
            while True:
                try:
                    await self._run_sse()
                except FatalError as exc:
                    if not (self.spec.poll_url and can_poll(exc)):
                        raise
                    await self._poll(exc)
        except JobCompleted as done:
            self._report(StreamState.COMPLETED, last_error=None, detail=str(done))
        except FatalError as exc:
            self._report(StreamState.FAILED, last_error=self._redact(str(exc)))
        except RetryableError as exc:
            if self.spec.max_retries == 0 and isinstance(exc, StreamEnded):
                self._report(StreamState.COMPLETED, last_error=None, detail="stream ended")
            else:
                error = self._redact(str(exc))
                self._report(StreamState.GAVE_UP, last_error=error)
        except asyncio.CancelledError:
            self._report(StreamState.STOPPED)
            self._log("stopped")
            raise
        status = self._status
        self._log("%s: %s", status.state.value, status.last_error or status.detail or "")
        return status

    async def _run_sse(self) -> None:
        retrying = AsyncRetrying(
            stop=GiveUp(self._attempts, self.spec.max_retries),
            wait=self._backoff,
            retry=retry_if_exception_type(RetryableError),
            sleep=self._wait,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self._connect_once()

    async def _poll(self, refused: FatalError) -> None:
        """Serve the job from its poll_url with the same cursor and counters; return to retry SSE later."""
        assert self.spec.poll_url is not None
        self._log("SSE refused (%s): polling %s", refused, self.spec.poll_url)
        cause = self._redact(f"SSE unavailable ({refused}); polling")
        self._report(StreamState.POLLING, last_error=cause, delay=None)
        interval = max(POLL_INTERVAL_MIN, self._attempts.retry_ms / 1000)
        polling_since = self._clock()
        while self._clock() - polling_since < SSE_RETRY_INTERVAL:
            try:
                events = await fetch_page(
                    self._client,
                    self.spec.poll_url,
                    self.last_event_id,
                    self.spec.headers,
                    self.spec.heartbeat_timeout,
                )
            except (RetryableError, httpx.HTTPError) as exc:
                error = exc if isinstance(exc, RetryableError) else classify_transport_error(exc)
                if not error.retryable:
                    raise error from None
                self._attempts.record(error)
                if GiveUp(self._attempts, self.spec.max_retries)(None):  # type: ignore[arg-type]
                    raise error from None
                self._report(last_error=self._redact(str(error)))
                await self._wait(self._backoff.delay(error))
                continue
            self._observer.on_heartbeat(self.spec.name, self._clock())
            if events:
                self._attempts.failed = 0
                self._report(StreamState.POLLING, attempt=0, last_error=cause)
                self._delivery.deliver(events)
            await self._wait(interval)
        self._log("polled for %ss: trying SSE again", SSE_RETRY_INTERVAL)

    async def _connect_once(self) -> None:
        if self._connections:
            self._attempts.reconnects += 1
            self._report(StreamState.RECONNECTING, delay=None)
        else:
            self._report(StreamState.CONNECTING, delay=None)
        self._connections += 1
        delivered = [False]
        try:
            await self._exchange(delivered)
        except StreamError as exc:
            self._ended(exc, delivered[0])
            raise
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            error = classify_transport_error(exc)
            self._ended(error, delivered[0])
            raise error from None

    def _ended(self, error: StreamError, delivered: bool) -> None:
        error.delivered = delivered
        if error.retryable:
            self._attempts.record(error)
        kind = "retryable" if error.retryable else "fatal"
        self._log("connection ended (%s, events delivered: %s): %s", kind, delivered, error)

    async def _exchange(self, delivered: list[bool]) -> None:
        spec = self.spec
        url = httpx.URL(spec.url)
        headers = request_headers(spec.headers, self.last_event_id)
        resumed_from = self.last_event_id or None
        self._log("GET %s (Last-Event-ID %r)", url, self.last_event_id)
        watchdog: Watchdog | None = None
        try:
            async with asyncio.timeout(None) as scope:
                watchdog = self._watchdog = Watchdog(spec.heartbeat_timeout, scope)
                for _ in range(spec.max_redirects + 1):
                    async with self._client.stream("GET", url, headers=headers) as response:
                        if response.status_code in REDIRECT_STATUS:
                            target = redirect_target(response)
                            self._log("HTTP %d redirect to %s", response.status_code, target)
                            headers = headers_for_redirect(headers, url, target)
                            url = target
                            continue
                        self._log(
                            "HTTP %d, Content-Type %r",
                            response.status_code,
                            response.headers.get("content-type"),
                        )
                        check_response(response)
                        self._report(StreamState.OPEN, status_code=200, delay=None)
                        await self._read(response, watchdog, delivered, resumed_from)
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
            raise JobCompleted("server answered 204 No Content") from None
        finally:
            if watchdog is not None:
                watchdog.cancel()
            self._watchdog = None

    async def _read(
        self,
        response: httpx.Response,
        watchdog: Watchdog,
        delivered: list[bool],
        resumed_from: str | None,
    ) -> None:
        parser = SSEParser(self.last_event_id, max_line_bytes=self.spec.max_line_bytes)
        observer, name, clock = self._observer, self.spec.name, self._clock
        delivery = self._delivery
        # After a resume, servers may send again events we already delivered (inclusive or sloppy resumes).
        seen = delivery.replays.checker() if resumed_from is not None else None
        replaying = seen is not None
        loop_time = asyncio.get_running_loop().time
        yielded = beat = loop_time()
        observer.on_heartbeat(name, clock())
        # Undecoded bytes when nothing needs decoding (skips httpx's decoder and chunker on every read).
        encoded = response.headers.get("content-encoding", "identity").strip().lower() != "identity"
        chunks = response.aiter_bytes() if encoded else response.aiter_raw()
        async for chunk in chunks:
            now = watchdog.feed()
            if now - beat >= HEARTBEAT_REPORT:
                beat = now
                observer.on_heartbeat(name, clock())
            events = parser.feed(chunk)
            if parser.retry is not None and parser.retry != self._attempts.retry_ms:
                self._attempts.retry_ms = parser.retry
                self._report(retry_ms=parser.retry)
            if events:
                if replaying:
                    replaying = delivery.replays.drop_replayed(events, seen)  # type: ignore[arg-type]
                if events:
                    if not delivered[0]:
                        delivered[0] = True
                        self._attempts.failed = 0
                        self._report(attempt=0, last_error=None)
                    delivery.deliver(events)
            if parser.last_event_id != delivery.last_event_id and not replaying:
                # A block without data still commits its id (WHATWG dispatch step 1); ids of replayed
                # events never move the cursor (back).
                delivery.last_event_id = parser.last_event_id
                self._report()
            # Buffered bytes are read without suspending, so a flooding stream could hold the event loop
            # (and every other stream and the UI) for long; give it up at least every slice.
            if now - yielded > BUSY_SLICE:
                await asyncio.sleep(0)
                yielded = loop_time()
        parser.close()

    async def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)  # type: ignore[misc]
            return
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    def _before_sleep(self, retry_state: RetryCallState) -> None:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        delay = retry_state.next_action.sleep if retry_state.next_action else 0.0
        self._log("reconnecting in %.3fs: %s", delay, self._backoff.reason)
        self._report(
            StreamState.RECONNECTING,
            last_error=self._redact(str(error)) if error is not None else None,
            delay=delay,
            status_code=getattr(error, "status_code", None),
        )

    def _log(self, message: str, *args: object) -> None:
        """Debug log line naming the job; every argument is redacted (they may hold URLs or server text)."""
        if log.isEnabledFor(logging.DEBUG):
            shown = [a if isinstance(a, int | float) else self._redact(str(a)) for a in args]
            log.debug("[%s] " + message, self._redact(self.spec.name), *shown)

    def _report(self, state: StreamState | None = None, **changes: object) -> None:
        fields: dict[str, object] = {
            "state": state or self._status.state,
            "attempt": self._attempts.failed,
            "reconnects": self._attempts.reconnects,
            "last_event_id": self.last_event_id,
            "retry_ms": self._attempts.retry_ms,
            "events": self._delivery.count,
        }
        fields.update(changes)
        if state is not None and state.is_final:
            fields["delay"] = None
        self._status = replace(self._status, **fields)  # type: ignore[arg-type]
        self._observer.on_status(self.spec.name, self._status)
