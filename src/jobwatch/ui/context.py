"""What the screens share with the app, passed in rather than read off a cast App: the model, the stream
supervisor, the clock, the redactor, and a registry of views the app's batched refresh updates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from jobwatch.model import Clock, CursorSink, DashboardModel, JobModel
from jobwatch.ui.format import Redactor
from jobwatch.ui.supervisor import StreamSupervisor


class CursorStore(CursorSink, Protocol):
    """The cursor store as the dashboard uses it: record cursors, save now, or save when debounced."""

    def flush(self) -> None: ...

    def maybe_flush(self) -> None: ...


class JobView(Protocol):
    """A screen showing jobs: the app's refresh hands it the jobs changed since the last one."""

    def show_jobs(self, changed: list[JobModel], now: float, all_jobs: bool) -> None: ...


class JobViews:
    """The views subscribed to model updates, in subscription order."""

    def __init__(self) -> None:
        self._views: list[JobView] = []

    def subscribe(self, view: JobView) -> None:
        if view not in self._views:
            self._views.append(view)

    def unsubscribe(self, view: JobView) -> None:
        if view in self._views:
            self._views.remove(view)

    def __iter__(self) -> Iterator[JobView]:
        return iter(list(self._views))


@dataclass
class DashboardContext:
    """Everything a screen needs to show and act on jobs; `refresh(all_jobs)` runs the batched refresh."""

    model: DashboardModel
    supervisor: StreamSupervisor
    clock: Clock
    redact: Redactor
    export_dir: Path
    refresh: Callable[[bool], None]
    views: JobViews = field(default_factory=JobViews)
