"""The timeline: one view of every job's events interleaved by arrival, each led by its job's name in a
stable colour, with follow/hold, a filter across jobs, search (`n`/`N`) and `enter` to open that job's
detail view at that event."""

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
from jobwatch.ui.screens.detail import DetailScreen
from jobwatch.ui.widgets.panels import update_if_changed
from jobwatch.ui.widgets.timeline_lines import TimelineLines


class TimelineScreen(Screen[None]):
    """Follows the model's timeline through the app's batched refresh (`show_jobs`)."""

    DEFAULT_CSS = """
    #timeline-info { height: 1; padding: 0 1; background: $panel; text-wrap: nowrap; }
    #timeline-input { height: 3; }
    #timeline-lines { height: 1fr; background: $surface; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", key_display="esc"),
        Binding("f", "follow", "Follow"),
        Binding("slash", "ask('filter')", "Filter", key_display="/"),
        Binding("s", "ask('search')", "Search"),
        Binding("n", "next(1)", "Next"),
        Binding("N", "next(-1)", "Prev", key_display="N"),
        Binding("enter", "detail", "Detail"),
    ]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__()
        self.context = context
        self.shown_seq = 0
        self.search = ""
        self.asking = "filter"
        """What the input box edits: the filter (live) or the search text (on enter)."""

    def compose(self) -> ComposeResult:
        yield Static(id="timeline-info")
        yield Input(id="timeline-input")
        timeline = self.context.model.timeline
        yield TimelineLines(cap=timeline.cap, colours=timeline.colours, id="timeline-lines")
        yield Footer(compact=True)

    @property
    def lines(self) -> TimelineLines:
        return self.query_one(TimelineLines)

    def on_mount(self) -> None:
        self.query_one(Input).display = False
        timeline = self.context.model.timeline
        self.lines.set_columns(*timeline.columns_since(0))
        self.shown_seq = timeline.seq
        self.lines.focus()
        self.context.views.subscribe(self)
        self._show_info()

    def on_unmount(self) -> None:
        self.context.views.unsubscribe(self)

    def show_jobs(self, changed: list[JobModel], now: float, all_jobs: bool) -> None:
        """While on top: take the entries added since the last look (none while held)."""
        if not self.is_current:
            return
        if self.lines.follow:
            timeline = self.context.model.timeline
            self.lines.append_columns(*timeline.columns_since(self.shown_seq))
            self.shown_seq = timeline.seq
        self._show_info()

    def _show_info(self) -> None:
        lines = self.lines
        parts: list[str | tuple[str, str]] = [("timeline", "bold $primary"), " "]
        jobs = _n(len(self.context.model), "job")
        parts += [_n(lines.item_count, "event"), (f" · {jobs}  ", "$foreground 60%")]
        if lines.follow:
            parts.append(("following", "bold $success"))
        else:
            unseen = self.context.model.timeline.seq - self.shown_seq
            badge = f" held · {_n(unseen, 'new event')} " if unseen else " held "
            parts.append((badge, "bold reverse $warning"))
        if lines.filter_text:
            parts += ["  ", (f"filter: {sanitize(lines.filter_text, 30)}", "bold $accent")]
        if self.search:
            parts += ["  ", (f"search: {sanitize(self.search, 30)}", "bold $secondary")]
        update_if_changed(self.query_one("#timeline-info", Static), Content.assemble(*parts))

    # -- follow / hold --------------------------------------------------------------------------------

    def action_follow(self, follow: bool | None = None) -> None:
        lines = self.lines
        follow = not lines.follow if follow is None else follow
        if follow == lines.follow:
            if follow:
                lines.action_last()
            return
        lines.follow = follow
        if follow:
            timeline = self.context.model.timeline
            lines.append_columns(*timeline.columns_since(self.shown_seq))
            self.shown_seq = timeline.seq
            lines.action_last()
        self._show_info()

    def on_timeline_lines_moved(self, message: TimelineLines.Moved) -> None:
        """Moving off the newest entry holds; reaching it (End, G) follows again."""
        if message.at_end != self.lines.follow:
            self.action_follow(message.at_end)

    # -- filter and search ----------------------------------------------------------------------------

    def action_ask(self, what: str) -> None:
        box = self.query_one(Input)
        self.asking = what
        box.placeholder = ("filter: job, type or text (case-insensitive)" if what == "filter"
                           else "search: job, type or text; then n / N (empty: alerts)")
        box.value = self.lines.filter_text if what == "filter" else self.search
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.asking == "filter":
            self.lines.filter_text = event.value
            self._show_info()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.asking == "search":
            self.search = event.value
            self.action_next(1)
        event.input.display = bool(self.lines.filter_text) and self.asking == "filter"
        self.lines.focus()
        self._show_info()

    def action_next(self, step: int) -> None:
        """Move to the next (`step` 1) or previous (-1) entry matching the search, or alert without one."""
        lines = self.lines
        index = lines.find(lines.cursor, step, self.search.lower())
        if index is None:
            what = f"'{sanitize(self.search, 30)}'" if self.search else "alert"
            self.notify(f"no {what} in the timeline", markup=False, timeout=3)
            return
        lines.set_cursor(index)

    # -- leaving --------------------------------------------------------------------------------------

    def action_detail(self) -> None:
        entry = self.lines.selected
        if entry is None:
            return
        if entry.job not in self.context.model.jobs:
            self.notify(f"{sanitize(entry.job, 40)} is no longer on the dashboard", markup=False)
            return
        detail = DetailScreen(self.context, entry.job, select=entry.record.seq)
        self.app.push_screen(detail, callback=lambda _: self.context.refresh(True))

    def action_back(self) -> None:
        box = self.query_one(Input)
        if box.has_focus:
            if self.asking == "filter":
                box.value = ""
            box.display = False
            self.lines.focus()
            return
        self.dismiss()


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
