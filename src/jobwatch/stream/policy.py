"""When to reconnect and after how long (docs/architecture.md §4), expressed as tenacity strategies.

The counters live in `Attempts`; tenacity drives the loop (`stop`, `wait`, `retry`) from them, because a
connection that delivers an event resets them, which tenacity's own attempt number cannot express.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from tenacity.stop import stop_base
from tenacity.wait import wait_base

from jobwatch.stream.errors import ReconnectRequested, StreamError

if TYPE_CHECKING:
    from tenacity import RetryCallState

MIN_BACKOFF_BASE = 0.1
"""Failed attempts back off from at least 100 ms, even after `retry: 0`: a server that is down must not
turn a stream into a hot loop of refused connections."""

RETRY_AFTER_CEILING = 600.0
"""A server's Retry-After wins over our backoff, but never beyond 10 minutes."""

RETRY_TIME_CEILING_MS = 600_000
"""A server's `retry:` reconnection time is honoured up to 10 minutes, like Retry-After."""


@dataclass(slots=True)
class Attempts:
    """Counters of one stream: failed connections in a row, total reconnects, and the server's retry time."""

    failed: int = 0
    reconnects: int = 0
    retry_ms: int = 3000

    def record(self, error: StreamError) -> None:
        """Count a connection that ended with `error`; one that had opened (200 and the right type) was a
        good connection and resets the count: only attempts that fail to open count."""
        if error.opened or isinstance(error, ReconnectRequested):
            self.failed = 0
        else:
            self.failed += 1


class GiveUp(stop_base):
    """Stop after `max_retries` failed reconnections in a row (N+1 failed connections); 0 = never retry."""

    def __init__(self, attempts: Attempts, max_retries: int | None) -> None:
        self.attempts = attempts
        self.max_retries = max_retries

    def __call__(self, retry_state: RetryCallState) -> bool:
        """Decided by our own counter, not tenacity's attempt number: a good connection resets it."""
        if self.max_retries is None:
            return False
        return self.max_retries == 0 or self.attempts.failed > self.max_retries


class Backoff(wait_base):
    """Never sooner than the reconnection time (WHATWG); across failed attempts, exponential growth with
    jitter above that floor, capped by `max_backoff` but never below the floor; a larger `Retry-After`
    wins up to 10 min."""

    def __init__(self, attempts: Attempts, max_backoff: float, rng: random.Random) -> None:
        self.attempts = attempts
        self.max_backoff = max_backoff
        self.rng = rng
        self.reason = ""
        """Why the last delay was chosen, for the debug log."""

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        return self.delay(error if isinstance(error, StreamError) else None)

    def delay(self, error: StreamError | None) -> float:
        if isinstance(error, ReconnectRequested):
            self.reason = "reconnect requested"
            return 0.0
        floor = self.attempts.retry_ms / 1000
        failed = self.attempts.failed
        if failed == 0:
            chosen = floor
            self.reason = f"reconnection time {self.attempts.retry_ms} ms after a good connection"
        else:
            floor = max(floor, MIN_BACKOFF_BASE)
            top = max(floor, min(self.max_backoff, floor * 2.0 ** min(failed, 64)))
            chosen = self.rng.uniform(floor, top)
            self.reason = f"jittered backoff in {floor:g}..{top:g}s after {failed} failed connections"
        if error is not None and error.retry_after is not None:
            asked = min(error.retry_after, RETRY_AFTER_CEILING)
            if asked > chosen:
                chosen = asked
                self.reason = (
                    f"server asked Retry-After {error.retry_after:g}s (ceiling {RETRY_AFTER_CEILING:g}s)"
                )
        return chosen


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date; None when absent or unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        # Any digit string is valid; past nine digits it is far beyond the ceiling, so skip the conversion.
        return float(int(value)) if len(value) <= 9 else RETRY_AFTER_CEILING
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
