"""The attacker's view of the dashboard: a URL full of credentials, followed over a real socket, leaves
no secret on the screen, in the detail view or in an export (the job is named by its URL)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlencode

from jobwatch.config import Settings, load_specs
from jobwatch.demo import DemoServer, JobScript
from jobwatch.ui.app import JobwatchApp

SECRETS = {
    "private_token": "PT-secret-1",
    "X-Amz-Signature": "amz-sig-secret-2",
    "apikey": "apikey-secret-3",
    "client_secret": "client-secret-4",
}


async def test_no_url_credential_reaches_the_screen_the_detail_view_or_the_export(tmp_path: Path) -> None:
    async with DemoServer([JobScript("j", count=3, interval=0, complete=False)]) as server:
        with_user = server.job_url("j").replace("http://", "http://ci-user:pass-secret-5@")
        url = f"{with_user}?{urlencode(SECRETS)}"
        loaded = load_specs([url], Settings(), None)
        app = JobwatchApp(
            loaded.specs, redactor=loaded.redactor, export_dir=tmp_path, bell=False,
            user_theme_dir=tmp_path / "no-themes",
        )  # fmt: skip
        async with app.run_test(size=(130, 40)) as pilot:
            for _ in range(200):
                if any(job.received >= 3 for job in app.model.jobs.values()):
                    break
                await asyncio.sleep(0.02)
            await pilot.pause(0.3)
            screens = [app.export_screenshot()]
            await pilot.press("enter")
            await pilot.pause(0.3)
            screens.append(app.export_screenshot())
            await pilot.press("e")
            await pilot.pause(0.3)
    exported = [path.read_text() for path in tmp_path.rglob("*.jsonl")]
    assert exported, "the export wrote no file"
    everything = "\n".join([*screens, *exported])
    assert "private_token=***" in screens[1]
    for secret in [*SECRETS.values(), "pass-secret-5"]:
        assert secret not in everything
