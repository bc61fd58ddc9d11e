"""Framing checks over real sockets: line endings, BOM, retry:, heartbeats, event types, JSON data."""

from __future__ import annotations

import re

import pytest
from checkkit import check_job, finding, job

from jobwatch.check import Verdict
from jobwatch.demo import Fault

CASES = [
    pytest.param("framing.line-endings", [], {}, Verdict.OK, "LF (45)", id="lf-passes"),
    pytest.param("framing.line-endings", [], {"line_ending": "\r\n"}, Verdict.OK, "CRLF (45)",
                 id="crlf-passes"),
    pytest.param("framing.line-endings", [Fault.mixed_endings()], {}, Verdict.WARN,
                 "mixed line endings: LF (25), CRLF (20)", id="mixed-warns"),
    pytest.param("framing.line-endings", [], {"line_ending": "\r"}, Verdict.WARN,
                 "lone CR line endings (CR (45))", id="cr-warns"),
    pytest.param("framing.bom", [], {}, Verdict.OK, "none", id="no-bom-passes"),
    pytest.param("framing.bom", [Fault.bom()], {}, Verdict.WARN, "the stream starts with a BOM",
                 id="leading-bom-warns"),
    pytest.param("framing.bom", [Fault.bom(after_event=3)], {}, Verdict.FAIL,
                 "a BOM starts a line at byte 198: it becomes part of the field name", id="bom-inside-fails"),
    pytest.param("framing.retry", [], {}, Verdict.OK, "retry: 3000 ms", id="retry-3000-passes"),
    pytest.param("framing.retry", [Fault.retry_field(None)], {}, Verdict.WARN, "no retry: field",
                 id="retry-missing-warns"),
    pytest.param("framing.retry", [Fault.retry_field("3s")], {}, Verdict.FAIL,
                 "1 retry: field that clients ignore", id="retry-3s-fails"),
    pytest.param("framing.retry", [Fault.retry_field(" 3000")], {}, Verdict.FAIL,
                 "1 retry: field that clients ignore", id="retry-two-spaces-fails"),
    pytest.param("framing.retry", [], {"retry_ms": 50}, Verdict.WARN, "retry: 50 ms: every client comes back",
                 id="retry-50ms-warns"),
    pytest.param("framing.event-types", [], {}, Verdict.OK, "log (", id="plain-types-pass"),
    pytest.param("framing.event-types", [Fault.rename_event("log", "log ")], {}, Verdict.WARN,
                 "types that listeners miss: 'log '", id="type-with-space-warns"),
    pytest.param("framing.event-types", [Fault.rename_event("progress", "Log")], {}, Verdict.WARN,
                 "types that listeners miss: 'log', 'Log'", id="types-differing-in-case-warn"),
    pytest.param("framing.json", [], {}, Verdict.OK, "JSON in every event of status, log, progress, complete",
                 id="json-passes"),
    pytest.param("framing.json", [Fault.corrupt_data(after_event=5)], {}, Verdict.FAIL,
                 "1 event whose data is not JSON where that type usually is", id="broken-json-fails"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "faults", "options", "verdict", "summary"), CASES)
async def test_framing_check_reports_the_fault(
    key: str, faults: list[Fault], options: dict[str, object], verdict: Verdict, summary: str
) -> None:
    report = await check_job(job("j", *faults, **options))

    result = finding(report, key)
    assert (result.verdict, summary in result.summary) == (verdict, True), result


async def test_mixed_line_endings_show_the_first_odd_line_escaped() -> None:
    report = await check_job(job("j", Fault.mixed_endings()))

    assert finding(report, "framing.line-endings").evidence == ("byte 60: 'id: 2\\r\\n'",)


async def test_bom_evidence_shows_it_escaped() -> None:
    report = await check_job(job("j", Fault.bom()))

    assert finding(report, "framing.bom").evidence == ("'\\ufeffretry: 3000\\n'",)


async def test_invalid_retry_evidence_is_the_line_as_sent() -> None:
    report = await check_job(job("j", Fault.retry_field("3s")))

    assert finding(report, "framing.retry").evidence == ("'retry: 3s'",)


async def test_broken_json_names_the_event_and_the_parse_error() -> None:
    report = await check_job(job("j", Fault.corrupt_data(after_event=5)))

    (line,) = finding(report, "framing.json").evidence
    assert line.startswith('log id 6: \'{"line": ')
    assert "(Unterminated string" in line
    assert report.exit_code == 1


async def test_comment_heartbeats_pass() -> None:
    report = await check_job(job("j", count=4, complete=False), duration=0.15, ping_interval=0.04)

    heartbeat = finding(report, "framing.heartbeat")
    assert heartbeat.verdict is Verdict.OK
    assert heartbeat.summary.endswith("comments, e.g. ': ping'")


async def test_heartbeats_sent_as_events_are_risky() -> None:
    script = job("j", Fault.heartbeat_events("keepalive"), count=4, complete=False)
    report = await check_job(script, duration=0.15, ping_interval=0.04)

    heartbeat = finding(report, "framing.heartbeat")
    assert heartbeat.verdict is Verdict.WARN
    assert "heartbeats sent as events: every client's handlers get them" in heartbeat.summary
    assert heartbeat.evidence == ("type 'keepalive', data '{}'",)


async def test_heartbeat_events_with_per_connection_ids_say_they_carry_ids() -> None:
    script = job("j", Fault.heartbeat_events(), Fault.per_connection_ids(), count=4, complete=False)
    report = await check_job(script, duration=0.15, ping_interval=0.04)

    beats = re.match(
        r"(\d+) heartbeats sent as events, (\d+) with an id:", finding(report, "framing.heartbeat").summary
    )
    assert beats is not None and beats.group(1) == beats.group(2)


async def test_a_silence_without_any_heartbeat_is_risky() -> None:
    report = await check_job(job("j", Fault.silence(after_event=3, seconds=0.4)))

    heartbeat = finding(report, "framing.heartbeat")
    assert heartbeat.verdict is Verdict.WARN
    assert heartbeat.summary.startswith("no heartbeat in a silence of")
