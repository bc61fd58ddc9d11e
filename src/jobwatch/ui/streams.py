"""How the app obtains a running stream per job: the factory protocol and the default factory that
builds the engine's `JobStream` over one shared HTTP client (per TLS setting)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec


class RunningStream(Protocol):
    """What the app needs from a stream: run it to a final state, and cut a backoff short."""

    async def run(self) -> object: ...

    def reconnect_now(self) -> None: ...


StreamFactory = Callable[[StreamSpec, StreamObserver], RunningStream]


class EngineStreamFactory:
    """Builds `jobwatch.stream.client.JobStream`s sharing one `httpx.AsyncClient` per `verify` value."""

    def __init__(self, *, redactor: Callable[[str], str] = str, clock: Callable[[], float] = time.monotonic):
        self.redactor = redactor
        self.clock = clock
        self._clients: dict[Any, Any] = {}

    def __call__(self, spec: StreamSpec, observer: StreamObserver) -> RunningStream:
        from jobwatch.stream.client import JobStream, make_client

        client = self._clients.get(spec.verify)
        if client is None:
            client = self._clients[spec.verify] = make_client(verify=spec.verify)
        return JobStream(spec, observer, client=client, redactor=self.redactor, clock=self.clock)

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
