"""Every key and click acts on the job that is visibly selected, in the list (narrow) and in the grid (wide),
even when the keys arrive together in one read of the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from ui_scenarios import make_app, settle

from jobwatch.ui.screens.detail import DetailScreen
from jobwatch.ui.widgets import JobPanel

NARROW, WIDE, WIDER = (100, 30), (130, 40), (200, 50)


def paused(app: object) -> list[str]:
    jobs = app.model.jobs  # type: ignore[attr-defined]
    return [name for name, job in jobs.items() if job.paused]


@pytest.mark.parametrize("size", [NARROW, WIDE, WIDER], ids=["100", "130", "200"])
async def test_j_j_j_then_p_pauses_the_fourth_job(tmp_path: Path, size: tuple[int, int]) -> None:
    app, factory, clock = make_app(tmp_path=tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, factory, clock)
        await pilot.press("j", "j", "j", "p")
        await pilot.pause()
        assert paused(app) == [list(app.model.jobs)[3]]


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["100", "130"])
async def test_down_then_enter_opens_the_second_job(tmp_path: Path, size: tuple[int, int]) -> None:
    app, factory, clock = make_app(tmp_path=tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, factory, clock)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.job == list(app.model.jobs)[1]


async def test_keys_that_arrive_together_act_on_the_job_moved_to(tmp_path: Path) -> None:
    app, factory, clock = make_app(tmp_path=tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, factory, clock)
        for key, character in (("j", "j"), ("enter", "\r")):  # queued before either is handled
            app.post_message(events.Key(key, character))
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.job == list(app.model.jobs)[1]


async def test_in_the_grid_the_selected_job_is_the_focused_and_marked_panel(tmp_path: Path) -> None:
    app, factory, clock = make_app(tmp_path=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, factory, clock)
        await pilot.press("j", "j")
        focused = app.focused
        third = list(app.model.jobs)[2]
        assert isinstance(focused, JobPanel) and focused.job == third
        marked = [panel.job for panel in app.screen.query(JobPanel) if panel.has_class("-selected")]
        assert marked == [third]


async def test_clicking_a_panel_then_p_pauses_that_job(tmp_path: Path) -> None:
    app, factory, clock = make_app(tmp_path=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, factory, clock)
        target = [panel for panel in app.screen.query(JobPanel) if panel.id != "focus-panel"][2]
        await pilot.click(target)
        await pilot.press("p")
        await pilot.pause()
        assert paused(app) == [target.job]


async def test_tab_then_enter_opens_the_job_tab_moved_to(tmp_path: Path) -> None:
    app, factory, clock = make_app(tmp_path=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, factory, clock)
        await pilot.press("tab", "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.job == list(app.model.jobs)[1]


async def test_in_the_grid_keys_that_arrive_together_act_on_the_job_moved_to(tmp_path: Path) -> None:
    app, factory, clock = make_app(tmp_path=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, factory, clock)
        for key in "jjjp":  # queued before any is handled
            app.post_message(events.Key(key, key))
        await pilot.pause()
        assert paused(app) == [list(app.model.jobs)[3]]
