"""Liveness checks over real sockets, with the time limits shrunk (checkkit.FAST: proxies 0.5-2 s,
heartbeat timeout 1 s, bursts of 5+ events after 0.3 s) so a silence or a buffer shows within a second."""

from __future__ import annotations

import re

from checkkit import FAST, check_job, finding, job

from jobwatch.check import Thresholds, Verdict
from jobwatch.check.liveness import largest_gap
from jobwatch.demo import Fault


def gap_seconds(summary: str) -> float:
    match = re.search(r"(\d+(?:\.\d+)?) (ms|s)", summary)
    assert match is not None, summary
    return float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)


async def test_a_stream_never_silent_for_long_passes() -> None:
    report = await check_job(job("j"))

    gaps = finding(report, "liveness.gaps")
    assert gaps.verdict is Verdict.OK
    assert gaps.summary.startswith("largest gap") and gaps.summary.endswith("(under 0.5 s)")


async def test_a_silence_past_the_shortest_proxy_idle_timeout_is_risky() -> None:
    report = await check_job(job("j", Fault.silence(after_event=3, seconds=0.7)))

    gaps = finding(report, "liveness.gaps")
    assert gaps.verdict is Verdict.WARN
    assert re.fullmatch(
        r"no byte for \d+ ms from 0\.\d s: proxies with a 0\.5 s idle timeout cut it .*", gaps.summary
    )
    assert 0.7 <= gap_seconds(gaps.summary) < 1.0


async def test_a_silence_past_the_heartbeat_timeout_fails() -> None:
    report = await check_job(job("j", Fault.silence(after_event=3, seconds=1.3)), duration=2.0)

    gaps = finding(report, "liveness.gaps")
    assert gaps.verdict is Verdict.FAIL
    assert "jobwatch after 1 s (--heartbeat-timeout)" in gaps.summary
    assert gaps.fix == "send a comment line `: ping` every 0.3 s while there is nothing else to send"
    assert report.exit_code == 1


async def test_an_idle_stream_pinging_often_enough_passes() -> None:
    report = await check_job(job("j", count=4, complete=False), duration=0.6, ping_interval=0.1)

    assert report.connections[0].end == "time"
    assert finding(report, "liveness.gaps").verdict is Verdict.OK


async def test_silence_until_the_end_of_the_watch_counts_as_a_gap() -> None:
    report = await check_job(job("j", count=4, complete=False), duration=0.7)

    main = report.connections[0]
    assert main.end == "time"
    assert largest_gap(main).length >= 0.6
    assert finding(report, "liveness.gaps").verdict is Verdict.WARN


async def test_the_production_limits_are_proxies_30_to_60_s_and_heartbeat_45_s() -> None:
    limits = Thresholds()

    assert (limits.proxy_idle, limits.heartbeat_timeout, limits.ping_every) == ((30.0, 60.0), 45.0, 15.0)
    assert (limits.burst_gap, limits.burst_events) == (2.0, 10)
    assert FAST.proxy_idle[1] <= limits.proxy_idle[0]


async def test_events_sent_as_they_happen_show_no_burst() -> None:
    report = await check_job(job("j", count=6, interval=0.05))

    bursts = finding(report, "liveness.bursts")
    assert bursts.verdict is Verdict.OK
    assert bursts.summary.startswith("no read brought 5+ events after 0.3 s of silence")


async def test_a_batch_written_at_once_without_a_silence_is_not_called_buffering() -> None:
    report = await check_job(job("j", Fault.burst(after_event=2, count=6), interval=0.05))

    bursts = finding(report, "liveness.bursts")
    assert bursts.verdict is Verdict.OK
    assert bursts.summary.endswith("(most in one read: 7)")


async def test_one_batch_after_a_silence_mid_stream_is_not_called_buffering() -> None:
    script = job(
        "j", Fault.silence(after_event=3, seconds=0.4), Fault.burst(after_event=3, count=6), count=14
    )
    report = await check_job(script)

    bursts = finding(report, "liveness.bursts")
    assert bursts.verdict is Verdict.OK
    assert bursts.summary == "one batch after a silence, not repeated: a server batch rather than a buffer"
    assert re.fullmatch(
        r"\d+ events \(\d+ bytes\) in one read at 0\.\d s, after \d+ ms of silence", bursts.evidence[0]
    )


async def test_a_buffering_proxy_shows_as_repeated_bursts_after_silences() -> None:
    script = job("j", Fault.buffered(size=500), count=40, interval=0.06)
    report = await check_job(script, duration=2.0, events=10)

    bursts = finding(report, "liveness.bursts")
    assert bursts.verdict is Verdict.WARN
    assert re.fullmatch(
        r"\d bursts of events after a silence: something between server and client buffers "
        "the stream",
        bursts.summary,
    )
    assert len(bursts.evidence) >= 2


async def test_a_response_held_back_whole_until_its_end_shows_as_buffered() -> None:
    script = job("j", Fault.buffered(size=100_000), count=8, interval=0.06)
    report = await check_job(script)

    bursts = finding(report, "liveness.bursts")
    assert bursts.verdict is Verdict.WARN
    assert bursts.summary == (
        "the whole response in one read after a silence: "
        "something between server and client buffers the stream"
    )
    assert re.fullmatch(
        r"9 events \(\d+ bytes\) in one read at 0\.\d s, after \d+ ms of silence", bursts.evidence[0]
    )
