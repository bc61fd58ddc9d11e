"""Snapshots of every dashboard state, the detail view, help and the 80x24 / 16-colour renderings.

Fixed terminal sizes, a hand-moved clock, scripted streams and no sleeps: each picture is the same on
every run. Review changes with `--snapshot-report`, then look at the SVGs."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_fakes import event
from ui_scenarios import COMPLETED_EARLIER, NOTICE_SCRIPTS, NOW, POLLING_SCRIPTS, SCRIPTS, make_app, settle

from jobwatch.ui.app import JobwatchApp

STATE_JOBS = {
    "connecting": "deploy-web",
    "live": "build-api",
    "reconnecting": "migrate-db",
    "stale": "train-model",
    "completed": "nightly-backup",
    "failed": "lint-docs",
}


def select(app: JobwatchApp, job: str) -> None:
    app.dashboard.jump_to(job)


class TestDashboard:
    def test_every_state_at_100x30(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    @pytest.mark.parametrize("state", list(STATE_JOBS))
    def test_focused_job_in_state(self, snap_compare, tmp_path: Path, state: str) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock, toasts=state == "failed")
            select(app, STATE_JOBS[state])
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    def test_polling_fallback(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path, scripts=POLLING_SCRIPTS)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)
            select(app, "proxy-job")
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    def test_notices_as_error_lines_in_the_panel(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path, scripts=NOTICE_SCRIPTS)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)
            select(app, "ingest-logs")
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    def test_notices_as_error_rows_in_the_detail_view(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path, scripts=NOTICE_SCRIPTS)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)
            await pilot.press("enter", "t")
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))

    def test_job_completed_earlier_at_start(self, snap_compare, tmp_path: Path) -> None:
        scripts = {**SCRIPTS, "nightly-backup": []}  # its stream has not reported yet
        app, factory, clock = make_app(tmp_path=tmp_path, scripts=scripts, spec_changes=COMPLETED_EARLIER)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)
            select(app, "nightly-backup")
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    def test_tls_verification_off_is_flagged(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path, insecure=True)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock, toasts=True)

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    def test_paused_job(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)
            await pilot.press("p")
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    def test_compact_layout_at_80x24(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)

        assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))

    def test_grid_layout_on_a_wide_terminal(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)
            await pilot.pause()
            app.flush(all_jobs=True)
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(160, 44))

    def test_sixteen_colour_theme(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path, theme="jobwatch-ansi")

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    def test_light_theme(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path, theme="jobwatch-light")

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))

    def test_help_screen(self, snap_compare, tmp_path: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp_path)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))


MULTI_LINE = "Traceback (most recent call last):\n  File \"deploy.py\", line 3\n\tboom \x1b[31mred\x07"
HOSTILE = "red \x1b[31mALERT\x1b[0m bell\x07 c1\x9b2J bidi \u202eevil\u202c end"


class TestDetailView:
    def run(self, snap_compare, tmp_path: Path, keys: list[str], size=(100, 30), after=None) -> bool:
        app, factory, clock = make_app(tmp_path=tmp_path)

        async def run_before(pilot: Pilot[int]) -> None:
            await settle(pilot, factory, clock)
            await pilot.press("enter", *keys)
            await pilot.pause()
            if after is not None:
                await after(pilot, app, factory)

        return snap_compare(app, run_before=run_before, terminal_size=size)

    def test_detail_view(self, snap_compare, tmp_path: Path) -> None:
        assert self.run(snap_compare, tmp_path, [])

    def test_detail_view_at_80x24(self, snap_compare, tmp_path: Path) -> None:
        assert self.run(snap_compare, tmp_path, [], size=(80, 24))

    def test_held_with_new_events_badge(self, snap_compare, tmp_path: Path) -> None:
        async def three_more(pilot: Pilot[int], app: JobwatchApp, factory) -> None:
            observer = factory.streams_of("build-api")[0].observer
            for n in range(3):
                _, value = event(f'{{"line": "late {n}"}}', str(100 + n), "log")
                observer.on_event("build-api", value)
            app.flush()
            await pilot.pause()

        assert self.run(snap_compare, tmp_path, ["f"], after=three_more)

    def test_filter_active(self, snap_compare, tmp_path: Path) -> None:
        assert self.run(snap_compare, tmp_path, ["slash", *"step 3", "enter"])

    def test_timestamps_and_wrap(self, snap_compare, tmp_path: Path) -> None:
        assert self.run(snap_compare, tmp_path, ["t", "w"], size=(60, 24))

    def test_selected_event_as_pretty_json(self, snap_compare, tmp_path: Path) -> None:
        assert self.run(snap_compare, tmp_path, ["up", "enter"])

    def test_hostile_payload_is_shown_escaped(self, snap_compare, tmp_path: Path) -> None:
        async def hostile(pilot: Pilot[int], app: JobwatchApp, factory) -> None:
            observer = factory.streams_of("build-api")[0].observer
            observer.on_event("build-api", event(HOSTILE, "666", "log\x1b[1m")[1])
            app.flush()
            await pilot.pause()

        assert self.run(snap_compare, tmp_path, [], after=hostile)


    def test_multi_line_data_with_wrap_on(self, snap_compare, tmp_path: Path) -> None:
        async def multi_line(pilot: Pilot[int], app: JobwatchApp, factory) -> None:
            observer = factory.streams_of("build-api")[0].observer
            observer.on_event("build-api", event(MULTI_LINE, "43", "log")[1])
            app.flush()
            await pilot.pause()

        assert self.run(snap_compare, tmp_path, ["w"], size=(80, 24), after=multi_line)


def test_scenario_clock_is_frozen_at_now() -> None:
    _, _, clock = make_app()
    clock.now = NOW
    assert clock() == NOW
