"""Specification of the pure job model: state words, counters, bounded buffer, rate, status parsing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jobwatch.demo import DemoServer, RawResponse
from jobwatch.model import DashboardModel, JobModel, JobState, parse_job_status
from jobwatch.model.rate import RateCounter
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.events import Cause, SSEvent, StreamState, StreamStatus
from jobwatch.stream.replay import fingerprint
from jobwatch.stream.spec import StreamSpec


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def ev(data: str = "x", id_: str = "", type_: str = "message") -> SSEvent:
    return SSEvent(type_, data, id_, id_ or None)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def job(clock: FakeClock) -> JobModel:
    return JobModel(StreamSpec("build", "http://127.0.0.1/e", heartbeat_timeout=30), clock=clock,
                    wall_clock=lambda: 1.7e9)


def open_(job: JobModel) -> None:
    job.record_status(StreamStatus(StreamState.OPEN))


def test_new_job_is_connecting(job: JobModel, clock: FakeClock) -> None:
    assert job.state(clock.now) is JobState.CONNECTING


def test_open_stream_with_recent_bytes_is_live(job: JobModel, clock: FakeClock) -> None:
    open_(job)
    job.record_heartbeat(clock.now)
    clock.now += 14.9
    assert job.state(clock.now) is JobState.LIVE


def test_a_chatty_stream_falling_silent_is_stale_after_half_the_heartbeat_timeout(
    job: JobModel, clock: FakeClock
) -> None:
    open_(job)
    for _ in range(40):  # an event every second: the server's pace is known
        job.record_event(ev())
        clock.now += 1
    clock.now -= 1
    states = []
    for silent in (14.9, 15.1):
        states.append(job.state(clock.now + silent))
    assert states == [JobState.LIVE, JobState.STALE]


def pinging_job(clock: FakeClock, timeout: float) -> JobModel:
    """An open job whose server sent its first events (the tests then send only pings)."""
    job = JobModel(StreamSpec("j", "u", heartbeat_timeout=timeout), clock=clock)
    open_(job)
    job.record_heartbeat(clock.now)
    job.record_events([ev("a", "1"), ev("b", "2")])
    return job


def test_pings_within_the_heartbeat_timeout_never_show_stale(clock: FakeClock) -> None:
    job = pinging_job(clock, timeout=20)
    start, shown = clock.now, set()
    for step in range(1, 361):  # three minutes in half seconds, a ping every 15 s
        clock.now = start + step / 2
        if step % 30 == 0:
            job.record_heartbeat(clock.now)
        shown.add(job.state(clock.now))
    assert shown == {JobState.LIVE}


def test_stale_comes_before_the_heartbeat_timeout_even_after_long_ping_intervals(clock: FakeClock) -> None:
    job = pinging_job(clock, timeout=20)
    for _ in range(3):
        clock.now += 15
        job.record_heartbeat(clock.now)
    assert [job.state(clock.now + silent) for silent in (18.9, 19.1)] == [JobState.LIVE, JobState.STALE]


def test_before_the_server_showed_its_pace_only_the_coming_timeout_makes_it_stale(
    job: JobModel, clock: FakeClock
) -> None:
    open_(job)
    job.record_heartbeat(clock.now)
    assert [job.state(clock.now + silent) for silent in (28.4, 28.6)] == [JobState.LIVE, JobState.STALE]


def test_fresh_connection_gets_a_grace_period_even_after_old_bytes(
    job: JobModel, clock: FakeClock
) -> None:
    job.record_heartbeat(clock.now)
    clock.now += 100
    open_(job)
    clock.now += 1
    assert job.state(clock.now) is JobState.LIVE


def test_reopened_after_heartbeat_timeout_without_a_byte_is_stale(
    job: JobModel, clock: FakeClock
) -> None:
    dropped = "no byte for 30s"
    job.record_status(StreamStatus(StreamState.RECONNECTING, attempt=1, last_error=dropped,
                                   cause=Cause.HEARTBEAT))
    open_(job)
    job.record_status(StreamStatus(StreamState.OPEN, last_error=dropped, cause=Cause.HEARTBEAT))
    assert job.state(clock.now) is JobState.STALE
    job.record_heartbeat(clock.now + 1)
    assert job.state(clock.now + 1) is JobState.LIVE


def test_a_job_error_event_mentioning_heartbeat_does_not_change_the_dashboard_state(
    clock: FakeClock,
) -> None:
    model = DashboardModel(clock=clock)
    model.add(StreamSpec("build", "http://127.0.0.1/e", heartbeat_timeout=30))
    model.on_status("build", StreamStatus(StreamState.OPEN))
    before = model.counts()
    error = "job error: worker heartbeat lost, retrying step 3"
    model.on_notice("build", error)
    model.on_status("build", StreamStatus(StreamState.OPEN, last_error=error, cause=Cause.JOB_ERROR))
    assert model.counts() == before and before[JobState.LIVE] == 1


def test_polling_fallback_shows_as_polling(job: JobModel, clock: FakeClock) -> None:
    job.record_status(StreamStatus(StreamState.POLLING, last_error="SSE unavailable (HTTP 406); polling"))
    assert job.state(clock.now) is JobState.POLLING


def test_reconnecting_completed_failed_and_gave_up_map_to_their_words(
    job: JobModel, clock: FakeClock
) -> None:
    words = {}
    for state in (StreamState.RECONNECTING, StreamState.COMPLETED, StreamState.FAILED,
                  StreamState.GAVE_UP):
        job.record_status(StreamStatus(state))
        words[state] = job.state(clock.now)
    assert words == {
        StreamState.RECONNECTING: JobState.RECONNECTING,
        StreamState.COMPLETED: JobState.COMPLETED,
        StreamState.FAILED: JobState.FAILED,
        StreamState.GAVE_UP: JobState.FAILED,
    }


def test_user_pause_wins_over_stream_state(job: JobModel, clock: FakeClock) -> None:
    open_(job)
    job.set_paused(True)
    assert job.state(clock.now) is JobState.PAUSED


def test_resume_keeps_total_reconnects_and_cursor(job: JobModel, clock: FakeClock) -> None:
    job.record_status(StreamStatus(StreamState.OPEN, reconnects=4, last_event_id="41"))
    job.set_paused(True)
    job.set_paused(False)
    job.record_status(StreamStatus(StreamState.RECONNECTING, attempt=1, reconnects=1))
    assert (job.state(clock.now), job.reconnects, job.attempts, job.last_event_id) == (
        JobState.RECONNECTING, 5, 1, "41")


def test_buffer_is_bounded_by_count_keeping_the_newest(clock: FakeClock) -> None:
    job = JobModel(StreamSpec("j", "u"), clock=clock, cap=3)
    for i in range(10):
        job.record_event(ev(str(i)))
    assert [r.data for r in job.events] == ["7", "8", "9"]
    assert job.seq == 10


def test_buffer_is_bounded_by_bytes_but_keeps_the_newest_event(clock: FakeClock) -> None:
    job = JobModel(StreamSpec("j", "u"), clock=clock, byte_budget=10)
    job.record_event(ev("a" * 6))
    job.record_event(ev("b" * 6))
    job.record_event(ev("c" * 50))
    assert [r.data[0] for r in job.events] == ["c"]


def test_events_since_returns_only_newer_events_still_buffered(clock: FakeClock) -> None:
    job = JobModel(StreamSpec("j", "u"), clock=clock, cap=5)
    for i in range(8):
        job.record_event(ev(str(i)))
    assert [r.data for r in job.events_since(6)] == ["6", "7"]
    assert [r.data for r in job.events_since(0)] == ["3", "4", "5", "6", "7"]
    assert job.events_since(8) == []


def test_event_ids_advance_the_cursor_and_reach_the_cursor_sink(job: JobModel) -> None:
    job.cursor_sink = sink = Sink()
    job.record_event(ev("a", "7"))
    job.record_event(ev("b", "7"))
    job.record_event(ev("c", "8"))
    assert job.last_event_id == "8"
    assert sink.calls == [("http://127.0.0.1/e", "7", False), ("http://127.0.0.1/e", "8", False)]


def test_the_cursor_reaches_the_sink_with_its_events_fingerprint(job: JobModel) -> None:
    job.cursor_sink = sink = Sink()
    job.record_events([ev("a", "1"), ev("b", "2")])
    assert sink.fingerprints == [fingerprint(ev("b", "2"))]


def test_status_without_an_id_keeps_the_known_cursor(job: JobModel) -> None:
    job.record_event(ev("a", "12"))
    job.record_status(StreamStatus(StreamState.RECONNECTING))
    assert job.last_event_id == "12"


def test_a_notice_is_kept_in_order_with_the_events_but_is_not_an_event(clock: FakeClock) -> None:
    model = DashboardModel(clock=clock, wall_clock=lambda: 1.7e9)
    model.add(StreamSpec("a", "u"))
    observer = model.observer_for("a")
    observer.on_events("a", [ev("x", "6")])
    observer.on_notice("a", "event 7 skipped: 2.0 MB over the 1 MiB limit")
    observer.on_events("a", [ev("y", "8")])
    job = model["a"]
    assert [(r.data, r.id, r.notice) for r in job.events] == [
        ("x", "6", False), ("event 7 skipped: 2.0 MB over the 1 MiB limit", "6", True), ("y", "8", False)]
    assert (job.seq, job.received, sum(job.rate_series(clock.now)), job.last_event_id) == (3, 2, 2, "8")


class Sink:
    """A cursor store's `set`, recording every call (the `completed` keyword as CursorStore will take it)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bool]] = []
        self.fingerprints: list[str | None] = []

    def set(
        self, url: str, event_id: str, *, completed: bool = False, fingerprint: str | None = None
    ) -> None:
        self.calls.append((url, event_id, completed))
        self.fingerprints.append(fingerprint)


