"""Snapshots of the timeline (narrow, wide, 16 colours, held) and of alerts on screen: the `alerts N`
badge in the job list and panels, and alert lines in the panels, the detail view and the timeline.

Fixed sizes, a hand-moved clock and events fed to the model in a fixed order: the same on every run."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from timeline_scenarios import feed, timeline_app
from ui_scenarios import NOW

from jobwatch.stream.events import SSEvent
from jobwatch.ui.app import JobwatchApp


def run(app: JobwatchApp, clock: object, *keys: str, rounds: int = 6):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.pause()
        clock.now = NOW  # type: ignore[attr-defined]
        feed(app, rounds)
        app.tick()
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        app.clear_notifications()  # the alerts' toasts (test_timeline_view.py checks what they say)
        await pilot.pause()

    return run_before


class TestTimeline:
    def test_timeline_at_80x24(self, snap_compare, tmp_path: Path) -> None:
        app, clock = timeline_app(tmp_path)
        assert snap_compare(app, run_before=run(app, clock, "t"), terminal_size=(80, 24))

    def test_timeline_at_130x40(self, snap_compare, tmp_path: Path) -> None:
        app, clock = timeline_app(tmp_path)
        assert snap_compare(app, run_before=run(app, clock, "t", rounds=10), terminal_size=(130, 40))

    def test_timeline_in_sixteen_colours(self, snap_compare, tmp_path: Path) -> None:
        app, clock = timeline_app(tmp_path, theme="jobwatch-ansi")
        assert snap_compare(app, run_before=run(app, clock, "t"), terminal_size=(80, 24))

    def test_timeline_held_with_a_filter(self, snap_compare, tmp_path: Path) -> None:
        app, clock = timeline_app(tmp_path)

        async def run_before(pilot: Pilot[int]) -> None:
            await run(app, clock, "t", "slash", *"db-", "enter", "k")(pilot)
            app.model.on_events("db-migrate", [SSEvent("log", "new while held", "", None)])
            app.flush()
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


class TestAlerts:
    def test_alert_badges_in_the_job_list_and_panel(self, snap_compare, tmp_path: Path) -> None:
        app, clock = timeline_app(tmp_path)
        assert snap_compare(app, run_before=run(app, clock, "down"), terminal_size=(100, 30))

    def test_alert_badges_in_the_grid(self, snap_compare, tmp_path: Path) -> None:
        app, clock = timeline_app(tmp_path)
        assert snap_compare(app, run_before=run(app, clock), terminal_size=(130, 40))

    def test_alert_line_in_the_detail_view(self, snap_compare, tmp_path: Path) -> None:
        app, clock = timeline_app(tmp_path)
        assert snap_compare(app, run_before=run(app, clock, "enter"), terminal_size=(80, 24))
