"""Dashboard widgets by area: panels (summary, job header, event log), the job list and the event list,
both built on one cursor-list base."""

from jobwatch.ui.widgets.event_lines import EventLines
from jobwatch.ui.widgets.job_list import JobList
from jobwatch.ui.widgets.panels import EventLog, JobHeader, JobPanel, SummaryBar

__all__ = ["EventLines", "EventLog", "JobHeader", "JobList", "JobPanel", "SummaryBar"]
