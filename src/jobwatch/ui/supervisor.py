"""Runs one stream per job: the stream factory interface, the engine's factory (which owns the shared
httpx clients) and the supervisor that starts, stops and reconnects streams and closes the clients."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import httpx
from textual.dom import DOMNode
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from jobwatch.model import DashboardModel
from jobwatch.stream.events import StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec


class RunningStream(Protocol):
    """What the supervisor needs from a stream: run it to a final state, and cut a backoff short."""

    async def run(self) -> object: ...

    def reconnect_now(self) -> None: ...


class StreamFactory(Protocol):
    """Makes a job's stream reporting to `observer`; `aclose` releases what the streams shared."""

    def __call__(self, spec: StreamSpec, observer: StreamObserver) -> RunningStream: ...

    async def aclose(self) -> None: ...


class EngineStreamFactory:
    """Builds `jobwatch.stream.client.JobStream`s sharing one `httpx.AsyncClient` per `verify` value."""

    def __init__(self, *, redactor: Callable[[str], str] = str, clock: Callable[[], float] = time.monotonic):
        self.redactor = redactor
        self.clock = clock
        self._clients: dict[bool | str, httpx.AsyncClient] = {}

    @property
    def clients(self) -> tuple[httpx.AsyncClient, ...]:
        """The clients opened so far and not yet closed."""
        return tuple(self._clients.values())

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


class StreamSupervisor:
    """One worker (and worker group) per job on `host`, feeding `model`; never touches widgets."""

    def __init__(self, model: DashboardModel, factory: StreamFactory, host: DOMNode) -> None:
        self.model = model
        self.factory = factory
        self.host = host
        self._streams: dict[str, RunningStream] = {}

    @staticmethod
    def group_of(name: str) -> str:
        return f"job:{name}"

    def start(self, name: str) -> None:
        """Start (or restart) the job's stream from its cursor. A job the state file says completed is
        reported so without connecting at first; a restart (`r`, resume) connects."""
        job = self.model.jobs[name]
        self.host.workers.cancel_group(self.host, self.group_of(name))
        completed = job.spec.completed and job.generation == 0
        spec = replace(job.spec, last_event_id=job.last_event_id, completed=completed)
        stream = self.factory(spec, self.model.observer_for(name))
        self._streams[name] = stream
        self.host.run_worker(
            self._run(name, stream), name=f"stream {name}", group=self.group_of(name), exit_on_error=False
        )

    async def _run(self, name: str, stream: RunningStream) -> None:
        """Worker body: runs the stream; a crash is reported as the job failing, never raised."""
        try:
            await stream.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug or an unexpected error must not take the dashboard down
            job = self.model.jobs.get(name)
            if job is not None and self._streams.get(name) is stream:
                status = StreamStatus(StreamState.FAILED, last_error=f"{type(exc).__name__}: {exc}")
                self.model.on_status(name, replace(status, last_event_id=job.last_event_id))
        finally:
            if self._streams.get(name) is stream:
                self._streams.pop(name, None)

    def stop(self, name: str) -> list[Worker[None]]:
        """Cancel the job's stream; returns the cancelled workers."""
        self._streams.pop(name, None)
        return self.host.workers.cancel_group(self.host, self.group_of(name))

    def toggle_pause(self, name: str) -> None:
        """Pause the job (cancel its worker) or resume it from its cursor."""
        job = self.model.jobs[name]
        if job.paused:
            job.set_paused(False)
            self.start(name)
        else:
            job.set_paused(True)
            self.stop(name)
        self.model.mark_dirty(name)

    def reconnect(self, name: str) -> None:
        """Reconnect now: skip the backoff wait; a finished or paused job is started again."""
        stream = self._streams.get(name)
        if stream is not None:
            stream.reconnect_now()
        else:
            self.model.jobs[name].set_paused(False)
            self.start(name)
        self.model.mark_dirty(name)

    def add(self, spec: StreamSpec) -> str:
        """Add a job (its name made unique) and start its stream; returns the name."""
        spec = self.model.unique(spec)
        self.model.add(spec)
        self.start(spec.name)
        return spec.name

    def remove(self, name: str) -> None:
        """Stop the job's stream and drop it from the model; the others are not disturbed."""
        self.stop(name)
        self.model.remove(name)

    async def aclose(self) -> None:
        """Stop every stream, wait for the workers to end, then close the factory's clients."""
        workers = [worker for name in list(self.model.jobs) for worker in self.stop(name)]
        for worker in workers:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await self.factory.aclose()
