"""Entry points the command line calls: the dashboard on given sources, and the demo (embedded demo
server in a background thread + the dashboard on its jobs)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jobwatch.model.alerts import AlertRule
from jobwatch.stream.spec import StreamSpec
from jobwatch.ui.app import JobwatchApp
from jobwatch.ui.context import CursorStore

DEMO_ALERTS = (AlertRule("job error", event=re.compile("error")),)
"""The demo's alert rule (in a config: `[[alert]]` with `name = "job error"` and `event = "error"`)."""

if TYPE_CHECKING:  # the demo server is imported only when `jobwatch demo` runs
    from jobwatch.demo import DemoServer, JobScript


def main_dashboard(
    specs: list[StreamSpec],
    *,
    redactor: Callable[[str], str] | None,
    cursor_store: CursorStore | None,
    theme: str | None,
    bell: bool,
    mouse: bool,
    export_dir: Path | None = None,
    alert_rules: Sequence[AlertRule] = (),
    notify: bool = False,
) -> int:
    """Run the dashboard until the user quits or a signal ends it; cursors are flushed on the way out.
    Returns 0, or 128 + the signal number (129 SIGHUP, 143 SIGTERM, 130 SIGINT)."""
    app = JobwatchApp(specs, cursor_store=cursor_store, redactor=redactor, theme=theme, bell=bell,
                      handle_signals=True, export_dir=export_dir, alert_rules=alert_rules, notify=notify)
    try:
        result = app.run(mouse=mouse)
    finally:
        if app.exit_guard is not None:
            app.exit_guard.cancel()
        if cursor_store is not None:
            cursor_store.flush()
    code = app.return_code
    if code is not None and code != 0:
        return code
    return 0 if result is None else int(result)


def demo_specs(server: DemoServer, jobs: Sequence[JobScript], heartbeat_timeout: float) -> list[StreamSpec]:
    """One spec per demo job, named like the job, with the demo's short heartbeat timeout."""
    return [
        StreamSpec(job.name, server.job_url(job.id), heartbeat_timeout=heartbeat_timeout,
                   max_backoff=10.0)
        for job in jobs
    ]


def main_demo(
    *,
    theme: str | None,
    bell: bool,
    mouse: bool,
    heartbeat_timeout: float = 10.0,
    export_dir: Path | None = None,
    notify: bool = False,
) -> int:
    """Start the embedded demo server and open the dashboard on its scripted jobs."""
    from jobwatch.demo import demo_jobs
    from jobwatch.demo.thread import DemoServerThread

    jobs = demo_jobs()
    runner = DemoServerThread(jobs, ping_interval=min(5.0, heartbeat_timeout / 2))
    server = runner.start()
    try:
        specs = demo_specs(server, jobs, heartbeat_timeout)
        return main_dashboard(specs, redactor=None, cursor_store=None, theme=theme, bell=bell,
                              mouse=mouse, export_dir=export_dir, alert_rules=DEMO_ALERTS, notify=notify)
    finally:
        runner.stop()
