"""Entry points the command line calls: the dashboard on given sources, and the demo (embedded demo
server in a background thread + the dashboard on its jobs)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Any

from jobwatch.stream.spec import StreamSpec
from jobwatch.ui.app import JobwatchApp
from jobwatch.ui.context import CursorStore


def main_dashboard(
    specs: list[StreamSpec],
    *,
    redactor: Callable[[str], str] | None,
    cursor_store: CursorStore | None,
    theme: str | None,
    bell: bool,
    mouse: bool,
) -> int:
    """Run the dashboard until the user quits or a signal ends it; cursors are flushed on the way out.
    Returns 0, or 128 + the signal number (129 SIGHUP, 143 SIGTERM, 130 SIGINT)."""
    app = JobwatchApp(specs, cursor_store=cursor_store, redactor=redactor, theme=theme, bell=bell,
                      handle_signals=True)
    try:
        result = app.run(mouse=mouse)
    finally:
        if app.exit_guard is not None:
            app.exit_guard.cancel()
        if cursor_store is not None:
            cursor_store.flush()
    if app.return_code not in (None, 0):
        return app.return_code
    return 0 if result is None else int(result)


class DemoServerThread:
    """Runs a `DemoServer` on its own event loop in a daemon thread, so the UI loop stays free."""

    def __init__(self, jobs: Sequence[Any], *, ping_interval: float = 15.0) -> None:
        self.jobs = list(jobs)
        self.ping_interval = ping_interval
        self.server: Any = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="jobwatch-demo-server", daemon=True)

    def start(self, timeout: float = 10.0) -> Any:
        """Start the server; returns it once it listens (raises what stopped it from starting)."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the demo server did not start")
        if self._error is not None:
            raise self._error
        return self.server

    def stop(self, timeout: float = 5.0) -> None:
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
        from jobwatch.demo import DemoServer

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.server = DemoServer(self.jobs, ping_interval=self.ping_interval)
        await self.server.start()
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.server.stop()


def demo_specs(server: Any, jobs: Sequence[Any], heartbeat_timeout: float) -> list[StreamSpec]:
    """One spec per demo job, named like the job, with the demo's short heartbeat timeout."""
    return [
        StreamSpec(job.name, server.job_url(job.id), heartbeat_timeout=heartbeat_timeout,
                   max_backoff=10.0)
        for job in jobs
    ]


def main_demo(*, theme: str | None, bell: bool, mouse: bool, heartbeat_timeout: float = 10.0) -> int:
    """Start the embedded demo server and open the dashboard on its scripted jobs."""
    from jobwatch.demo import demo_jobs

    jobs = demo_jobs()
    runner = DemoServerThread(jobs, ping_interval=min(5.0, heartbeat_timeout / 2))
    server = runner.start()
    try:
        specs = demo_specs(server, jobs, heartbeat_timeout)
        return main_dashboard(specs, redactor=None, cursor_store=None, theme=theme, bell=bell,
                              mouse=mouse)
    finally:
        runner.stop()
