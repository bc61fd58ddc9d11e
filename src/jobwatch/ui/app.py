"""The jobwatch Textual app, kept thin: it builds the model, the stream supervisor and the theme, runs the
~10 Hz batched refresh and the 1 Hz tick, and leaves screens to own their widgets and actions."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import App, InvalidThemeError
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.css.query import NoMatches
from textual.screen import Screen

from jobwatch.model import DashboardModel, JobModel
from jobwatch.model.alerts import AlertRule
from jobwatch.paths import default_export_dir
from jobwatch.stream.spec import StreamSpec
from jobwatch.textsafe import sanitize
from jobwatch.ui.alerting import TerminalWrite, announce, driver_write
from jobwatch.ui.commands import JobCommands
from jobwatch.ui.context import CursorStore, DashboardContext
from jobwatch.ui.screens.dashboard import WIDE_MIN, DashboardScreen
from jobwatch.ui.signals import exit_now, install_exit_signals, start_exit_guard, terminal_gone
from jobwatch.ui.supervisor import EngineStreamFactory, StreamFactory, StreamSupervisor
from jobwatch.ui.themes import DEFAULT_THEME, discover_themes

INSECURE_ALERT = "TLS UNVERIFIED"


class JobwatchApp(App[int]):
    """Watches many SSE job streams; testable without sockets through `stream_factory` and `clock`."""

    CSS_PATH = "app.tcss"
    TITLE = "jobwatch"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {JobCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_MIN, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        specs: list[StreamSpec],
        *,
        stream_factory: StreamFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        cursor_store: CursorStore | None = None,
        redactor: Callable[[str], str] | None = None,
        theme: str | None = None,
        bell: bool = True,
        buffer_cap: int = 2000,
        flush_interval: float = 0.1,
        tick_interval: float = 1.0,
        export_dir: Path | None = None,
        user_theme_dir: Path | None = None,
        handle_signals: bool = False,
        alert_rules: Sequence[AlertRule] = (),
        notify: bool = False,
        terminal_write: TerminalWrite | None = None,
    ) -> None:
        super().__init__()
        self.handle_signals = handle_signals
        """Quit cleanly on SIGHUP/SIGTERM/SIGINT (the real process; tests running in pytest leave it off)."""
        self.exit_guard: threading.Timer | None = None
        """Ends the process if the shutdown after a signal hangs; cancelled once `run()` returned."""
        self.clock = clock
        self.redact: Callable[[str], str] = redactor or str
        self.cursor_store = cursor_store
        self.model = DashboardModel(
            clock=clock, wall_clock=wall_clock, cap=buffer_cap, cursor_sink=cursor_store,
            alert_rules=alert_rules,
        )
        self.notify_write = (terminal_write or driver_write(self)) if notify else None
        """Where `--notify` writes the OSC 9/777 notification of an alert (None: no notifications)."""
        factory = stream_factory or EngineStreamFactory(redactor=self.redact, clock=clock)
        self.supervisor = StreamSupervisor(self.model, factory, self)
        self.context = DashboardContext(
            self.model, self.supervisor, clock, self.redact, export_dir or default_export_dir(), self.flush
        )
        self.bell_on_failure = bell
        self.flush_interval = flush_interval
        self.tick_interval = tick_interval
        self._startup_notes: list[str] = []
        self.alert = INSECURE_ALERT if any(spec.verify is False for spec in specs) else None
        if self.alert:
            self._startup_notes.append(
                "TLS certificate verification is OFF (--insecure): anyone on the network path can read "
                "and forge these streams"
            )
        for spec in specs:
            self.model.add(self.model.unique(spec))
        self.dashboard = DashboardScreen(self.context, alert=self.alert)
        self._apply_theme(theme, user_theme_dir)

    def _apply_theme(self, theme: str | None, user_theme_dir: Path | None) -> None:
        themes, errors = discover_themes(user_theme_dir)
        for t in themes:
            self.register_theme(t)
        self._startup_notes += errors
        try:
            self.theme = theme or DEFAULT_THEME
        except InvalidThemeError:
            self._startup_notes.append(f"unknown theme {theme!r}; using {DEFAULT_THEME}")
            self.theme = DEFAULT_THEME

    def get_default_screen(self) -> Screen[None]:
        return self.dashboard

    def on_load(self) -> None:
        if self.handle_signals:
            install_exit_signals(self.leave_on_signal)

    def on_mount(self) -> None:
        for note in self._startup_notes:
            self.notify(sanitize(note, 300), severity="warning", markup=False, timeout=10)
        for name in self.model.jobs:
            self.supervisor.start(name)
        self.set_interval(self.flush_interval, self.flush, name="flush")
        self.set_interval(self.tick_interval, self.tick, name="tick")
        self.flush(all_jobs=True)
        self.call_after_refresh(_freeze_startup_objects)

    async def on_unmount(self) -> None:
        """Quitting, however it happens: save every cursor, stop the streams, close the HTTP clients."""
        self.save_cursors()
        await self.supervisor.aclose()

    # -- the batched refresh ------------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: heartbeat ages and stale states move on; cursors are saved (debounced)."""
        self.flush(all_jobs=True)
        if self.cursor_store is not None:
            self.cursor_store.maybe_flush()

    def flush(self, all_jobs: bool = False) -> None:
        """Push every change since the last flush to the subscribed views, in one batch."""
        # NoMatches: a screen is composing or shutting down; the next flush catches up.
        with contextlib.suppress(NoMatches):
            self._refresh_views(all_jobs)

    def _refresh_views(self, all_jobs: bool) -> None:
        dirty = self.model.take_dirty()
        for job in self.model.take_failures():
            self._announce_failure(job)
        for ring in self.model.alerts.take_rings():
            announce(self, ring, self.redact, bell=self.bell_on_failure, write=self.notify_write)
        if not dirty and not all_jobs:
            return
        now = self.clock()
        changed = list(self.model) if all_jobs else dirty
        with self.batch_update():
            for view in self.context.views:
                view.show_jobs(changed, now, all_jobs)

    def _announce_failure(self, job: JobModel) -> None:
        if self.bell_on_failure:
            self.bell()
        cause = sanitize(self.redact(job.status.last_error or "no cause given"), 200)
        self.notify(f"{sanitize(job.name, 60)} failed: {cause}", severity="error", markup=False,
                    timeout=8)

    # -- leaving ------------------------------------------------------------------------------------

    def leave_on_signal(self, signum: int) -> None:
        """SIGHUP, SIGTERM or SIGINT: save every cursor now (not debounced), then exit 128 + `signum`
        through Textual's shutdown, which restores the terminal."""
        code = 128 + signum
        self.save_cursors()
        if terminal_gone():
            exit_now(code)
        if self.exit_guard is None:
            self.exit_guard = start_exit_guard(code)
        self.exit(return_code=code)

    def save_cursors(self) -> None:
        if self.cursor_store is not None:
            try:
                self.cursor_store.flush()
            except OSError as exc:
                self.log.error(f"could not save cursors: {exc}")


def _freeze_startup_objects() -> None:
    """Move the objects built at start-up (tens of thousands: Textual's widgets, styles, caches) out of the
    garbage collector's reach, so the full collections a flood of events triggers stay short (measured in
    bench/ui_flood.py: p99 event-loop lag 113 ms before, under 40 ms after)."""
    gc.collect()
    gc.freeze()
