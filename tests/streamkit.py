"""Test helpers for the engine: a recording observer, a fake sleep, and running one stream to its end."""

from __future__ import annotations

import random
from dataclasses import replace

from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec


class Recorder(StreamObserver):
    """Keeps everything a stream reports, in order."""

    def __init__(self) -> None:
        self.events: list[SSEvent] = []
        self.statuses: list[StreamStatus] = []
        self.heartbeats = 0

    def on_event(self, job: str, event: SSEvent) -> None:
        self.events.append(event)

    def on_status(self, job: str, status: StreamStatus) -> None:
        self.statuses.append(status)

    def on_heartbeat(self, job: str, at: float) -> None:
        self.heartbeats += 1

    @property
    def ids(self) -> list[str]:
        return [event.last_event_id for event in self.events]

    @property
    def states(self) -> list[StreamState]:
        states: list[StreamState] = []
        for status in self.statuses:
            if not states or states[-1] is not status.state:
                states.append(status.state)
        return states

    @property
    def delays(self) -> list[float]:
        return [s.delay for s in self.statuses if s.state is StreamState.RECONNECTING and s.delay is not None]


class FakeSleep:
    """Records reconnect delays and returns at once, so backoff never costs real time."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


async def run_stream(
    url: str, sleep: FakeSleep | None = None, **options: object
) -> tuple[StreamStatus, Recorder]:
    """Run one stream to its final state with fast test defaults; returns (final status, recorder)."""
    spec = StreamSpec(name="job", url=url, heartbeat_timeout=5.0, max_backoff=0.05, initial_retry_ms=10)
    spec = replace(spec, **options)  # type: ignore[arg-type]
    recorder = Recorder()
    async with make_client(spec.verify) as client:
        stream = JobStream(spec, recorder, client=client, rng=random.Random(0), sleep=sleep)
        final = await stream.run()
    return final, recorder
