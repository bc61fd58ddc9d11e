"""What the dashboard writes to the terminal: payload bytes never drive it, markup is never interpreted.

The headless driver is made to look like a real terminal and its writes are captured, so these tests see
the exact escape stream a user's terminal would receive, in every view that shows event data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_fakes import event
from ui_scenarios import make_app, settle

from jobwatch.ui.app import JobwatchApp

HOSTILE = (
    "H[b]bold[/b] I[link=http://x]l[/link] A\x1b[31mRED\x1b[0m B\x1b]52;c;cHduZWQ=\x07 C\x1b]0;title\x07 "
    "D\x1b]8;;http://evil/\x1b\\link E\u009b2J F\x07\x08\x08 G\u202eevil\u202c J\x00K"
)
# Payload bytes as they would appear if they reached the terminal raw (Textual's own sequences, such as
# its OSC 22 pointer shape ended by BEL, are not payload and are not looked for).
FORBIDDEN = [
    "\x1b[31mRED", "\x1b]52;", "\x1b]0;title", "\x1b]8;;http://evil", "\u009b2J", "F\x07", "\x08\x08",
    "\u202eevil", "J\x00K",
]  # fmt: skip


async def captured_frames(app: JobwatchApp, monkeypatch: pytest.MonkeyPatch, open_detail: bool) -> str:
    writes: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app._factory, app._clock)  # type: ignore[attr-defined]
        monkeypatch.setattr(type(app), "is_headless", property(lambda self: False))
        monkeypatch.setattr(app._driver, "write", writes.append)
        observer = app._factory.streams_of("build-api")[0].observer  # type: ignore[attr-defined]
        observer.on_event("build-api", event(HOSTILE, "6", "log\x1b[1m")[1])
        app.flush()
        await pilot.pause()
        if open_detail:
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("enter")  # the selected (hostile) event as pretty JSON
            await pilot.pause()
        app.screen.refresh()
        await pilot.pause()
    return "".join(writes)


@pytest.fixture
def app(tmp_path: Path) -> JobwatchApp:
    made, factory, clock = make_app(tmp_path=tmp_path)
    made._factory, made._clock = factory, clock  # type: ignore[attr-defined]
    return made


@pytest.mark.parametrize("view", ["dashboard", "detail"])
async def test_payload_escape_sequences_never_reach_the_terminal(
    app: JobwatchApp, monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    out = await captured_frames(app, monkeypatch, open_detail=view == "detail")
    assert "RED" in out, "the hostile event was not on screen"
    for sequence in FORBIDDEN:
        assert sequence not in out, f"{sequence!r} reached the terminal"
    assert "\\x1b[31mRED" in out  # shown, inert
    if view == "detail":  # the whole payload is on screen there (pretty JSON view)
        assert "\\x1b]52;" in out and "\\u202eevil" in out


@pytest.mark.parametrize("view", ["dashboard", "detail"])
async def test_payload_markup_is_shown_literally(
    app: JobwatchApp, monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    out = await captured_frames(app, monkeypatch, open_detail=view == "detail")
    assert "[b]bold[/b]" in out
    assert "[link=http://x]l[/link]" in out
