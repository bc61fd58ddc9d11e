"""The per-job actions both the dashboard and the detail view offer: pause/resume, reconnect, export."""

from __future__ import annotations

from textual.widget import Widget

from jobwatch.output.export import export_jsonl, export_path
from jobwatch.textsafe import sanitize
from jobwatch.ui.context import DashboardContext


def pause(context: DashboardContext, name: str) -> None:
    """Pause the job's stream or resume it from its cursor."""
    context.supervisor.toggle_pause(name)
    context.refresh(False)


def reconnect(context: DashboardContext, name: str, screen: Widget) -> None:
    """Skip the job's backoff wait, or start a finished or paused job again."""
    context.supervisor.reconnect(name)
    screen.notify(f"reconnecting {sanitize(name, 60)}", markup=False, timeout=3)


def export(context: DashboardContext, name: str, screen: Widget) -> None:
    """Write the job's buffered events to a new JSONL file in the export directory (created when needed);
    with no event to export nothing is written, and the user is told so."""
    job = context.model.jobs[name]
    if not any(not record.notice for record in job.events):
        screen.notify(f"nothing to export: {sanitize(name, 60)} has no events yet", markup=False, timeout=4)
        return
    try:
        context.export_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = export_path(context.export_dir, name, job.wall_clock())
        count = export_jsonl(job, path)
    except OSError as exc:
        screen.notify(sanitize(f"export failed: {exc}", 300), severity="error", markup=False)
        return
    shown = sanitize(str(path), 200)
    screen.notify(f"exported {count} events to {shown}", markup=False, timeout=8)
