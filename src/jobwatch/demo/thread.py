"""The demo server on its own event loop in a daemon thread, so `jobwatch demo` keeps the UI loop free."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from jobwatch.demo.scripts import JobScript
from jobwatch.demo.server import DemoServer


class DemoServerThread:
    """Runs a `DemoServer` serving `jobs` in a daemon thread until `stop`."""

    def __init__(self, jobs: Sequence[JobScript], *, ping_interval: float = 15.0) -> None:
        self.jobs = list(jobs)
        self.ping_interval = ping_interval
        self.server: DemoServer | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="jobwatch-demo-server", daemon=True)

    def start(self, timeout: float = 10.0) -> DemoServer:
        """Start the server; returns it once it listens (raises what stopped it from starting)."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the demo server did not start")
        if self._error is not None:
            raise self._error
        assert self.server is not None
        return self.server

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server (its connections close) and wait up to `timeout` seconds for the thread."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to start() when it happens before "ready"
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.server = DemoServer(self.jobs, ping_interval=self.ping_interval)
        await self.server.start()
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.server.stop()
