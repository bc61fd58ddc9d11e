"""The dashboard screen: the summary bar, the job list with the focused job (narrow) or a grid of panels
(wide), and the actions on jobs: select, detail, pause, reconnect, export, add and remove, help."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

from jobwatch.config import ConfigError, check_url, parse_source
from jobwatch.model import JobModel
from jobwatch.stream.spec import StreamSpec
from jobwatch.textsafe import sanitize
from jobwatch.ui.context import DashboardContext
from jobwatch.ui.format import summary_line
from jobwatch.ui.screens import jobactions
from jobwatch.ui.screens.detail import DetailScreen
from jobwatch.ui.screens.dialogs import AddSourceScreen, HelpScreen
from jobwatch.ui.screens.timeline import TimelineScreen
from jobwatch.ui.widgets import JobList, JobPanel, SummaryBar

WIDE_MIN = 120
"""From this many columns the dashboard shows a grid of panels; below, a list plus the focused job."""

PANEL_COLUMN_WIDTH = 60


class DashboardScreen(Screen[None]):
    """Every job at a glance; its actions act on the selected job unless given one (palette)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit"),
        Binding("enter", "detail", "Detail"),
        Binding("p,space", "pause", "Pause"),
        Binding("r", "reconnect", "Reconnect"),
        Binding("e", "export", "Export"),
        Binding("t", "timeline", "Timeline"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("j,down", "move(1)", "Next job", show=False, priority=True),
        Binding("k,up", "move(-1)", "Previous job", show=False, priority=True),
    ]

    def __init__(self, context: DashboardContext, *, alert: str | None = None) -> None:
        super().__init__()
        self.context = context
        self.alert = alert
        self.selected: str | None = next(iter(context.model.jobs), None)
        self._panels: dict[str, JobPanel] = {}
        self._wide = False

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        with Vertical(id="compact"):
            yield JobList(id="job-list")
            yield JobPanel(self.selected or "", max_lines=500, id="focus-panel")
        with VerticalScroll(id="grid"):
            yield Container(id="panels")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.context.views.subscribe(self)
        self._layout_for(self.size.width)
        self.query_one(JobList).focus()

    def on_unmount(self) -> None:
        self.context.views.unsubscribe(self)

    def on_resize(self) -> None:
        self._layout_for(self.size.width)
        self.context.refresh(True)

    def _layout_for(self, width: int) -> None:
        was_wide, self._wide = self._wide, width >= WIDE_MIN
        if was_wide != self._wide:
            self.call_after_refresh(self._focus_selection)
        if self._wide:
            panels = self.query_one("#panels", Container)
            panels.styles.grid_size_columns = max(2, width // PANEL_COLUMN_WIDTH)
            missing = [n for n in self.context.model.jobs if n not in self._panels]
            for name in missing:
                self._panels[name] = JobPanel(name, max_lines=100)
            if missing:
                panels.mount_all([self._panels[n] for n in missing])
                self.call_after_refresh(self.context.refresh, True)

    # -- showing the model --------------------------------------------------------------------------

    def show_jobs(self, changed: list[JobModel], now: float, all_jobs: bool) -> None:
        """Bring the summary, and the list and panels unless a full screen covers them, up to date."""
        model, redact = self.context.model, self.context.redact
        self.query_one(SummaryBar).set_content(
            summary_line(model.counts(now), max(20, self.size.width - 2), alert=self.alert)
        )
        top = self.app.screen
        if top is not self and not top.is_modal:
            return
        if self._wide:
            for job in changed:
                if (panel := self._panels.get(job.name)) is not None:
                    panel.show(job, now, redact)
            return
        self.query_one(JobList).set_rows(list(model), now, redact)
        panel = self.query_one("#focus-panel", JobPanel)
        if self.selected in {job.name for job in changed} or panel.job != self.selected:
            panel.show(model.jobs.get(self.selected or ""), now, redact)

    # -- selection ----------------------------------------------------------------------------------

    def select_job(self, name: str) -> None:
        if name not in self.context.model.jobs:
            return
        self.selected = name
        for job_name, panel in self._panels.items():
            panel.set_class(job_name == name, "-selected")
        self.context.refresh(True)

    def on_job_list_highlighted(self, message: JobList.Highlighted) -> None:
        self.select_job(message.job)

    def on_job_panel_selected(self, message: JobPanel.Selected) -> None:
        if message.control is not None and message.control.id != "focus-panel":
            self.select_job(message.job)

    def jump_to(self, name: str) -> None:
        """Select `name` and bring it into view (palette "jump to job")."""
        while len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        self.select_job(name)
        self._focus_selection()

    def _target(self, job: str | None) -> str | None:
        name = self.visible_selection() if job is None else job
        return name if name in self.context.model.jobs else None

    def visible_selection(self) -> str | None:
        """The job the user sees selected, read from the widget that shows it rather than from a message
        still in flight (`j` then `enter` in one read of the terminal must open the job moved to)."""
        if self._wide:
            focused = self.app.focused
            if isinstance(focused, JobPanel) and focused.id != "focus-panel":
                return focused.job
            return self.selected
        return self.query_one(JobList).selected or self.selected

    def action_move(self, delta: int) -> None:
        """Select the next or previous job in every layout (the grid has no list to move in)."""
        if not self._wide:
            job_list = self.query_one(JobList)
            job_list.action_move(delta)
            self.set_focus(job_list)
            return
        names = list(self.context.model.jobs)
        current = self.visible_selection()
        if not names:
            return
        index = names.index(current) + delta if current in names else 0
        self.select_job(names[max(0, min(len(names) - 1, index))])
        self._focus_selection()

    def _focus_selection(self) -> None:
        """Give focus to what shows the selection in this layout: its panel in the grid, else the list."""
        if self.selected is None:
            return
        # set_focus at once, not focus() (deferred): a key already queued reads the focus next.
        if self._wide and (panel := self._panels.get(self.selected)) is not None:
            self.set_focus(panel)
            panel.scroll_visible(animate=False)
        elif not self._wide:
            job_list = self.query_one(JobList)
            job_list.select(self.selected)
            self.set_focus(job_list)

    # -- actions ------------------------------------------------------------------------------------

    def action_detail(self, job: str | None = None) -> None:
        if (name := self._target(job)) is not None:
            detail = DetailScreen(self.context, name)
            self.app.push_screen(detail, callback=lambda _: self.context.refresh(True))

    def action_timeline(self) -> None:
        if not isinstance(self.app.screen, TimelineScreen):
            self.app.push_screen(TimelineScreen(self.context), callback=lambda _: self.context.refresh(True))

    def action_pause(self, job: str | None = None) -> None:
        if (name := self._target(job)) is not None:
            jobactions.pause(self.context, name)

    def action_reconnect(self, job: str | None = None) -> None:
        if (name := self._target(job)) is not None:
            jobactions.reconnect(self.context, name, self)

    def action_export(self, job: str | None = None) -> None:
        if (name := self._target(job)) is not None:
            jobactions.export(self.context, name, self)

    def action_help(self) -> None:
        if not isinstance(self.app.screen, HelpScreen):
            self.app.push_screen(HelpScreen())

    def action_add_source(self) -> None:
        self.app.push_screen(AddSourceScreen(), callback=self._add_source_text)

    def _add_source_text(self, text: str | None) -> None:
        if not text:
            return
        name, url = parse_source(text)
        try:
            check_url(url, "add source", "URL")
        except ConfigError as exc:
            self.notify(sanitize(f"cannot add source: {exc.problem}", 300), severity="error", markup=False)
            return
        self.add_job(StreamSpec(name, url))

    def add_job(self, spec: StreamSpec) -> str:
        """Add a job at run time and start its stream; returns its (made unique) name."""
        name = self.context.supervisor.add(spec)
        self._layout_for(self.size.width)
        if self.selected is None:
            self.selected = name
        self.context.refresh(True)
        return name

    def remove_job(self, name: str) -> None:
        """Stop the job's stream and drop it from the dashboard; the others are not disturbed."""
        if name not in self.context.model.jobs:
            return
        self.context.supervisor.remove(name)
        if (panel := self._panels.pop(name, None)) is not None:
            panel.remove()
        if self.selected == name:
            self.selected = next(iter(self.context.model.jobs), None)
        self.context.refresh(True)
