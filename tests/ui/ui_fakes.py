"""A scripted stand-in for the stream engine: each fake stream replays its steps into the observer,
then stays "connected" until cancelled (or ends when told to). No sockets, no sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec

Step = tuple[str, object]
"""("status", StreamStatus) | ("event", SSEvent) | ("heartbeat", float) | ("notice", str) | ("at", float)
| ("end", None);
("at", t) sets the factory's clock to t, so events land in chosen seconds of the sparkline."""


def status(state: StreamState, **kw: object) -> Step:
    return ("status", StreamStatus(state, **kw))  # type: ignore[arg-type]


def event(data: str, id_: str = "", type_: str = "message") -> Step:
    return ("event", SSEvent(type_, data, id_, id_ or None))


def heartbeat(at: float) -> Step:
    return ("heartbeat", at)


def notice(message: str) -> Step:
    return ("notice", message)


def at(t: float) -> Step:
    return ("at", t)


END: Step = ("end", None)


class ScriptedStream:
    """Replays `steps` synchronously when run, then waits until cancelled unless the script ends."""

    def __init__(
        self, spec: StreamSpec, observer: StreamObserver, steps: Iterable[Step], clock: object = None
    ) -> None:
        self.spec = spec
        self.clock = clock
        self.observer = observer
        self.steps = list(steps)
        self.reconnect_requests = 0
        self.cancelled = False
        self.started = asyncio.Event()

    async def run(self) -> None:
        name = self.spec.name
        for kind, value in self.steps:
            if kind == "status":
                self.observer.on_status(name, value)  # type: ignore[arg-type]
            elif kind == "event":
                self.observer.on_event(name, value)  # type: ignore[arg-type]
            elif kind == "heartbeat":
                self.observer.on_heartbeat(name, value)  # type: ignore[arg-type]
            elif kind == "notice":
                self.observer.on_notice(name, value)  # type: ignore[arg-type]
            elif kind == "at":
                self.clock.now = value  # type: ignore[attr-defined]
            elif kind == "end":
                self.started.set()
                return
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            self.observer.on_status(name, StreamStatus(StreamState.STOPPED))
            raise

    def reconnect_now(self) -> None:
        self.reconnect_requests += 1


@dataclass
class FakeFactory:
    """`stream_factory` for the app: scripts by job name (a callable gets the spec, e.g. to see
    the resume cursor); records every stream it made."""

    scripts: dict[str, list[Step] | Callable[[StreamSpec], list[Step]]] = field(default_factory=dict)
    made: list[ScriptedStream] = field(default_factory=list)
    clock: object = None
    closed: bool = False

    def __call__(self, spec: StreamSpec, observer: StreamObserver) -> ScriptedStream:
        script = self.scripts.get(spec.name, [])
        steps = script(spec) if callable(script) else script
        stream = ScriptedStream(spec, observer, steps, self.clock)
        self.made.append(stream)
        return stream

    async def aclose(self) -> None:
        self.closed = True

    def streams_of(self, name: str) -> list[ScriptedStream]:
        return [s for s in self.made if s.spec.name == name]
