"""Id checks over real sockets: present on every event, moving forward only, never reused, and the same
event on every connection."""

from __future__ import annotations

from checkkit import check_job, finding, job

from jobwatch.check import Verdict
from jobwatch.demo import Fault

LOGS = [
    ("log", '{"line": "a"}'),
    ("log", '{"line": "a"}'),
    ("log", '{"line": "b"}'),
    ("log", '{"line": "c"}'),
]


async def test_ids_on_every_event_pass() -> None:
    report = await check_job(job("j"))

    present = finding(report, "ids.present")
    assert (present.verdict, present.summary) == (Verdict.OK, "all 11 events carry an id")


async def test_events_of_one_type_without_ids_are_risky() -> None:
    report = await check_job(job("j", Fault.omit_ids("progress")))

    present = finding(report, "ids.present")
    assert present.verdict is Verdict.WARN
    assert present.summary.startswith("1 of 11 events carry no id (progress (1))")


async def test_a_stream_without_any_id_fails() -> None:
    script = job("j", Fault.omit_ids("log"), events=LOGS, complete=False)
    report = await check_job(script, duration=0.3, events=4)

    present = finding(report, "ids.present")
    assert present.verdict is Verdict.FAIL
    assert present.summary.startswith("none of 4 events carries an id")
    assert finding(report, "resume.last-event-id").verdict is Verdict.SKIP
    assert report.exit_code == 1


async def test_increasing_ids_pass() -> None:
    report = await check_job(job("j"))

    order = finding(report, "ids.order")
    assert (order.verdict, order.summary) == (Verdict.OK, "ids increase, 1 to 11, none repeated")


async def test_an_id_moving_back_fails() -> None:
    report = await check_job(job("j", Fault.event_id(after_event=6, event_id="2")))

    order = finding(report, "ids.order")
    assert order.verdict is Verdict.FAIL
    assert order.summary.startswith("the id moves back from 6 to 2: a client resuming from it")
    assert finding(report, "ids.per-connection").verdict is Verdict.OK
    assert finding(report, "resume.last-event-id").verdict is Verdict.OK


async def test_one_id_for_two_different_events_fails() -> None:
    report = await check_job(job("j", Fault.event_id(after_event=6, event_id="6")))

    order = finding(report, "ids.order")
    assert order.verdict is Verdict.FAIL
    assert order.summary.startswith("id 6 is used for two different events")


async def test_the_same_event_sent_twice_fails() -> None:
    script = job("j", Fault.event_id(after_event=1, event_id="1"), events=LOGS)
    report = await check_job(script)

    order = finding(report, "ids.order")
    assert (order.verdict, order.summary) == (Verdict.FAIL, "event 1 is sent twice on one connection")


async def test_ids_that_mean_the_same_event_on_every_connection_pass() -> None:
    report = await check_job(job("j"))

    per_connection = finding(report, "ids.per-connection")
    assert per_connection.verdict is Verdict.OK
    assert per_connection.summary == "the same id meant the same event on 3 connections (4 ids met again)"


async def test_ids_numbered_per_connection_fail_with_both_events_shown() -> None:
    report = await check_job(job("j", Fault.per_connection_ids()))

    per_connection = finding(report, "ids.per-connection")
    assert per_connection.verdict is Verdict.FAIL
    assert per_connection.summary.startswith("id 1 means another event on a later connection: ids restart")
    assert per_connection.evidence == (
        "first connection: 'status' '{\"status\": \"queued\"}'",
        "later one: 'log' '{\"line\": \"tests/test_module_15.py::test_case_2178…'",
    )
