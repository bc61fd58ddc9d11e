"""Pure per-job dashboard state (no Textual, no I/O, injected clock), fed directly by the streams.

`DashboardModel` is the `StreamObserver` every stream reports to; its callbacks only update plain
Python state and mark jobs dirty, so a flood of events costs no widget work. The UI reads it in batches.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from jobwatch.model.alerts import AlertBook, AlertRule
from jobwatch.model.job import DEFAULT_BYTE_BUDGET, DEFAULT_CAP, Clock, CursorSink, JobModel
from jobwatch.model.records import STATE_ORDER, JobState
from jobwatch.model.timeline import Timeline
from jobwatch.stream.events import SSEvent, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec


class DashboardModel(StreamObserver):
    """All jobs, in display order; the observer every stream reports to; tracks dirty jobs and failures."""

    def __init__(
        self,
        *,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        cap: int = DEFAULT_CAP,
        byte_budget: int = DEFAULT_BYTE_BUDGET,
        cursor_sink: CursorSink | None = None,
        alert_rules: Sequence[AlertRule] = (),
        timeline: Timeline | None = None,
    ) -> None:
        self.clock = clock
        self.wall_clock = wall_clock
        self.cap = cap
        self.byte_budget = byte_budget
        self.cursor_sink = cursor_sink
        self.jobs: dict[str, JobModel] = {}
        self._dirty: set[str] = set()
        self._failures: list[str] = []
        self.timeline = timeline if timeline is not None else Timeline()
        """Every job's records in order of arrival (the timeline view)."""
        self.alerts = AlertBook(alert_rules, clock=clock)

    def add(self, spec: StreamSpec) -> JobModel:
        """Add a job (its name must be new) and return its model."""
        if spec.name in self.jobs:
            raise ValueError(f"a job named {spec.name!r} already exists")
        job = JobModel(
            spec,
            clock=self.clock,
            wall_clock=self.wall_clock,
            cap=self.cap,
            byte_budget=self.byte_budget,
            cursor_sink=self.cursor_sink,
        )
        self.jobs[spec.name] = job
        self._dirty.add(spec.name)
        return job

    def unique(self, spec: StreamSpec) -> StreamSpec:
        """`spec`, renamed `NAME #2`, `NAME #3`... when a job already has its name."""
        name, n = spec.name, 1
        while name in self.jobs:
            n += 1
            name = f"{spec.name} #{n}"
        return spec if name == spec.name else replace(spec, name=name)

    def remove(self, name: str) -> None:
        self.jobs.pop(name, None)
        self._dirty.discard(name)
        self.alerts.forget(name)

    def observer_for(self, name: str) -> StreamObserver:
        """An observer for a new stream of job `name`; reports from any earlier stream of the same
        job (still winding down after a pause or restart) are ignored from now on."""
        job = self.jobs[name]
        job.generation += 1
        return _GatedObserver(self, job, job.generation)

    def __iter__(self) -> Iterator[JobModel]:
        return iter(list(self.jobs.values()))

    def __len__(self) -> int:
        return len(self.jobs)

    def __getitem__(self, name: str) -> JobModel:
        return self.jobs[name]

    # -- StreamObserver ---------------------------------------------------------------------------

    def on_event(self, job: str, event: SSEvent) -> None:
        model = self.jobs.get(job)
        if model is not None:
            self.on_events(job, [event])

    def on_events(self, job: str, events: list[SSEvent]) -> None:
        model = self.jobs.get(job)
        if model is not None:
            before = model.seq
            model.record_events(events)
            self._took(model, before)
            self._dirty.add(job)

    def _took(self, model: JobModel, before: int) -> None:
        """Flag alerts among the records `model` took after seq `before`, and add them to the timeline."""
        records = model.events_since(before)
        if self.alerts.watches_events:
            self.alerts.flag(model, records)
        self.timeline.add(model.name, records)

    def on_status(self, job: str, status: StreamStatus) -> None:
        model = self.jobs.get(job)
        if model is not None:
            old = model.state(self.clock()) if self.alerts.watches_states else None
            if model.record_status(status):
                self._failures.append(job)
            if old is not None:
                new = model.state(self.clock())
                self.alerts.state_changed(model, old.value, new.value, status.last_error or "")
            self._dirty.add(job)

    def on_heartbeat(self, job: str, at: float) -> None:
        model = self.jobs.get(job)
        if model is not None:
            model.record_heartbeat(at)
            self._dirty.add(job)

    def on_notice(self, job: str, message: str) -> None:
        model = self.jobs.get(job)
        if model is not None:
            before = model.seq
            model.record_notice(message)
            self._took(model, before)
            self._dirty.add(job)

    # -- reads for the UI ---------------------------------------------------------------------------

    def mark_dirty(self, name: str) -> None:
        if name in self.jobs:
            self._dirty.add(name)

    def take_dirty(self) -> list[JobModel]:
        """Jobs changed since the last call, in display order."""
        if not self._dirty:
            return []
        dirty, self._dirty = self._dirty, set()
        return [job for name, job in self.jobs.items() if name in dirty]

    def take_failures(self) -> list[JobModel]:
        """Jobs that turned failed since the last call (for the bell and a notification)."""
        failures, self._failures = self._failures, []
        return [self.jobs[name] for name in failures if name in self.jobs]

    def counts(self, now: float | None = None) -> dict[JobState, int]:
        """Jobs per state word, every state present (zero when none), most urgent first."""
        now = self.clock() if now is None else now
        counts = dict.fromkeys(STATE_ORDER, 0)
        for job in self.jobs.values():
            counts[job.state(now)] += 1
        return counts


class _GatedObserver(StreamObserver):
    """Forwards one stream's reports to the dashboard model while that stream is the job's current one."""

    __slots__ = ("_generation", "_job", "_model")

    def __init__(self, model: DashboardModel, job: JobModel, generation: int) -> None:
        self._model = model
        self._job = job
        self._generation = generation

    def _current(self, job: str) -> bool:
        return self._job.generation == self._generation and self._model.jobs.get(job) is self._job

    def on_event(self, job: str, event: SSEvent) -> None:
        if self._current(job):
            self._model.on_event(job, event)

    def on_events(self, job: str, events: list[SSEvent]) -> None:
        if self._current(job):
            self._model.on_events(job, events)

    def on_status(self, job: str, status: StreamStatus) -> None:
        if self._current(job):
            self._model.on_status(job, status)

    def on_heartbeat(self, job: str, at: float) -> None:
        if self._current(job):
            self._model.on_heartbeat(job, at)

    def on_notice(self, job: str, message: str) -> None:
        if self._current(job):
            self._model.on_notice(job, message)
