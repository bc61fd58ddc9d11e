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
    """Write the job's buffered events to a new JSONL file in the export directory."""
    job = context.model.jobs[name]
    try:
        path = export_path(context.export_dir, name, job.wall_clock())
        count = export_jsonl(job, path)
    except OSError as exc:
        screen.notify(f"export failed: {exc}", severity="error", markup=False)
        return
    screen.notify(f"exported {count} events to {path}", markup=False, timeout=6)
