"""A dashboard whose jobs' events interleave (fed to the model in a fixed round-robin order), with alert
rules, for the timeline and alert tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ui_fakes import Step, heartbeat, status
from ui_scenarios import NOW, Clock, make_app

from jobwatch.model.alerts import AlertRule
from jobwatch.stream.events import SSEvent, StreamState
from jobwatch.ui.app import JobwatchApp

JOBS = ("api-build", "db-migrate", "web-deploy", "nightly-etl")
OOM = AlertRule("oom", match=re.compile("OOMKilled|FATAL"))
ERRORS = AlertRule("job error", event=re.compile("error"))
RULES = (OOM, ERRORS)


def open_script() -> list[Step]:
    return [status(StreamState.OPEN, status_code=200), heartbeat(NOW - 1)]


def timeline_app(tmp_path: Path, **kwargs: object) -> tuple[JobwatchApp, Clock]:
    kwargs.setdefault("alert_rules", RULES)
    app, _factory, clock = make_app(scripts={job: open_script() for job in JOBS}, tmp_path=tmp_path, **kwargs)
    return app, clock


def line(text: str) -> str:
    return json.dumps({"line": text, "stream": "stdout"})


def feed(app: JobwatchApp, rounds: int = 6) -> None:
    """`rounds` rounds of one event per job in turn; db-migrate is OOM-killed in round 3 and api-build
    reports a retryable job error in round 4 (an alert on each) followed by its notice."""
    ids = dict.fromkeys(JOBS, 0)
    for n in range(1, rounds + 1):
        for job in JOBS:
            ids[job] += 1
            data = line(f"{job}: step {n} ok")
            type_ = "log"
            if job == "db-migrate" and n == 3:
                data = line("container OOMKilled (exit 137)")
            if job == "api-build" and n == 4:
                type_, data = "error", json.dumps({"message": "cache server unreachable", "retryable": True})
            app.model.on_events(job, [SSEvent(type_, data, str(ids[job]), str(ids[job]))])
            if type_ == "error":
                app.model.on_notice(job, "job error: cache server unreachable")
    app.flush()
