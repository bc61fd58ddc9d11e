"""The stream engine: parse, connect, resume, back off, classify errors, watchdog. Never imports Textual.

The layers above use only what this module exports: run a `JobStream` per `StreamSpec` on a shared client
from `make_client`, and receive events and `StreamStatus` snapshots through a `StreamObserver`. Errors a
connection ends with form one tree (see `jobwatch.stream.errors`); they are reported as status values
(`StreamStatus.last_error` and its kind `Cause`), never raised to the caller of `JobStream.run()`.
"""

from jobwatch.stream.client import JobStream
from jobwatch.stream.cursor import CursorStore
from jobwatch.stream.errors import (
    DecompressionBomb,
    FatalError,
    HeartbeatTimeout,
    ReconnectRequested,
    RetryableError,
    StreamEnded,
    StreamError,
)
from jobwatch.stream.events import Cause, SSEvent, StreamState, StreamStatus
from jobwatch.stream.http import make_client
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.replay import cursor_fingerprint, fingerprint
from jobwatch.stream.spec import StreamSpec

__all__ = [
    "Cause",
    "CursorStore",
    "DecompressionBomb",
    "FatalError",
    "HeartbeatTimeout",
    "JobStream",
    "ReconnectRequested",
    "RetryableError",
    "SSEvent",
    "StreamEnded",
    "StreamError",
    "StreamObserver",
    "StreamSpec",
    "StreamState",
    "StreamStatus",
    "cursor_fingerprint",
    "fingerprint",
    "make_client",
]
