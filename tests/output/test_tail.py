"""`jobwatch tail` (design §2): formats, stderr state lines, exit codes, cursors, secrets, startup."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from jobwatch.demo import DemoServer, Fault, JobScript, RawResponse
from jobwatch.output.tail import TailPrinter, run_tail, state_line
from jobwatch.output.writer import CommittingOutput
from jobwatch.stream.cursor import CursorStore
from jobwatch.stream.events import StreamState, StreamStatus
from jobwatch.stream.spec import StreamSpec

JOBWATCH = [sys.executable, "-m", "jobwatch"]


async def tail(specs: list[StreamSpec], fmt: str = "jsonl") -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.StringIO()
    code = await run_tail(specs, fmt=fmt, cursors=CursorStore(None), stdout=out, stderr=err)
    return code, out.getvalue().decode(), err.getvalue()


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*JOBWATCH, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


async def test_every_event_exactly_once_in_order_across_200_random_drops() -> None:
    script = JobScript("big", count=20_000, interval=0, retry_ms=1, faults=[Fault.random_drops(200)])
    async with DemoServer([script], seed=3) as server:
        code, out, _ = await tail([StreamSpec("big", server.job_url("big"), initial_retry_ms=1)])
        connections = server.connections("/jobs/big/events")
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert code == 0
    assert connections == 201
    assert ids == [str(i) for i in range(1, 20_002)]


async def test_jsonl_has_one_object_per_event_with_job_id_event_and_data() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(body=[b"id: 1\nevent: log\ndata: a\ndata: b\n\ndata: c\n\n"])])
        code, out, _ = await tail([StreamSpec("build", url, max_retries=0)])
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"job": "build", "id": "1", "event": "log", "data": "a\nb"},
        {"job": "build", "id": "1", "event": "message", "data": "c"},
    ]


async def test_jsonl_output_is_pure_ascii_so_payload_bytes_never_reach_the_terminal() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(body=["data: \x1b]52;c;eA==\x07 \u009b2J é\n\n".encode()])])
        _, out, _ = await tail([StreamSpec("j", url, max_retries=0)])
    assert out.isascii()
    assert json.loads(out)["data"] == "\x1b]52;c;eA==\x07 \u009b2J é"


async def test_text_format_escapes_control_characters_in_every_field() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(body=[b"event: x\x1b[31m\ndata: a\x07b\tc\x1b]0;t\x07\n\n"])])
        _, out, _ = await tail([StreamSpec("j\x1b", url, max_retries=0)], fmt="text")
    stamp, job, event_type, data = out.rstrip("\n").split("  ")
    assert len(stamp) == len("12:34:56.789") and stamp[2] == ":" and stamp[8] == "."
    assert (job, event_type, data) == ("j\\x1b", "x\\x1b[31m", "a\\x07b\\x09c\\x1b]0;t\\x07")
    assert "\x1b" not in out and "\x07" not in out


async def test_state_changes_go_to_stderr_one_line_each_naming_the_job() -> None:
    async with DemoServer() as server:
        url = server.add_raw(
            "r", [RawResponse(status=503, headers=(("Retry-After", "0"),)), RawResponse(status=204)]
        )
        spec = StreamSpec("deploy", url, initial_retry_ms=10, max_backoff=0.01)
        code, out, err = await tail([spec])
    assert code == 0 and out == ""
    lines = err.splitlines()
    assert lines[0] == "jobwatch: deploy: connecting"
    assert lines[1].startswith("jobwatch: deploy: reconnecting in ")
    # attempt k = the k-th connection attempt since the last good one (the first connection was attempt 1)
    assert lines[1].endswith("s (attempt 2): HTTP 503 Service Unavailable")
    assert lines[-1] == "jobwatch: deploy: completed (server answered 204 No Content)"


async def test_exit_code_is_1_when_any_stream_failed() -> None:
    async with DemoServer(
        [JobScript("ok", count=3, interval=0), JobScript("bad", faults=[Fault.status(401)])]
    ) as srv:
        specs = [StreamSpec("ok", srv.job_url("ok")), StreamSpec("bad", srv.job_url("bad"))]
        code, out, err = await tail(specs)
    assert code == 1
    assert len(out.splitlines()) == 4  # the healthy job's 3 events and its completion
    assert any(
        line.startswith("jobwatch: bad: failed: HTTP 401 Unauthorized (check the token")
        for line in err.splitlines()
    )


async def test_cursor_is_saved_and_a_restart_resumes_after_it(tmp_path: Path) -> None:
    state = tmp_path / "cursors.json"
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(body=[b"id: 41\ndata: a\n\n"]), RawResponse(status=204)])
        await run_tail([StreamSpec("j", url, max_retries=0)], cursors=CursorStore(state), stdout=io.BytesIO(),
                       stderr=io.StringIO())  # fmt: skip
        resumed = CursorStore(state).get(url)
        await run_tail([StreamSpec("j", url, last_event_id=resumed)], cursors=CursorStore(state),
                       stdout=io.BytesIO(), stderr=io.StringIO())  # fmt: skip
        assert server.requests[1].headers.get("last-event-id") == "41"
    assert resumed == "41"


def test_cli_resumes_from_the_state_file_across_runs(tmp_path: Path) -> None:
    async def scenario() -> list[str | None]:
        async with DemoServer() as server:
            url = server.add_raw("r", [RawResponse(body=[b"id: 9\ndata: a\n\n"]), RawResponse(status=204)])
            for _ in range(2):
                proc = await asyncio.create_subprocess_exec(
                    *JOBWATCH, "tail", "--state", str(tmp_path / "s.json"), "--max-retries", "0", url,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                await proc.wait()
            return [r.headers.get("last-event-id") for r in server.requests]

    assert asyncio.run(scenario()) == [None, "9"]


def test_secrets_in_headers_never_appear_in_any_output() -> None:
    async def scenario() -> tuple[str, str, dict[str, str]]:
        script = JobScript("j", faults=[Fault.status(403, times=9)])
        async with DemoServer([script]) as server:
            proc = await asyncio.create_subprocess_exec(
                *JOBWATCH, "tail", "--no-state", "-H", "Authorization: Bearer ${TOK}",
                "-H", "X-Key: k-12345", f"{server.job_url('j')}?token=t0ps3cret",
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "TOK": "s3cr3t-v4lue"},
            )  # fmt: skip
            out, err = await proc.communicate()
            return out.decode(), err.decode(), server.requests[0].headers

    out, err, sent = asyncio.run(scenario())
    assert sent["authorization"] == "Bearer s3cr3t-v4lue"
    assert "failed: HTTP 403 Forbidden" in err
    for secret in ("s3cr3t-v4lue", "k-12345", "t0ps3cret"):
        assert secret not in out + err


def test_url_credentials_never_appear_in_any_output() -> None:
    result = run_cli(
        "tail", "--no-state", "--max-retries", "0", "http://user:hunter22@127.0.0.1:9/x?token=t0p"
    )
    assert result.returncode == 1
    assert "jobwatch: http://***@127.0.0.1:9/x?token=***: gave up" in result.stderr
    assert "hunter22" not in result.stderr and "t0p" not in result.stderr


def test_usage_errors_exit_2_with_one_line() -> None:
    result = run_cli("tail", "--max-retries", "-1", "http://127.0.0.1:9/")
    assert result.returncode == 2
    assert "--max-retries" in result.stderr and "Traceback" not in result.stderr


def test_bad_url_exits_2_naming_the_source() -> None:
    result = run_cli("tail", "--no-state", "ftp://example/x")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "ftp://example/x" in result.stderr and "Traceback" not in result.stderr


def test_no_sources_exits_2(tmp_path: Path) -> None:
    result = run_cli("tail", env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert "no sources" in result.stderr


def test_ctrl_c_exits_130_after_flushing_cursors(tmp_path: Path) -> None:
    state = tmp_path / "s.json"

    async def scenario() -> int:
        async with DemoServer() as server:
            url = server.add_raw("r", [RawResponse(body=[b"id: 77\ndata: a\n\n"], end="hang")])
            proc = await asyncio.create_subprocess_exec(
                *JOBWATCH, "tail", "--state", str(state), url,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            assert proc.stdout is not None
            await asyncio.wait_for(proc.stdout.readline(), 20)
            proc.send_signal(signal.SIGINT)
            return await asyncio.wait_for(proc.wait(), 20)

    assert asyncio.run(scenario()) == 130
    assert "77" in state.read_text()


def test_tail_does_not_import_textual() -> None:
    code = (
        "import sys, jobwatch.cli, jobwatch.output.tail, jobwatch.config, jobwatch.stream.client,"
        " jobwatch.model;"
        "sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_log_file_records_attempts_responses_and_delays_without_secrets(tmp_path: Path) -> None:
    log = tmp_path / "jobwatch.log"

    async def scenario() -> None:
        script = JobScript("j", count=2, interval=0, faults=[Fault.status(503, retry_after="0")])
        async with DemoServer([script]) as srv:
            proc = await asyncio.create_subprocess_exec(
                *JOBWATCH, "tail", "--no-state", "--max-backoff", "0.05", "--log-file", str(log),
                "-H", "X-Token: sekr1t-value", f"{srv.job_url('j')}?token=qu3ry-secret",
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            await proc.wait()

    asyncio.run(scenario())
    text = log.read_text()
    assert "GET http://127.0.0.1:" in text and "token=***" in text
    assert "HTTP 503" in text and "HTTP 200" in text
    assert "reconnecting in " in text and "jittered backoff" in text
    assert "completed" in text
    assert "sekr1t-value" not in text and "qu3ry-secret" not in text


def test_unwritable_log_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(
        "tail", "--no-state", "--log-file", str(tmp_path / "missing" / "x.log"), "http://127.0.0.1:9/"
    )
    assert result.returncode == 2
    assert "--log-file" in result.stderr and "Traceback" not in result.stderr


def test_a_job_completed_earlier_is_reported_in_those_words() -> None:
    status = StreamStatus(StreamState.COMPLETED, detail="completed earlier at id 4", job_done=True)
    assert state_line("j", status) == "jobwatch: j: completed earlier at id 4\n"


async def test_a_notice_is_one_escaped_stderr_line_naming_the_job() -> None:
    err = io.StringIO()
    out = CommittingOutput(io.BytesIO().write, None, lambda *_: None, lambda _: None)
    TailPrinter([StreamSpec("j", "http://h/x")], "jsonl", out, err).on_notice("j", "event 7 skipped:\x1b[2J")
    assert err.getvalue() == "jobwatch: j: event 7 skipped:\\x1b[2J\n"
