"""A job's header shows only what is true now: no heartbeat age once nothing listens, and no job status
that a failed stream can no longer vouch for."""

from __future__ import annotations

import pytest

from jobwatch.model import JobModel
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.spec import StreamSpec
from jobwatch.ui.format import HeaderFields

NOW = 1000.0


def running_job() -> JobModel:
    job = JobModel(StreamSpec("build", "http://127.0.0.1/e"), clock=lambda: NOW, wall_clock=lambda: 1.7e9)
    job.record_status(StreamStatus(StreamState.OPEN))
    job.record_events([SSEvent("status", '{"status": "running"}', "1", "1")])
    job.record_heartbeat(NOW - 20)
    return job


@pytest.mark.parametrize("state", [StreamState.COMPLETED, StreamState.FAILED])
def test_a_finished_job_shows_no_heartbeat_age(state: StreamState) -> None:
    job = running_job()
    job.record_status(StreamStatus(state, last_event_id="1"))
    assert HeaderFields.of(job, NOW).hb.strip() == "hb -"


def test_a_live_job_shows_its_heartbeat_age() -> None:
    assert HeaderFields.of(running_job(), NOW).hb.strip() == "hb 20s"


def test_a_failed_job_does_not_claim_to_be_running() -> None:
    job = running_job()
    job.record_status(StreamStatus(StreamState.FAILED, last_event_id="1", last_error="HTTP 401"))
    assert HeaderFields.of(job, NOW).status == ""


def test_a_failed_job_keeps_a_final_status_its_server_sent() -> None:
    job = running_job()
    job.record_events([SSEvent("status", '{"status": "failed"}', "2", "2")])
    job.record_status(StreamStatus(StreamState.FAILED, last_event_id="2"))
    assert HeaderFields.of(job, NOW).status == "failed"
