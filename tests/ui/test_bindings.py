"""Pilot tests: every key binding and palette command does what the footer and help promise."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.command import CommandList
from ui_fakes import END, event, status
from ui_scenarios import COMPLETED_EARLIER, JOB_ERROR, NOTICE_SCRIPTS, SKIPPED, make_app, settle

from jobwatch.model import JobState
from jobwatch.stream.events import StreamState, StreamStatus
from jobwatch.ui.screens.detail import DetailScreen
from jobwatch.ui.screens.dialogs import EventScreen, HelpScreen
from jobwatch.ui.widgets import EventLines, EventLog, JobList, JobPanel

SIZE = (100, 30)
PASTE_ATTACK = "step\tok\nrm -rf ~ \x1b]0;x\x07\x1b[2K\r\x00 done \u202eevil"
MULTI_LINE = "first line\nsecond \x1b[31mred\n\tthird"


def said(app: App[int]) -> list[str]:
    """The messages the app notifies from now on (records the public `notify` calls)."""
    messages: list[str] = []
    notify = app.notify

    def record(message: str, **options: Any) -> None:
        messages.append(message)
        notify(message, **options)

    app.notify = record  # type: ignore[method-assign]
    return messages


class FakeCursorStore:
    def __init__(self) -> None:
        self.cursors: dict[str, str] = {}
        self.completed: set[str] = set()
        self.flushes = 0
        self.maybe_flushes = 0

    def get(self, url: str) -> str:
        return self.cursors.get(url, "")

    def set(
        self, url: str, event_id: str, *, completed: bool = False, fingerprint: str | None = None
    ) -> None:
        self.cursors[url] = event_id
        if completed:
            self.completed.add(url)

    def flush(self) -> None:
        self.flushes += 1

    def maybe_flush(self) -> None:
        self.maybe_flushes += 1


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    return tmp_path


async def test_a_write_to_stderr_while_the_dashboard_runs_does_not_fail(tmp: Path) -> None:
    """Textual captures stderr and calls its own App._flush on flush; the app must not shadow that name."""
    app, factory, clock = make_app(tmp_path=tmp)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, factory, clock)
        print("a library's warning", file=sys.stderr, flush=True)
        assert app.is_running


async def test_a_write_to_stdout_while_the_dashboard_runs_does_not_fail(tmp: Path) -> None:
    """Textual captures stdout too; a library printing and flushing it must not break the app."""
    app, factory, clock = make_app(tmp_path=tmp)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, factory, clock)
        print("a library's progress line", flush=True)
        sys.stdout.flush()
        assert app.is_running


class TestDashboardKeys:
    async def test_question_mark_and_f1_open_help_and_escape_closes_it(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            opened = []
            for key in ("question_mark", "f1"):
                await pilot.press(key)
                opened.append(isinstance(app.screen, HelpScreen))
                await pilot.press("escape")
            assert opened == [True, True]
            assert not isinstance(app.screen, HelpScreen)

    async def test_down_selects_the_next_job_and_the_focus_panel_follows(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("down", "down")
            await pilot.pause()
            assert app.dashboard.selected == "migrate-db"
            assert app.query_one("#focus-panel", JobPanel).job == "migrate-db"

    async def test_clicking_a_row_selects_that_job(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.click(JobList, offset=(2, 5))
            await pilot.pause()
            assert app.dashboard.selected == "lint-docs"

    async def test_enter_opens_the_detail_view_and_escape_goes_back(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen) and app.screen.job == "build-api"
            await pilot.press("escape")
            assert not isinstance(app.screen, DetailScreen)

    @pytest.mark.parametrize("key", ["p", "space"])
    async def test_pause_cancels_the_worker_and_resume_restarts_from_the_cursor(
        self, tmp: Path, key: str
    ) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press(key)
            await pilot.pause()
            first = factory.streams_of("build-api")[0]
            assert first.cancelled
            assert app.model["build-api"].state(clock()) is JobState.PAUSED
            await pilot.press(key)
            await pilot.pause()
            second = factory.streams_of("build-api")[-1]
            assert second is not first and second.spec.last_event_id == "42"
            assert app.model["build-api"].state(clock()) is not JobState.PAUSED

    async def test_pausing_one_job_leaves_the_others_running(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("p")
            await pilot.pause()
            others = [s for s in factory.made if s.spec.name not in ("build-api",)]
            assert not any(s.cancelled for s in others)

    async def test_r_skips_the_backoff_of_a_running_stream(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            app.dashboard.jump_to("migrate-db")
            await pilot.press("r")
            assert factory.streams_of("migrate-db")[0].reconnect_requests == 1

    async def test_r_restarts_a_finished_job_from_its_cursor(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            app.dashboard.jump_to("nightly-backup")
            await pilot.press("r")
            await pilot.pause()
            streams = factory.streams_of("nightly-backup")
            assert len(streams) == 2 and streams[1].spec.last_event_id == "2"

    async def test_e_exports_the_selected_job_as_jsonl(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("e")
            [path] = tmp.glob("jobwatch-build-api-*.jsonl")
            lines = [json.loads(line) for line in path.read_text().splitlines()]
            assert len(lines) == 42
            assert lines[-1] == {"job": "build-api", "id": "42", "event": "log",
                                 "data": '{"line": "build-api: step 42 ok", "stream": "stdout"}',
                                 "ts": 1_767_225_600.0}

    async def test_e_on_a_job_without_events_writes_nothing_and_says_so(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        messages = said(app)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("j", "e")  # deploy-web: still connecting, no event
            await pilot.pause()
        assert list(tmp.glob("*.jsonl")) == []
        assert messages[-1] == "nothing to export: deploy-web has no events yet"

    async def test_export_creates_its_directory_and_names_the_file_written(self, tmp: Path) -> None:
        export_dir = tmp / "state" / "jobwatch" / "exports"
        app, factory, clock = make_app(tmp_path=tmp, export_dir=export_dir)
        messages = said(app)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("e")
            await pilot.pause()
        [path] = export_dir.glob("jobwatch-build-api-*.jsonl")
        assert messages[-1] == f"exported 42 events to {path}"

    async def test_q_quits_and_flushes_the_cursor_store(self, tmp: Path) -> None:
        store = FakeCursorStore()
        app, factory, clock = make_app(tmp_path=tmp, cursor_store=store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("q")
            await pilot.pause()
        assert store.flushes == 1
        assert store.cursors["http://127.0.0.1:8000/jobs/build-api/events"] == "42"
        assert app.return_code == 0

    async def test_tick_saves_cursors_debounced(self, tmp: Path) -> None:
        store = FakeCursorStore()
        app, factory, clock = make_app(tmp_path=tmp, cursor_store=store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            assert store.maybe_flushes >= 1


class TestCompletion:
    async def test_a_job_completed_earlier_shows_completed_before_its_stream_reports(self, tmp: Path) -> None:
        scripts = {"nightly-backup": [], "build-api": []}
        app, factory, clock = make_app(tmp_path=tmp, scripts=scripts, spec_changes=COMPLETED_EARLIER)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            job = app.model["nightly-backup"]
            assert (job.state(clock()), app.model["build-api"].state(clock())) == (
                JobState.COMPLETED, JobState.CONNECTING)
            assert factory.streams_of("nightly-backup")[0].spec.completed is True

    async def test_r_on_a_job_completed_earlier_connects_from_its_cursor(self, tmp: Path) -> None:
        engine_report = status(StreamState.COMPLETED, last_event_id="2", job_done=True,
                               detail="completed earlier at id 2")
        app, factory, clock = make_app(tmp_path=tmp, scripts={"nightly-backup": [engine_report, END]},
                                       spec_changes=COMPLETED_EARLIER)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            app.dashboard.action_reconnect("nightly-backup")
            await pilot.pause()
            second = factory.streams_of("nightly-backup")[-1].spec
            assert (second.completed, second.last_event_id) == (False, "2")

    async def test_a_job_the_server_ended_is_recorded_completed_in_the_cursor_store(self, tmp: Path) -> None:
        store = FakeCursorStore()
        scripts = {"nightly-backup": [status(StreamState.COMPLETED, last_event_id="2", job_done=True), END]}
        app, factory, clock = make_app(tmp_path=tmp, scripts=scripts, cursor_store=store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
        url = "http://127.0.0.1:8000/jobs/nightly-backup/events"
        assert (store.cursors, store.completed) == ({url: "2"}, {url})

class TestFailureAlerts:
    async def test_bell_rings_once_when_a_job_turns_failed(self, tmp: Path) -> None:
        app, factory, clock = make_app(["build-api"], tmp_path=tmp, bell=True)
        rings: list[int] = []
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            observer = factory.streams_of("build-api")[0].observer
            for _ in range(2):
                observer.on_status("build-api", StreamStatus(StreamState.FAILED, last_error="boom"))
                app.flush()
            assert rings == [1]

    async def test_no_bell_when_disabled(self, tmp: Path) -> None:
        app, factory, clock = make_app(["lint-docs"], tmp_path=tmp, bell=False)
        rings: list[int] = []
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            assert app.model["lint-docs"].state(clock()) is JobState.FAILED
            assert rings == []

    async def test_job_names_with_markup_are_shown_literally(self, tmp: Path) -> None:
        scripts = {"[red]evil[/red]": [("status", StreamStatus(StreamState.FAILED,
                                                               last_error="[b]x"))]}
        app, factory, clock = make_app(tmp_path=tmp, scripts=scripts, bell=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            row = app.query_one(JobList)._rows[0].plain
            assert row.startswith("[red]evil[/red]") and "[b]x" in row


class TestDetailKeys:
    async def test_slash_filters_live_and_escape_clears(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("enter", "slash", *"step 4", "enter")
            view = app.screen.query_one(EventLines)
            assert [r.id for r in view.records] == ["4", "40", "41", "42"]
            await pilot.press("slash", "escape")
            assert view.filter_text == "" and len(view.records) == 42

    async def test_f_holds_the_view_counts_new_events_and_catches_up(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("enter", "f")
            observer = factory.streams_of("build-api")[0].observer
            observer.on_event("build-api", event("late", "99")[1])  # type: ignore[arg-type]
            app.flush()
            view = app.screen.query_one(EventLines)
            held = (len(view.records), app.model["build-api"].unseen)
            await pilot.press("f")
            assert held == (42, 1)
            assert len(view.records) == 43 and view.selected.data == "late"  # type: ignore[union-attr]

    async def test_moving_the_cursor_up_holds_the_view(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("enter", "up")
            assert app.model["build-api"].follow is False

    async def test_t_and_w_toggle_timestamps_and_wrap(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("enter", "t", "w")
            view = app.screen.query_one(EventLines)
            assert (view.timestamps, view.wrap) == (True, True)
            assert view._rows[-1][1].plain.startswith("00:00:00.000 log")

    async def rows_of_last_event(self, tmp: Path, keys: list[str]) -> list[str]:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            observer = factory.streams_of("build-api")[0].observer
            observer.on_event("build-api", event(MULTI_LINE, "43", "log")[1])  # type: ignore[arg-type]
            app.flush()
            await pilot.press("enter", *keys)
            view = app.screen.query_one(EventLines)
            return [row.plain for index, row in view._rows if index == len(view.records) - 1]

    async def test_wrap_shows_each_line_of_multi_line_data_still_escaped(self, tmp: Path) -> None:
        rows = await self.rows_of_last_event(tmp, ["w"])
        assert rows == ["log      first line", "         second \\x1b[31mred", "         \\x09third"]

    async def test_without_wrap_multi_line_data_stays_one_row_with_escaped_breaks(self, tmp: Path) -> None:
        rows = await self.rows_of_last_event(tmp, [])
        assert rows == ["log      first line\\x0asecond \\x1b[31mred\\x0a\\x09third"]

    async def test_enter_on_an_event_shows_pretty_json(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("enter", "enter")
            assert isinstance(app.screen, EventScreen)
            assert app.screen.pretty(app.screen.record.data).startswith('{\n  "line"')

    async def test_c_copies_the_selected_event_with_osc52(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("enter", "up", "c")
            assert copied == ['{"line": "build-api: step 41 ok", "stream": "stdout"}']


    async def test_copy_escapes_control_characters_but_keeps_newlines_and_tabs(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            observer = factory.streams_of("build-api")[0].observer
            observer.on_event("build-api", event(PASTE_ATTACK, "43", "log")[1])  # type: ignore[arg-type]
            app.flush()
            await pilot.press("enter", "c", "enter", "c")  # from the detail view, then the JSON view
        safe = "step\tok\nrm -rf ~ \\x1b]0;x\\x07\\x1b[2K\\x0d\\x00 done \\u202eevil"
        assert copied == [safe, safe]

class TestNotices:
    """What `on_notice` reports (an event skipped over the size bound, a job error event) is an error line."""

    async def test_the_panel_shows_each_notice_in_the_error_colour_with_its_time_escaped(
        self, tmp: Path
    ) -> None:
        app, factory, clock = make_app(tmp_path=tmp, scripts=NOTICE_SCRIPTS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            log = app.query_one("#focus-panel", JobPanel).query_one(EventLog)
            lines = list(log.lines)
            error = log.get_component_rich_style("event-log--notice").color

            def colours(index: int) -> set[object]:
                strip = log.render_line(index - log.scroll_offset.y)
                return {seg.style.color for seg in strip if seg.text.strip() and seg.style}

            shown = [(line, colours(index)) for index, line in enumerate(lines) if index >= 5]
        assert shown == [
            (lines[5], shown[0][1]),
            (f"! 00:00:00.000 {SKIPPED}", {error}),
            (lines[7], shown[2][1]),
            ("! 00:00:00.000 job error: disk \\x1b[31mfull\\x07 on runner-3", {error}),
            (lines[9], shown[4][1]),
        ]
        assert lines[7].startswith("log") and error not in shown[0][1] | shown[2][1] | shown[4][1]

    async def test_the_detail_view_shows_notices_as_error_rows_and_exports_only_events(
        self, tmp: Path
    ) -> None:
        app, factory, clock = make_app(tmp_path=tmp, scripts=NOTICE_SCRIPTS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await pilot.press("enter", "e")
            view = app.screen.query_one(EventLines)
            rows = [row.plain for _, row in view._rows]
            styles = {row.plain: {str(span.style) for span in row.spans} for _, row in view._rows}
        assert rows[6] == f"! 00:00:00.000 {SKIPPED}"
        assert rows[8] == f"! 00:00:00.000 {JOB_ERROR}".replace("\x1b", "\\x1b").replace("\x07", "\\x07")
        assert styles[rows[6]] == {"bold $error"} and "bold $error" not in styles[rows[7]]
        [path] = tmp.glob("jobwatch-ingest-logs-*.jsonl")
        assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == [
            "1", "2", "3", "4", "5", "6", "8", "9"]

class TestPalette:
    async def hits_shown(self, pilot) -> None:
        """The palette searches in a worker: wait (by event-loop turns, not time) for its hits."""
        for _ in range(200):
            lists = pilot.app.screen.query(CommandList)
            if lists and lists.first().option_count:
                return
            await pilot.pause()
        raise AssertionError("the command palette showed no hits")

    async def palette(self, pilot, text: str) -> None:
        await pilot.press("ctrl+p")
        await pilot.press(*text)
        await self.hits_shown(pilot)
        await pilot.press("enter")
        await pilot.pause()

    async def test_jump_to_job(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await self.palette(pilot, "Jump to lint-docs")
            assert app.dashboard.selected == "lint-docs"

    async def test_the_palette_finds_a_job_by_its_state(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await self.palette(pilot, "jump failed")
            assert app.dashboard.selected == "lint-docs"

    async def test_switch_theme(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await self.palette(pilot, "theme")
            await pilot.press(*"jobwatch-light")
            await self.hits_shown(pilot)
            await pilot.press("enter")
            await pilot.pause()
            assert app.theme == "jobwatch-light"

    async def test_add_source(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await self.palette(pilot, "Add source")
            await pilot.press(*"extra=http://127.0.0.1:9/e", "enter")
            await pilot.pause()
            assert "extra" in app.model.jobs
            assert factory.streams_of("extra")[0].spec.url == "http://127.0.0.1:9/e"

    async def test_added_source_without_a_name_is_named_by_its_url_with_credentials_masked(
        self, tmp: Path
    ) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            await self.palette(pilot, "Add source")
            await pilot.press(*"http://u:pw1234@127.0.0.1:9/e", "enter")
            await pilot.pause()
            assert "http://***@127.0.0.1:9/e" in app.model.jobs

    async def test_bad_source_url_is_refused_with_a_notification(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot, factory, clock)
            before = set(app.model.jobs)
            await self.palette(pilot, "Add source")
            await pilot.press(*"ftp://x/y", "enter")
            await pilot.pause()
            assert set(app.model.jobs) == before
            assert any("cannot add source" in n.message for n in app._notifications)

    async def test_remove_job_leaves_the_others_running(self, tmp: Path) -> None:
        app, factory, clock = make_app(tmp_path=tmp)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, factory, clock)
            app.dashboard.remove_job("build-api")
            await pilot.pause()
            assert "build-api" not in app.model.jobs
            assert factory.streams_of("build-api")[0].cancelled
            assert not factory.streams_of("migrate-db")[0].cancelled
