"""DemoServerThread: the demo server `jobwatch demo` runs beside the dashboard, on its own loop and thread."""

from __future__ import annotations

import threading

import httpx

from jobwatch.demo import JobScript
from jobwatch.demo.thread import DemoServerThread


def test_the_thread_serves_a_scripted_job_from_another_loop_and_stops_with_its_thread() -> None:
    runner = DemoServerThread([JobScript("a", count=3, interval=0)], ping_interval=1.0)
    server = runner.start()
    try:
        body = httpx.get(server.job_url("a"), timeout=10).text
    finally:
        runner.stop()
    ids = [line.removeprefix("id: ") for line in body.split("\n") if line.startswith("id: ")]
    assert ids == ["1", "2", "3", "4"]
    assert "event: complete" in body
    assert not any(t.name == "jobwatch-demo-server" for t in threading.enumerate())
