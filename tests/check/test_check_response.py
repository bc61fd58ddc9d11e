"""Response checks over real sockets: each demo fault makes its check risky or failed, and the right
response makes it pass."""

from __future__ import annotations

import pytest
from checkkit import alarms, check_job, finding, job

from jobwatch.check import Verdict
from jobwatch.demo import DemoServer, Fault
from jobwatch.demo.faults import ALWAYS

CASES = [
    pytest.param("response.status", [Fault.status(503, times=ALWAYS)], Verdict.FAIL,
                 "503 Service Unavailable: EventSource fails the connection on anything but 200",
                 id="status-503-fails"),
    pytest.param("response.status", [Fault.status(401, times=ALWAYS)], Verdict.FAIL, "401 Unauthorized",
                 id="status-401-fails"),
    pytest.param("response.content-type", [Fault.header("Content-Type", "text/plain")], Verdict.FAIL,
                 "text/plain: EventSource and jobwatch fail the connection", id="content-type-wrong-fails"),
    pytest.param("response.content-type", [Fault.header("Content-Type", None)], Verdict.FAIL,
                 "no Content-Type: EventSource and jobwatch fail the connection",
                 id="content-type-missing-fails"),
    pytest.param("response.content-type",
                 [Fault.header("Content-Type", "text/event-stream; charset=iso-8859-1")], Verdict.WARN,
                 "charset=iso-8859-1: clients decode UTF-8 whatever the label says",
                 id="content-type-latin1-warns"),
    pytest.param("response.content-type", [Fault.header("Content-Type", "text/event-stream")], Verdict.OK,
                 "text/event-stream", id="content-type-bare-passes"),
    pytest.param("response.cache-control", [Fault.header("Cache-Control", None)], Verdict.WARN,
                 "no Cache-Control header", id="cache-control-missing-warns"),
    pytest.param("response.cache-control", [Fault.header("Cache-Control", "public, max-age=60")],
                 Verdict.WARN,
                 "public, max-age=60: neither no-cache nor no-store", id="cache-control-cacheable-warns"),
    pytest.param("response.cache-control", [Fault.header("Cache-Control", "no-store")], Verdict.OK,
                 "no-store", id="cache-control-no-store-passes"),
    pytest.param("response.content-encoding", [Fault.gzip()], Verdict.WARN, "gzip on an event stream",
                 id="content-encoding-gzip-warns"),
    pytest.param("response.x-accel-buffering", [Fault.header("X-Accel-Buffering", "yes")], Verdict.WARN,
                 "yes: asks nginx to buffer the stream", id="accel-buffering-yes-warns"),
    pytest.param("response.x-accel-buffering", [Fault.header("X-Accel-Buffering", "no")], Verdict.OK,
                 "no (nginx passes events on at once)", id="accel-buffering-no-passes"),
    pytest.param("response.http-version", [Fault.http10()], Verdict.WARN, "HTTP/1.0: no chunked coding",
                 id="http-1.0-warns"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "faults", "verdict", "summary"), CASES)
async def test_response_check_reports_the_fault(
    key: str, faults: list[Fault], verdict: Verdict, summary: str
) -> None:
    report = await check_job(job("j", *faults))

    result = finding(report, key)
    assert (result.verdict, summary in result.summary) == (verdict, True), result
    assert report.exit_code == (1 if Verdict.FAIL in alarms(report).values() else 0)


async def test_error_status_shows_the_body_escaped_and_skips_the_stream_checks() -> None:
    report = await check_job(job("j", Fault.status(503, times=ALWAYS)))

    assert finding(report, "response.status").evidence == ("body: '503 Service Unavailable\\n'",)
    assert finding(report, "framing.retry").verdict is Verdict.SKIP
    assert finding(report, "resume.last-event-id").verdict is Verdict.SKIP
    assert [rec.purpose for rec in report.connections] == ["first connection"]
    assert report.exit_code == 1


async def test_compressed_and_http_1_0_streams_are_still_read_event_by_event() -> None:
    for fault in (Fault.gzip(), Fault.http10()):
        report = await check_job(job("j", fault))

        assert len(report.connections[0].events) == 11, fault
        assert finding(report, "ids.order").summary == "ids increase, 1 to 11, none repeated"


async def test_same_origin_redirect_passes_and_names_the_target() -> None:
    report = await check_job(job("old", Fault.redirect("/jobs/new/events")), extra=(job("new"),))

    redirects = finding(report, "response.redirects")
    assert (redirects.verdict, redirects.summary) == (Verdict.OK, "1 redirect, same origin")
    assert redirects.evidence[0].endswith("/jobs/old/events -> " + report.connections[0].url)
    assert alarms(report) == {}


async def test_redirect_to_another_origin_is_risky() -> None:
    async with DemoServer([job("target")]) as other:
        report = await check_job(job("j", Fault.redirect(other.job_url("target"))))

    redirects = finding(report, "response.redirects")
    assert redirects.verdict is Verdict.WARN
    assert redirects.summary.startswith("1 redirect to another origin: jobwatch sends your -H headers only")
    assert redirects.evidence == (f"307 {report.url} -> {other.job_url('target')}",)


async def test_redirect_loop_fails_after_ten_redirects() -> None:
    report = await check_job(job("j", Fault.redirect("/jobs/j/events")))

    redirects = finding(report, "response.redirects")
    assert (redirects.verdict, redirects.summary) == (
        Verdict.FAIL,
        "11 redirects, then: more than 10 redirects",
    )
    assert redirects.evidence[-1] == "... and 8 more"
    assert finding(report, "response.status").verdict is Verdict.FAIL
    assert report.exit_code == 1
