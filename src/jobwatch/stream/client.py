"""One job's resilient stream: connect, resume, back off, watchdog, report (docs/architecture.md §3)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type

from jobwatch.stream.connection import Connection
from jobwatch.stream.delivery import Delivery, JobCompleted
from jobwatch.stream.errors import FatalError, RetryableError, StreamEnded, StreamError
from jobwatch.stream.events import Cause, SSEvent, StreamState, StreamStatus
from jobwatch.stream.http import classify_transport_error, make_client
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.policy import RETRY_TIME_CEILING_MS, Attempts, Backoff, GiveUp
from jobwatch.stream.poll import POLL_INTERVAL_MIN, SSE_RETRY_INTERVAL, can_poll, fetch_page
from jobwatch.stream.spec import StreamSpec

__all__ = ["JobStream", "make_client"]

log = logging.getLogger("jobwatch.stream")


class JobStream:
    """Keeps one job's SSE stream alive until it completes, fails, gives up or is cancelled.

    Everything it does reaches `observer`: events (de-duplicated across resumes), status snapshots on every
    state or counter change, and heartbeats while bytes arrive. Cancel the task running `run()` to stop.
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
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.spec = spec
        self._observer = observer
        self._client = client
        self._redact = redactor
        self._clock = clock
        self._attempts = Attempts(retry_ms=spec.initial_retry_ms)
        self._asked_retry_ms = spec.initial_retry_ms
        self._backoff = Backoff(self._attempts, spec.max_backoff, rng or random.Random())
        self._sleep = sleep
        self._connections = 0
        self._delivery = Delivery(
            spec.name,
            observer,
            spec.complete_events,
            spec.last_event_id,
            job_error=self.notice,
            cursor_fingerprint=spec.cursor_fingerprint,
        )
        self._status = StreamStatus(StreamState.CONNECTING, last_event_id=self.last_event_id)
        self._wake = asyncio.Event()
        self._connection: Connection | None = None
        self._connection_notice: tuple[str, Cause] | None = None

    @property
    def last_event_id(self) -> str:
        """The cursor: the last event ID committed (sent as Last-Event-ID on resume)."""
        return self._delivery.last_event_id

    @property
    def status(self) -> StreamStatus:
        return self._status

    def reconnect_now(self) -> None:
        """Drop the current connection, or cut the current wait short, and connect again at once."""
        if self._connection is not None:
            self._connection.drop_now()
        self._wake.set()

    async def run(self) -> StreamStatus:
        """Run until a final state; returns the final status. Cancellation reports STOPPED and re-raises."""
        try:
            if self.spec.completed:
                raise JobCompleted(f"completed earlier at id {self.last_event_id or '(none)'}")
            while True:
                try:
                    await self._run_sse()
                except FatalError as exc:
                    if not (self.spec.poll_url and can_poll(exc)):
                        raise
                    await self._poll(exc)
        except JobCompleted as done:
            # Over as the server meant it: nothing is being retried any more, whatever failed before.
            self._attempts.failed = 0
            status_code = done.status_code or self._status.status_code
            self._report(
                StreamState.COMPLETED,
                last_error=None,
                detail=str(done),
                status_code=status_code,
                job_done=True,
            )
        except FatalError as exc:
            self._report(StreamState.FAILED, last_error=self._redact(str(exc)), cause=exc.cause)
        except RetryableError as exc:
            if self.spec.max_retries == 0 and isinstance(exc, StreamEnded):
                self._report(StreamState.COMPLETED, last_error=None, detail="stream ended")
            else:
                error = self._redact(str(exc))
                self._report(StreamState.GAVE_UP, last_error=error, cause=exc.cause)
        except asyncio.CancelledError:
            self._report(StreamState.STOPPED)
            self.log("stopped")
            raise
        status = self._status
        self.log("%s: %s", status.state.value, status.last_error or status.detail or "")
        return status

    def _retrying(self, before_sleep: Callable[[RetryCallState], None]) -> AsyncRetrying:
        """One tenacity loop for SSE connections and poll requests alike: GiveUp, Backoff, our sleep."""
        return AsyncRetrying(
            stop=GiveUp(self._attempts, self.spec.max_retries),
            wait=self._backoff,
            retry=retry_if_exception_type(RetryableError),
            sleep=self._wait,
            before_sleep=before_sleep,
            reraise=True,
        )

    async def _run_sse(self) -> None:
        async for attempt in self._retrying(self._before_sleep):
            with attempt:
                await self._connect_once()

    async def _poll(self, refused: FatalError) -> None:
        """Serve the job from its poll_url with the same cursor and counters; return to retry SSE later."""
        assert self.spec.poll_url is not None
        self.log("SSE refused (%s): polling %s", refused, self.spec.poll_url)
        cause = self._redact(f"SSE unavailable ({refused}); polling")
        self._report(StreamState.POLLING, last_error=cause, cause=refused.cause, delay=None)
        interval = max(POLL_INTERVAL_MIN, self._attempts.retry_ms / 1000)
        polling_since = self._clock()
        while self._clock() - polling_since < SSE_RETRY_INTERVAL:
            async for attempt in self._retrying(self._poll_failed):
                with attempt:
                    events = await self._fetch_page(self.spec.poll_url)
            self._observer.on_heartbeat(self.spec.name, self._clock())
            if events:
                self._attempts.failed = 0
                self._report(StreamState.POLLING, attempt=0, last_error=cause, cause=refused.cause)
                self._delivery.deliver(events)
            await self._wait(interval)
        self.log("polled for %ss: trying SSE again", SSE_RETRY_INTERVAL)

    async def _fetch_page(self, poll_url: str) -> list[SSEvent]:
        """One poll request; a failure is counted like a failed connection and raised as a StreamError."""
        spec = self.spec
        try:
            return await fetch_page(
                self._client, poll_url, self.last_event_id, spec.headers, spec.heartbeat_timeout
            )
        except (StreamError, httpx.HTTPError) as exc:
            error = exc if isinstance(exc, StreamError) else classify_transport_error(exc)
            if error.retryable:
                self._attempts.record(error)
            raise error from None

    def _poll_failed(self, retry_state: RetryCallState) -> None:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, StreamError):
            self._report(last_error=self._redact(str(error)), cause=error.cause)

    async def _connect_once(self) -> None:
        if self._connections:
            self._attempts.reconnects += 1
            self._report(StreamState.RECONNECTING, delay=None)
        else:
            self._report(StreamState.CONNECTING, delay=None)
        self._connections += 1
        self._connection_notice = None
        connection = self._connection = Connection(
            self.spec, self._client, self._delivery, self._observer, self, self._clock
        )
        try:
            await connection.run()
        except StreamError as exc:
            self._ended(exc, connection)
            raise
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            error = classify_transport_error(exc)
            self._ended(error, connection)
            raise error from None
        finally:
            self._connection = None

    def _ended(self, error: StreamError, connection: Connection) -> None:
        error.delivered, error.opened = connection.delivered, connection.opened
        if error.retryable:
            self._attempts.record(error)
        kind = "retryable" if error.retryable else "fatal"
        self.log(
            "connection ended (%s, opened: %s, events delivered: %s): %s",
            kind, connection.opened, connection.delivered, error,
        )

    async def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
            return
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    def _before_sleep(self, retry_state: RetryCallState) -> None:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        delay = retry_state.next_action.sleep if retry_state.next_action else 0.0
        self.log("reconnecting in %.3fs: %s", delay, self._backoff.reason)
        text = self._redact(str(error)) if error is not None else None
        kind = error.cause if isinstance(error, StreamError) else None
        if isinstance(error, StreamEnded) and self._connection_notice is not None:
            said, kind = self._connection_notice  # what the server said before it closed
            text = f"{said} ({text})"
        self._report(
            StreamState.RECONNECTING,
            last_error=text,
            cause=kind,
            delay=delay,
            status_code=getattr(error, "status_code", None),
        )

    # -- what a Connection reports (ConnectionOwner) ---------------------------------------------------

    @property
    def retry_ms(self) -> int:
        """The latest `retry:` value as the server sent it (before the ceiling), to notice changes."""
        return self._asked_retry_ms

    def opened(self) -> None:
        self._attempts.failed = 0
        self._report(StreamState.OPEN, status_code=200, delay=None)

    def retry_changed(self, ms: int) -> None:
        self._asked_retry_ms = ms
        if ms > RETRY_TIME_CEILING_MS:
            self.log("retry: %d ms is above the 10 minute ceiling: using %d ms", ms, RETRY_TIME_CEILING_MS)
            ms = RETRY_TIME_CEILING_MS
        self._attempts.retry_ms = ms
        self._report(retry_ms=ms)

    def first_event(self) -> None:
        self._attempts.failed = 0
        self._report(last_error=None)

    def cursor_moved(self) -> None:
        self._report()

    def notice(self, message: str, cause: Cause = Cause.SKIPPED) -> None:
        """Tell the user something that is not a state change (shown as the last error, kept as it is)."""
        text = self._redact(message)
        self._connection_notice = (text, cause)
        self.log("notice: %s", text)
        self._report(last_error=text, cause=cause)
        self._observer.on_notice(self.spec.name, text)

    def log(self, message: str, *args: object) -> None:
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
        if changes.get("last_error") is None and "last_error" in changes:
            fields["cause"] = None
        fields.update(changes)
        if state is not None and state.is_final:
            fields["delay"] = None
        self._status = replace(self._status, **fields)  # type: ignore[arg-type]  # values keyed by field name
        self._observer.on_status(self.spec.name, self._status)
