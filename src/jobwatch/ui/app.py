"""The jobwatch Textual app: one async worker per job owning its stream, the model fed by stream
callbacks, and widgets refreshed in batches by one ~10 Hz flush timer plus a 1 Hz tick."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult, InvalidThemeError
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Footer

from jobwatch.model import DashboardModel, JobModel
from jobwatch.stream.events import StreamState, StreamStatus
from jobwatch.stream.spec import StreamSpec
from jobwatch.textsafe import sanitize
from jobwatch.ui.actions import ActionsMixin
from jobwatch.ui.commands import JobCommands
from jobwatch.ui.detail import DetailScreen
from jobwatch.ui.format import summary_line
from jobwatch.ui.signals import install_exit_signals
from jobwatch.ui.streams import EngineStreamFactory, StreamFactory
from jobwatch.ui.themes import DEFAULT_THEME, discover_themes
from jobwatch.ui.widgets import JobList, JobPanel, SummaryBar

WIDE_MIN = 120
"""From this many columns the dashboard shows a grid of panels; below, a list plus the focused job."""

INSECURE_ALERT = "TLS UNVERIFIED"
PANEL_COLUMN_WIDTH = 60


class JobwatchApp(ActionsMixin, App[int]):
    """Watches many SSE job streams; testable without sockets through `stream_factory` and `clock`."""

    CSS_PATH = "app.tcss"
    TITLE = "jobwatch"
    COMMANDS: ClassVar = App.COMMANDS | {JobCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (WIDE_MIN, "-wide")]
    BINDINGS: ClassVar = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("enter", "detail", "Detail"),
        Binding("p,space", "pause", "Pause"),
        Binding("r", "reconnect", "Reconnect"),
        Binding("e", "export", "Export"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        specs: list[StreamSpec],
        *,
        stream_factory: StreamFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        cursor_store: Any = None,
        redactor: Callable[[str], str] | None = None,
        theme: str | None = None,
        bell: bool = True,
        buffer_cap: int = 2000,
        flush_interval: float = 0.1,
        tick_interval: float = 1.0,
        export_dir: Path | None = None,
        user_theme_dir: Path | None = None,
        handle_signals: bool = False,
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
            clock=clock, wall_clock=wall_clock, cap=buffer_cap, cursor_sink=cursor_store
        )
        self.stream_factory: StreamFactory = stream_factory or EngineStreamFactory(
            redactor=self.redact, clock=clock
        )
        self.bell_on_failure = bell
        self.flush_interval = flush_interval
        self.tick_interval = tick_interval
        self.export_dir = export_dir or Path.cwd()
        self.selected: str | None = None
        self._streams: dict[str, Any] = {}
        self._panels: dict[str, JobPanel] = {}
        self._wide = False
        self._startup_notes: list[str] = []
        self.alert = INSECURE_ALERT if any(spec.verify is False for spec in specs) else None
        if self.alert:
            self._startup_notes.append(
                "TLS certificate verification is OFF (--insecure): anyone on the network path can read "
                "and forge these streams"
            )
        for spec in specs:
            self.model.add(self._unique(spec))
        self.selected = next(iter(self.model.jobs), None)
        themes, errors = discover_themes(user_theme_dir)
        for t in themes:
            self.register_theme(t)
        self._startup_notes += errors
        try:
            self.theme = theme or DEFAULT_THEME
        except InvalidThemeError:
            self._startup_notes.append(f"unknown theme {theme!r}; using {DEFAULT_THEME}")
            self.theme = DEFAULT_THEME

    def _unique(self, spec: StreamSpec) -> StreamSpec:
        name, n = spec.name, 1
        while name in self.model.jobs:
            n += 1
            name = f"{spec.name} #{n}"
        return spec if name == spec.name else replace(spec, name=name)

    # -- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        with Vertical(id="compact"):
            yield JobList(id="job-list")
            yield JobPanel(self.selected or "", max_lines=500, id="focus-panel")
        with VerticalScroll(id="grid"):
            yield Container(id="panels")
        yield Footer(compact=True)

    def on_load(self) -> None:
        if self.handle_signals:
            install_exit_signals(self.leave_on_signal)

    def on_mount(self) -> None:
        for note in self._startup_notes:
            self.notify(sanitize(note, 300), severity="warning", markup=False, timeout=10)
        for name in self.model.jobs:
            self.start_stream(name)
        self._layout_for(self.size.width)
        self.query_one(JobList).focus()
        self.set_interval(self.flush_interval, self.flush, name="flush")
        self.set_interval(self.tick_interval, self.tick, name="tick")
        self.flush(all_jobs=True)
        self.call_after_refresh(_freeze_startup_objects)

    def on_resize(self) -> None:
        self._layout_for(self.size.width)
        self.flush(all_jobs=True)

    def _layout_for(self, width: int) -> None:
        self._wide = width >= WIDE_MIN
        if self._wide:
            panels = self.query_one("#panels", Container)
            panels.styles.grid_size_columns = max(2, width // PANEL_COLUMN_WIDTH)
            missing = [n for n in self.model.jobs if n not in self._panels]
            for name in missing:
                self._panels[name] = JobPanel(name, max_lines=100)
            if missing:
                panels.mount_all([self._panels[n] for n in missing])
                self.call_after_refresh(self.flush, all_jobs=True)

    # -- the batched refresh ------------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: heartbeat ages and stale states move on; cursors are saved (debounced)."""
        self.flush(all_jobs=True)
        if self.cursor_store is not None:
            self.cursor_store.maybe_flush()

    def flush(self, all_jobs: bool = False) -> None:
        """Push every change since the last flush to the widgets, in one batch."""
        # NoMatches: the app is composing or shutting down; the next flush catches up.
        with contextlib.suppress(NoMatches):
            self._refresh_views(all_jobs)

    def _refresh_views(self, all_jobs: bool) -> None:
        dirty = self.model.take_dirty()
        for job in self.model.take_failures():
            self._announce_failure(job)
        if not dirty and not all_jobs:
            return
        now = self.clock()
        changed = list(self.model) if all_jobs else dirty
        names = {job.name for job in changed}
        with self.batch_update():
            self.query_one(SummaryBar).set_content(
                summary_line(self.model.counts(now), max(20, self.size.width - 2), alert=self.alert)
            )
            screen = self.screen
            if isinstance(screen, DetailScreen):
                if screen.job in names:
                    screen.sync(now)
                return
            if self._wide:
                for job in changed:
                    if (panel := self._panels.get(job.name)) is not None:
                        panel.show(job, now, self.redact)
                return
            self.query_one(JobList).set_rows(list(self.model), now, self.redact)
            panel = self.query_one("#focus-panel", JobPanel)
            if self.selected in names or panel.job != self.selected:
                job = self.model.jobs.get(self.selected or "")
                panel.show(job, now, self.redact)

    def _announce_failure(self, job: JobModel) -> None:
        if self.bell_on_failure:
            self.bell()
        cause = sanitize(self.redact(job.status.last_error or "no cause given"), 200)
        self.notify(f"{sanitize(job.name, 60)} failed: {cause}", severity="error", markup=False,
                    timeout=8)

    # -- streams: one worker (and worker group) per job ------------------------------------------

    @staticmethod
    def group_of(name: str) -> str:
        return f"job:{name}"

    def start_stream(self, name: str) -> None:
        """Start (or restart) the job's stream from its cursor, in its own worker group. A job the state
        file says completed is reported so without connecting at first; a restart (`r`, resume) connects."""
        job = self.model.jobs[name]
        self.workers.cancel_group(self, self.group_of(name))
        completed = job.spec.completed and job.generation == 0
        spec = replace(job.spec, last_event_id=job.last_event_id, completed=completed)
        stream = self.stream_factory(spec, self.model.observer_for(name))
        self._streams[name] = stream
        self.run_worker(
            self._run_stream(name, stream),
            name=f"stream {name}",
            group=self.group_of(name),
            exit_on_error=False,
        )

    async def _run_stream(self, name: str, stream: Any) -> None:
        """Worker body: runs the stream; touches only the model, never widgets."""
        try:
            await stream.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug or an unexpected error must not take the dashboard down
            job = self.model.jobs.get(name)
            if job is not None and self._streams.get(name) is stream:
                status = StreamStatus(StreamState.FAILED, last_error=f"{type(exc).__name__}: {exc}")
                self.model.on_status(name, replace(status, last_event_id=job.last_event_id))
        finally:
            if self._streams.get(name) is stream:
                self._streams.pop(name, None)

    def stream_running(self, name: str) -> bool:
        return name in self._streams

    def stop_stream(self, name: str) -> None:
        self._streams.pop(name, None)
        self.workers.cancel_group(self, self.group_of(name))


def _freeze_startup_objects() -> None:
    """Move the objects built at start-up (tens of thousands: Textual's widgets, styles, caches) out of the
    garbage collector's reach, so the full collections a flood of events triggers stay short (measured in
    bench/ui_flood.py: p99 event-loop lag 113 ms before, under 40 ms after)."""
    gc.collect()
    gc.freeze()

