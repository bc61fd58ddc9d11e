"""Command palette entries: per job (jump, pause/resume, reconnect, export, remove) and global
(add source, timeline). Theme switching is Textual's own "Theme" command, which lists the jobwatch themes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from jobwatch.textsafe import sanitize
from jobwatch.ui.screens.dashboard import DashboardScreen


class JobCommands(Provider):
    """Palette commands for every job, plus adding a source; they act through the dashboard screen."""

    def _dashboard(self) -> DashboardScreen | None:
        return next((s for s in self.app.screen_stack if isinstance(s, DashboardScreen)), None)

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        dashboard = self._dashboard()
        if dashboard is None:
            return []
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("Add source", dashboard.action_add_source, "Watch another SSE URL (URL or NAME=URL)"),
            ("Timeline", dashboard.action_timeline, "Every job's events by arrival (key t)"),
        ]
        now = dashboard.context.clock()
        for name, job in list(dashboard.context.model.jobs.items()):
            shown = sanitize(name, 60)
            pause = "Resume" if job.paused else "Pause"
            state = job.state(now).value  # so "fail" or "stale" finds the jobs in that state
            commands += [
                (f"Jump to {shown} ({state})", partial(dashboard.jump_to, name), "Select this job"),
                (f"{pause} {shown}", partial(dashboard.action_pause, name), "Stop / restart its stream"),
                (f"Reconnect {shown} now", partial(dashboard.action_reconnect, name), "Skip the wait"),
                (f"Export {shown}", partial(dashboard.action_export, name), "Write its events to JSONL"),
                (f"Open {shown}", partial(dashboard.action_detail, name), "Full-screen detail view"),
                (f"Remove {shown}", partial(dashboard.remove_job, name), "Stop watching this job"),
            ]
        return commands

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                # highlight() parses markup, so a job name with "[" is shown plain instead
                shown = Content(title) if "[" in title else matcher.highlight(title)
                yield Hit(score, shown, callback, text=title, help=help_text)
