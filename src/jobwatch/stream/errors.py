"""Why a connection ended, classified as docs/architecture.md §3 says: retryable or fatal.

The one exception tree of the engine; each carries a `Cause` and a one-line, secret-free message:

    StreamError
    ├── RetryableError        reconnect after the backoff (network, 408/425/429/5xx, ...)
    │   ├── StreamEnded       the server closed a 200 stream (a good connection)
    │   ├── HeartbeatTimeout  no byte for the heartbeat timeout
    │   ├── ReconnectRequested the user asked for it (no delay, not a failure)
    │   └── DecompressionBomb a body inflating far past any event stream
    └── FatalError            stop for good (other statuses, Content-Type, TLS, URL, refused redirect)

`JobCompleted` (delivery.py) is not an error: the job ended as its server meant it to.
"""

from __future__ import annotations

from jobwatch.stream.events import Cause


class StreamError(Exception):
    """A connection ended with an error; `str()` is one line naming the cause (never a secret)."""

    retryable: bool = False
    cause: Cause = Cause.RESPONSE

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        retry_after: float | None = None,
        cause: Cause | None = None,
    ) -> None:
        super().__init__(message)
        if cause is not None:
            self.cause = cause
        elif status_code is not None and status_code != 200:
            self.cause = Cause.HTTP
        self.status_code = status_code
        self.retry_after = retry_after
        """Seconds the server asked us to wait (`Retry-After`), if any."""
        self.delivered = False
        """Whether the connection dispatched at least one event before it ended."""
        self.opened = False
        """Whether the connection opened (200 and `text/event-stream`): a good connection, not a failure."""


class RetryableError(StreamError):
    """Network error, reset, clean end of a 200 stream, 408/425/429/5xx, heartbeat timeout: reconnect."""

    retryable = True
    cause = Cause.NETWORK


class FatalError(StreamError):
    """Any other status, wrong Content-Type, TLS failure, invalid URL, job error event: stop for good."""


class StreamEnded(RetryableError):
    """The server closed a 200 stream cleanly (browsers reconnect; so do we)."""

    cause = Cause.ENDED


class HeartbeatTimeout(RetryableError):
    """No byte (not even a `: ping`) for the heartbeat timeout: the connection is dropped and resumed."""

    cause = Cause.HEARTBEAT


class ReconnectRequested(RetryableError):
    """The user asked for a reconnect now (not counted as a failed attempt)."""

    cause = Cause.REQUESTED


class DecompressionBomb(RetryableError):
    """A compressed body kept inflating far more than any event stream does; the connection is dropped."""

    cause = Cause.RESPONSE