def test_an_id_only_block_moves_the_cursor_and_reaches_the_cursor_sink(job: JobModel) -> None:
    job.cursor_sink = sink = Sink()
    job.record_events([ev("a", "5")])
    job.record_status(StreamStatus(StreamState.OPEN, last_event_id="6", events=1))
    assert job.last_event_id == "6"
    assert sink.calls == [("http://127.0.0.1/e", "5", False), ("http://127.0.0.1/e", "6", False)]


def test_a_job_the_server_ended_for_good_is_saved_as_completed_with_its_cursor(job: JobModel) -> None:
    job.cursor_sink = sink = Sink()
    job.record_events([ev("done", "9", "complete")])
    final = StreamStatus(StreamState.COMPLETED, last_event_id="9", detail="'complete' event received",
                         job_done=True)
    job.record_status(final)
    job.record_status(final)
    assert sink.calls == [("http://127.0.0.1/e", "9", False), ("http://127.0.0.1/e", "9", True)]


@pytest.mark.parametrize("state", [StreamState.COMPLETED, StreamState.FAILED, StreamState.GAVE_UP])
def test_a_final_state_the_server_did_not_end_for_good_is_not_saved_as_completed(
    job: JobModel, state: StreamState
) -> None:
    job.cursor_sink = sink = Sink()
    job.record_status(StreamStatus(state, last_event_id="3", detail="stream ended"))
    assert sink.calls == [("http://127.0.0.1/e", "3", False)]


