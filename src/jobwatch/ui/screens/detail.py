"""The full-screen view of one job: header, follow/hold with a new-events badge, live filter,
timestamps and wrap toggles, pretty JSON of a selected event, copy (OSC 52) and export."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from jobwatch.model import JobModel
from jobwatch.textsafe import sanitize
from jobwatch.ui.context import DashboardContext
from jobwatch.ui.format import clipboard_text
from jobwatch.ui.screens import jobactions
from jobwatch.ui.screens.dialogs import EventScreen, HelpScreen
from jobwatch.ui.widgets import EventLines, JobHeader
from jobwatch.ui.widgets.panels import update_if_changed


class DetailScreen(Screen[None]):
    """Everything about one job; follows the model through the app's batched refresh (`show_jobs`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("f", "follow", "Follow"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("t", "timestamps", "Times"),
        Binding("w", "wrap", "Wrap"),
        Binding("enter", "show_event", "JSON", show=False),
        Binding("c", "copy", "Copy"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("e", "export", "Export", show=False),
        Binding("p,space", "pause", "Pause", show=False),
        Binding("q", "app.quit", "Quit", show=False),
        Binding("r", "reconnect", "Reconnect", show=False),
    ]

    def __init__(self, context: DashboardContext, job: str, *, select: int | None = None) -> None:
        super().__init__()
        self.context = context
        self.job = job
        self.shown_seq = 0
        self.select = select
        """The seq of an event to open at (held there), e.g. from the timeline; None: follow the newest."""

    @property
    def model(self) -> JobModel | None:
        return self.context.model.jobs.get(self.job)

    def compose(self) -> ComposeResult:
        yield JobHeader(id="detail-header")
        yield Static(id="detail-info")
        yield Input(placeholder="filter (type + data, case-insensitive)", id="detail-filter")
        yield EventLines(cap=self.context.model.cap, id="detail-events")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#detail-filter").display = False
        job = self.model
        if job is not None:
            job.set_follow(True)
            self.events.set_records(job.events)
            self.shown_seq = job.seq
        self.events.focus()
        self.context.views.subscribe(self)
        self.sync(self.context.clock())
        if self.select is not None:
            self.call_after_refresh(self.select_record, self.select)

    def select_record(self, seq: int) -> None:
        """Put the cursor on the event numbered `seq` (holding, unless it is the newest)."""
        index = next((i for i, r in enumerate(self.events.records) if r.seq == seq), None)
        if index is None:
            self.notify("that event is no longer in the job's buffer", markup=False, timeout=4)
            return
        self.events.set_cursor(index)

    def on_unmount(self) -> None:
        self.context.views.unsubscribe(self)
        if (job := self.model) is not None:
            job.set_follow(True)

    @property
    def events(self) -> EventLines:
        return self.query_one(EventLines)

    def show_jobs(self, changed: list[JobModel], now: float, all_jobs: bool) -> None:
        """While on top: catch up when this screen's job is among the changed ones."""
        if self.is_current and any(job.name == self.job for job in changed):
            self.sync(now)

    def sync(self, now: float) -> None:
        """Bring the view up to date with the model."""
        job = self.model
        if job is None:
            return
        self.query_one(JobHeader).show(job, now, self.context.redact)
        if job.follow:
            self.events.append(job.events_since(self.shown_seq))
            self.shown_seq = job.seq
        self._show_info(job)

    def _show_info(self, job: JobModel) -> None:
        view = self.events
        parts: list[str | tuple[str, str]] = [
            (sanitize(self.context.redact(job.spec.url), 120), "$foreground 60%"),
            "  ",
        ]
        if job.follow:
            parts.append(("following", "bold $success"))
        else:
            badge = f" held · {job.unseen} new events " if job.unseen else " held "
            parts.append((badge, "bold reverse $warning"))
        if view.filter_text:
            parts += ["  ", (f"filter: {sanitize(view.filter_text, 40)}", "bold $accent"),
                      (f" ({len(view.records)} match)", "$foreground 60%")]
        if view.timestamps:
            parts += ["  ", ("times", "$secondary")]
        if view.wrap:
            parts += ["  ", ("wrap", "$secondary")]
        content = Content.assemble(*parts)
        update_if_changed(self.query_one("#detail-info", Static), content)

    # -- actions ------------------------------------------------------------------------------------

    def _set_follow(self, follow: bool) -> None:
        job = self.model
        if job is None or job.follow == follow:
            return
        job.set_follow(follow)
        self.events.follow = follow
        if follow:
            self.events.append(job.events_since(self.shown_seq))
            self.shown_seq = job.seq
            self.events.action_last()
        self._show_info(job)

    def action_follow(self) -> None:
        job = self.model
        if job is not None:
            self._set_follow(not job.follow)

    def on_event_lines_moved(self, message: EventLines.Moved) -> None:
        if not message.at_end:
            self._set_follow(False)

    def action_filter(self) -> None:
        box = self.query_one("#detail-filter", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.events.filter_text = event.value
        if (job := self.model) is not None:
            self._show_info(job)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.events.focus()

    def action_back(self) -> None:
        box = self.query_one("#detail-filter", Input)
        if box.has_focus:
            box.value = ""
            box.display = False
            self.events.focus()
            return
        self.dismiss()

    def action_timestamps(self) -> None:
        self.events.timestamps = not self.events.timestamps
        if (job := self.model) is not None:
            self._show_info(job)

    def action_wrap(self) -> None:
        self.events.wrap = not self.events.wrap
        if (job := self.model) is not None:
            self._show_info(job)

    def action_show_event(self) -> None:
        record = self.events.selected
        if record is not None:
            self.app.push_screen(EventScreen(self.job, record))

    def action_copy(self) -> None:
        record = self.events.selected
        if record is not None:
            self.app.copy_to_clipboard(clipboard_text(record.data))
            self.notify(f"copied event {sanitize(record.id, 30) or ''} to the clipboard", markup=False)

    def action_export(self) -> None:
        if self.job in self.context.model.jobs:
            jobactions.export(self.context, self.job, self)

    def action_pause(self) -> None:
        if self.job in self.context.model.jobs:
            jobactions.pause(self.context, self.job)

    def action_reconnect(self) -> None:
        if self.job in self.context.model.jobs:
            jobactions.reconnect(self.context, self.job, self)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
