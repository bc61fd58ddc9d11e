"""Pure dashboard state: every job's stream status, heartbeat, recent events and view flags.

No Textual and no I/O; clocks are injected. `DashboardModel` is the observer every stream reports to.
"""

from jobwatch.model.dashboard import DashboardModel
from jobwatch.model.job import Clock, CursorSink, JobModel
from jobwatch.model.records import STATE_ORDER, EventRecord, JobState, parse_job_status

__all__ = [
    "STATE_ORDER",
    "Clock",
    "CursorSink",
    "DashboardModel",
    "EventRecord",
    "JobModel",
    "JobState",
    "parse_job_status",
]
