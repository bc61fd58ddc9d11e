"""The stream supervisor over the real engine: quitting the dashboard closes the HTTP clients it opened."""

from __future__ import annotations

import asyncio
from pathlib import Path

from jobwatch.demo import DemoServer, JobScript
from jobwatch.stream.events import StreamState
from jobwatch.stream.spec import StreamSpec
from jobwatch.ui.app import JobwatchApp
from jobwatch.ui.supervisor import EngineStreamFactory


async def test_quitting_closes_every_http_client_the_streams_shared(tmp_path: Path) -> None:
    jobs = [JobScript("a", count=1, complete=False), JobScript("b", count=1, complete=False)]
    async with DemoServer(jobs, ping_interval=0.2) as server:
        factory = EngineStreamFactory()
        specs = [StreamSpec("a", server.job_url("a")), StreamSpec("b", server.job_url("b"), verify=False)]
        app = JobwatchApp(specs, stream_factory=factory, bell=False, export_dir=tmp_path,
                          user_theme_dir=tmp_path / "no-themes")
        async with app.run_test(size=(100, 30)) as pilot:
            while any(job.status.state is not StreamState.OPEN for job in app.model):
                await asyncio.sleep(0.01)
            clients = factory.clients
            await pilot.press("q")
        assert len(clients) == 2 and all(client.is_closed for client in clients)
        assert factory.clients == () and app.return_code == 0
