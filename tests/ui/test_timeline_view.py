"""Pilot tests of the timeline view (`t`): every job's events by arrival, follow/hold, a filter across
jobs, search with n/N, enter to the job's detail at that event, escape/q back; and alerts on screen."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList
from textual.pilot import Pilot
from timeline_scenarios import JOBS, feed, timeline_app
from ui_scenarios import NOW

from jobwatch.stream.events import SSEvent
from jobwatch.ui.app import JobwatchApp
from jobwatch.ui.screens.dashboard import DashboardScreen
from jobwatch.ui.screens.detail import DetailScreen
from jobwatch.ui.screens.timeline import TimelineScreen
from jobwatch.ui.widgets import EventLines
from jobwatch.ui.widgets.timeline_lines import TimelineLines

SIZE = (100, 30)


async def ready(pilot: Pilot[int], app: JobwatchApp, clock: object) -> None:
    await pilot.pause()
    clock.now = NOW  # type: ignore[attr-defined]
    feed(app)
    await pilot.pause()


def shown(app: JobwatchApp) -> list[tuple[str, str]]:
    return [(e.job, e.record.data) for e in app.screen.query_one(TimelineLines).entries]


def cursor_entry(app: JobwatchApp) -> tuple[str, int]:
    entry = app.screen.query_one(TimelineLines).selected
    assert entry is not None
    return entry.job, entry.record.seq


async def test_t_opens_the_timeline_with_every_job_by_arrival(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("t")
        assert isinstance(app.screen, TimelineScreen)
        entries = shown(app)
        assert [job for job, _ in entries[:8]] == [*JOBS, *JOBS]
        assert entries == [(e.job, e.record.data) for e in app.model.timeline]
        assert len(entries) == 6 * len(JOBS) + 1  # and the job error's notice


async def test_escape_and_q_go_back_to_the_dashboard(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        back = []
        for key in ("escape", "q"):
            await pilot.press("t")
            await pilot.press(key)
            back.append(isinstance(app.screen, DashboardScreen))
        assert back == [True, True]
        assert app.is_running


async def test_new_events_appear_while_following_and_wait_while_held(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("t")
        lines = app.screen.query_one(TimelineLines)
        app.model.on_events("web-deploy", [SSEvent("log", "while following", "", None)])
        app.flush()
        assert shown(app)[-1] == ("web-deploy", "while following")
        assert lines.cursor == len(lines.entries) - 1
        await pilot.press("k")
        assert not lines.follow
        app.model.on_events("db-migrate", [SSEvent("log", "while held", "", None)])
        app.flush()
        assert shown(app)[-1] == ("web-deploy", "while following")
        await pilot.press("f")
        assert lines.follow and shown(app)[-1] == ("db-migrate", "while held")
        assert lines.cursor == len(lines.entries) - 1


async def test_end_follows_again_after_holding(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("t", "k", "k")
        app.model.on_events("api-build", [SSEvent("log", "later", "", None)])
        app.flush()
        await pilot.press("end")
        lines = app.screen.query_one(TimelineLines)
        assert lines.follow and shown(app)[-1] == ("api-build", "later")


async def test_the_filter_keeps_the_events_of_matching_jobs_types_or_text(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("t", "slash", *"db-mig", "enter")
        assert {job for job, _ in shown(app)} == {"db-migrate"} and len(shown(app)) == 6
        await pilot.press("slash", *["backspace"] * 6, *"OOMKILLED", "enter")
        oom = '{"line": "container OOMKilled (exit 137)", "stream": "stdout"}'
        assert shown(app) == [("db-migrate", oom)]
        await pilot.press("slash", "escape")
        assert len(shown(app)) == 25


async def test_search_moves_to_the_next_and_previous_match_with_n_and_N(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("t", "g", "s", *"step 2", "enter")
        seqs = [e.record.seq for e in app.model.timeline if "step 2 " in e.record.data]
        assert cursor_entry(app) == ("api-build", seqs[0])
        await pilot.press("n", "n")
        assert cursor_entry(app) == ("web-deploy", seqs[2])
        await pilot.press("N")
        assert cursor_entry(app) == ("db-migrate", seqs[1])
        assert len(shown(app)) == 25  # search moves, it does not filter


async def test_n_without_a_search_moves_between_alerts(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("t", "g", "n")
        alerts = [e for e in app.model.timeline if e.record.alert]
        assert [e.record.alert for e in alerts] == ["oom", "job error"]
        assert cursor_entry(app) == ("db-migrate", alerts[0].record.seq)
        await pilot.press("n")
        assert cursor_entry(app) == ("api-build", alerts[1].record.seq)


async def test_enter_opens_the_jobs_detail_view_held_at_that_event(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("t", "g", "n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.job == "db-migrate"
        selected = app.screen.query_one(EventLines).selected
        assert selected is not None and selected.seq == 3 and "OOMKilled" in selected.data
        assert not app.model["db-migrate"].follow
        await pilot.press("escape")
        assert isinstance(app.screen, TimelineScreen)


async def test_an_alert_rings_one_notification_per_burst_escaped(tmp_path: Path) -> None:
    written: list[str] = []
    app, clock = timeline_app(tmp_path, notify=True, terminal_write=written.append)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        for n in range(5):
            hostile = f"FATAL \x1b]777;notify;x;y\x07 {n}"
            app.model.on_events("web-deploy", [SSEvent("log", hostile, "", None)])
            app.flush()
        await pilot.pause()
        assert len(written) == 2  # one per rule: oom (round 3) and job error (round 4); the burst is quiet
        assert all(seq.count("\x1b") == 2 and seq.count("\x07") == 2 for seq in written)
        assert app.model["web-deploy"].alerts == 5


async def test_the_view_keeps_only_the_newest_entries_within_its_bound_in_order(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    app.model.timeline.cap = 20
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("t")
        lines = app.screen.query_one(TimelineLines)
        for batch in range(30):
            batch_events = [SSEvent("log", f"b{batch} e{n}", "", None) for n in range(7)]
            app.model.on_events(JOBS[batch % 4], batch_events)
            app.flush()
            assert len(lines.entries) <= 25
        assert [e.seq for e in lines.entries] == list(range(lines.entries[0].seq, app.model.timeline.seq + 1))
        assert lines.entries[-1].record.data == "b29 e6" and lines.cursor == len(lines.entries) - 1


async def test_enter_on_an_event_gone_from_the_jobs_buffer_says_so(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path, buffer_cap=3)
    messages: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        app.notify = lambda message, **_: messages.append(message)  # type: ignore[assignment,method-assign]
        await pilot.press("t", "g", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.job == "api-build"
        assert messages == ["that event is no longer in the job's buffer"]
        assert app.model["api-build"].follow


async def test_the_palette_opens_the_timeline(tmp_path: Path) -> None:
    app, clock = timeline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app, clock)
        await pilot.press("ctrl+p", *"Timeline")
        for _ in range(200):  # the palette searches in a worker: wait for its hits by loop turns
            hits = app.screen.query(CommandList)
            if hits and hits.first().option_count:
                break
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