def test_a_job_the_state_file_says_completed_starts_completed_not_connecting(clock: FakeClock) -> None:
    spec = StreamSpec("j", "u", last_event_id="42", completed=True)
    job = JobModel(spec, clock=clock)
    assert (job.state(clock.now), job.status.detail, job.last_event_id) == (
        JobState.COMPLETED, "completed earlier at id 42", "42")

def test_job_status_comes_from_json_status_field(job: JobModel) -> None:
    job.record_event(ev('{"status": "running"}'))
    job.record_event(ev('{"line": "status is fine"}'))
    assert job.job_status == "running"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"status": "failed"}', "failed"),
        ('  {"status": 3}', "3"),
        ('{"status": null}', None),
        ('{"status": {"a": 1}}', None),
        ('"status"', None),
        ('{"status": broken', None),
        ('["status"]', None),
        ("plain text", None),
    ],
)
def test_parse_job_status(data: str, expected: str | None) -> None:
    assert parse_job_status(data) == expected


def test_unseen_counts_events_only_while_not_following(job: JobModel) -> None:
    job.record_event(ev())
    job.set_follow(False)
    job.record_event(ev())
    job.record_event(ev())
    assert job.unseen == 2
    job.set_follow(True)
    assert job.unseen == 0


def test_rate_counter_counts_per_second_and_slides(clock: FakeClock) -> None:
    rate = RateCounter(window=4)
    rate.add(10.1)
    rate.add(10.9)
    rate.add(12.0, 3)
    assert rate.series(12.5) == [0, 2, 0, 3]
    assert rate.series(20.0) == [0, 0, 0, 0]


