"""User actions of the dashboard (keys and palette): select, detail, pause/resume, reconnect,
export, add and remove jobs, help, quit. Mixed into `JobwatchApp`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from jobwatch.config import ConfigError, check_url, parse_source
from jobwatch.output.export import export_jsonl, export_path
from jobwatch.stream.spec import StreamSpec
from jobwatch.textsafe import sanitize
from jobwatch.ui.dialogs import AddSourceScreen, HelpScreen
from jobwatch.ui.signals import exit_now, start_exit_guard, terminal_gone
from jobwatch.ui.widgets import JobList, JobPanel

if TYPE_CHECKING:
    from jobwatch.ui.app import JobwatchApp


class ActionsMixin(App[int]):
    """Actions bound to keys and palette commands; they operate on the selected job by default."""

    def _jw(self) -> JobwatchApp:
        return self  # type: ignore[return-value]

    def _target(self, job: str | None) -> str | None:
        screen = self.screen
        name = getattr(screen, "job", None) if job is None else job
        if name is None:
            name = self._jw().selected
        return name if name in self._jw().model.jobs else None

    # -- selection ----------------------------------------------------------------------------------

    def select_job(self, name: str) -> None:
        app = self._jw()
        if name not in app.model.jobs:
            return
        app.selected = name
        for job_name, panel in app._panels.items():
            panel.set_class(job_name == name, "-selected")
        app.flush(all_jobs=True)

    def on_job_list_highlighted(self, message: JobList.Highlighted) -> None:
        self.select_job(message.job)

    def on_job_panel_selected(self, message: JobPanel.Selected) -> None:
        if message.control is not None and message.control.id != "focus-panel":
            self.select_job(message.job)

    def jump_to(self, name: str) -> None:
        """Select `name` and bring it into view (palette "jump to job")."""
        app = self._jw()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.select_job(name)
        if app._wide and (panel := app._panels.get(name)) is not None:
            panel.focus()
            panel.scroll_visible(animate=False)
        else:
            job_list = self.query_one(JobList)
            job_list.select(name)
            job_list.focus()

    # -- actions ------------------------------------------------------------------------------------

    def action_detail(self, job: str | None = None) -> None:
        from jobwatch.ui.detail import DetailScreen

        name = self._target(job)
        if name is not None:
            self.push_screen(DetailScreen(name), callback=lambda _: self._jw().flush(all_jobs=True))

    def action_pause(self, job: str | None = None) -> None:
        """Pause the job (cancel its worker) or resume it from its cursor."""
        app = self._jw()
        name = self._target(job)
        if name is None:
            return
        model = app.model.jobs[name]
        if model.paused:
            model.set_paused(False)
            app.start_stream(name)
        else:
            model.set_paused(True)
            app.stop_stream(name)
        app.model.mark_dirty(name)
        app.flush()

    def action_reconnect(self, job: str | None = None) -> None:
        """Reconnect now: skip the backoff wait; a finished or paused job is started again."""
        app = self._jw()
        name = self._target(job)
        if name is None:
            return
        stream = app._streams.get(name)
        if stream is not None:
            stream.reconnect_now()
        else:
            app.model.jobs[name].set_paused(False)
            app.start_stream(name)
        app.model.mark_dirty(name)
        self.notify(f"reconnecting {sanitize(name, 60)}", markup=False, timeout=3)

    def action_export(self, job: str | None = None) -> None:
        app = self._jw()
        name = self._target(job)
        if name is None:
            return
        model = app.model.jobs[name]
        try:
            path = export_path(app.export_dir, name, model.wall_clock())
            count = export_jsonl(model, path)
        except OSError as exc:
            self.notify(f"export failed: {exc}", severity="error", markup=False)
            return
        self.notify(f"exported {count} events to {path}", markup=False, timeout=6)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_add_source(self) -> None:
        self.push_screen(AddSourceScreen(), callback=self._add_source_text)

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
        app = self._jw()
        spec = app._unique(spec)
        app.model.add(spec)
        app._layout_for(self.size.width)
        app.start_stream(spec.name)
        if app.selected is None:
            app.selected = spec.name
        app.flush(all_jobs=True)
        return spec.name

    def remove_job(self, name: str) -> None:
        """Stop the job's stream and drop it from the dashboard; the others are not disturbed."""
        app = self._jw()
        if name not in app.model.jobs:
            return
        app.stop_stream(name)
        app.model.remove(name)
        if (panel := app._panels.pop(name, None)) is not None:
            panel.remove()
        if app.selected == name:
            app.selected = next(iter(app.model.jobs), None)
        app.flush(all_jobs=True)

    async def action_quit(self) -> None:
        """Quit after saving every job's resume cursor."""
        self.flush_cursors()
        self.exit(0)

    def leave_on_signal(self, signum: int) -> None:
        """SIGHUP, SIGTERM or SIGINT: save every cursor now (not debounced), then exit 128 + `signum`
        through Textual's shutdown, which restores the terminal."""
        code = 128 + signum
        self.flush_cursors()
        if terminal_gone():
            exit_now(code)
        if self._jw().exit_guard is None:
            self._jw().exit_guard = start_exit_guard(code)
        self.exit(return_code=code)

    def flush_cursors(self) -> None:
        store: Any = self._jw().cursor_store
        if store is not None:
            try:
                store.flush()
            except OSError as exc:
                self.log.error(f"could not save cursors: {exc}")
