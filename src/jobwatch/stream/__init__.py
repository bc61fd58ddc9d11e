"""The stream engine: parse, connect, resume, back off, classify errors, watchdog. Never imports Textual."""

from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec

__all__ = ["SSEvent", "StreamObserver", "StreamSpec", "StreamState", "StreamStatus"]
