"""The `alerts N` badge in a job's header: shown once an alert rule matched the job, a space after it in
panels (no column widths) and lists (aligned), absent for a job without alerts."""

from __future__ import annotations

from jobwatch.model import JobModel
from jobwatch.stream.events import StreamState, StreamStatus
from jobwatch.stream.spec import StreamSpec
from jobwatch.ui.format import HeaderFields, Widths, header_line

NOW = 1000.0


def job(name: str, alerts: int) -> HeaderFields:
    model = JobModel(StreamSpec(name, "http://127.0.0.1/e"), clock=lambda: NOW, wall_clock=lambda: 1.7e9)
    model.record_status(StreamStatus(StreamState.OPEN))
    model.alerts = alerts
    return HeaderFields.of(model, NOW)


def test_a_panel_header_shows_the_badge_followed_by_a_space() -> None:
    assert "live         alerts 3 hb -" in header_line(job("api", 3)).plain


def test_a_job_without_alerts_has_no_badge() -> None:
    assert "alerts" not in header_line(job("api", 0)).plain


def test_list_rows_keep_their_columns_aligned_with_and_without_a_badge() -> None:
    rows = [job("api", 12), job("db", 0)]
    widths = Widths.of(rows)
    lines = [header_line(f, widths).plain for f in rows]
    assert lines[0].index("hb") == lines[1].index("hb")
    assert "alerts 12 hb" in lines[0]