def test_rate_is_mean_of_whole_seconds(job: JobModel, clock: FakeClock) -> None:
    for second in range(5):
        clock.now = 1000 + second
        for _ in range(4):
            job.record_event(ev())
    assert job.rate.rate(1005.2) == 4.0


def test_heartbeat_age(job: JobModel, clock: FakeClock) -> None:
    assert job.heartbeat_age(clock.now) is None
    job.record_heartbeat(clock.now - 7)
    assert job.heartbeat_age(clock.now) == 7


class TestDashboardModel:
    def make(self, clock: FakeClock, *names: str) -> DashboardModel:
        model = DashboardModel(clock=clock)
        for name in names:
            model.add(StreamSpec(name, f"http://127.0.0.1/{name}"))
        return model

    def test_counts_every_state_most_urgent_first(self, clock: FakeClock) -> None:
        model = self.make(clock, "a", "b", "c")
        model.on_status("a", StreamStatus(StreamState.FAILED, last_error="401"))
        model.on_status("b", StreamStatus(StreamState.OPEN))
        counts = model.counts()
        assert next(iter(counts)) is JobState.FAILED
        assert (counts[JobState.FAILED], counts[JobState.LIVE], counts[JobState.CONNECTING]) == (
            1, 1, 1)
        assert sum(counts.values()) == 3

    def test_take_dirty_returns_changed_jobs_once(self, clock: FakeClock) -> None:
        model = self.make(clock, "a", "b")
        model.take_dirty()
        model.on_event("b", ev())
        assert [j.name for j in model.take_dirty()] == ["b"]
        assert model.take_dirty() == []

    def test_failure_is_reported_once_per_transition(self, clock: FakeClock) -> None:
        model = self.make(clock, "a")
        model.on_status("a", StreamStatus(StreamState.FAILED, last_error="x"))
        model.on_status("a", StreamStatus(StreamState.FAILED, last_error="x"))
        assert [j.name for j in model.take_failures()] == ["a"]
        assert model.take_failures() == []

    def test_callbacks_for_unknown_jobs_are_ignored(self, clock: FakeClock) -> None:
        model = self.make(clock, "a")
        model.remove("a")
        model.on_event("a", ev())
        model.on_status("a", StreamStatus(StreamState.OPEN))
        model.on_heartbeat("a", 1.0)
        assert len(model) == 0 and model.take_dirty() == []

    def test_duplicate_names_are_rejected(self, clock: FakeClock) -> None:
        model = self.make(clock, "a")
        with pytest.raises(ValueError, match="already exists"):
            model.add(StreamSpec("a", "u"))


def test_model_never_imports_textual() -> None:
    code = "import sys, jobwatch.model, jobwatch.textsafe; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_batch_of_events_is_recorded_in_order_with_one_cursor_update(job: JobModel) -> None:
    job.cursor_sink = sink = Sink()
    job.record_events([ev("a", "1"), ev('{"status": "running"}', "2"), ev("c", "3")])
    assert ([r.data for r in job.events], job.job_status, [call[1] for call in sink.calls]) == (
        ["a", '{"status": "running"}', "c"], "running", ["3"])


def test_reports_from_an_older_stream_of_the_same_job_are_ignored(clock: FakeClock) -> None:
    model = DashboardModel(clock=clock)
    model.add(StreamSpec("a", "u"))
    old = model.observer_for("a")
    new = model.observer_for("a")
    old.on_status("a", StreamStatus(StreamState.STOPPED))
    old.on_events("a", [ev("stale")])
    new.on_status("a", StreamStatus(StreamState.OPEN))
    assert (model["a"].status.state, model["a"].seq) == (StreamState.OPEN, 0)


async def test_over_a_real_stream_the_saved_cursor_follows_id_only_blocks_and_completion() -> None:
    sink = Sink()
    model = DashboardModel(cursor_sink=sink)
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[b"retry: 10\nid: 1\ndata: a\n\n", b"id: 2\n\n"]),
            RawResponse(status=204),
        ])  # fmt: skip
        model.add(StreamSpec("r", url))
        async with make_client() as client:
            final = await JobStream(model["r"].spec, model.observer_for("r"), client=client).run()
    assert (final.state, final.job_done, model["r"].last_event_id) == (StreamState.COMPLETED, True, "2")
    assert sink.calls == [(url, "1", False), (url, "2", False), (url, "2", True)]
