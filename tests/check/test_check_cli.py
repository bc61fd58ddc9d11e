"""`jobwatch check` as a command: exit statuses, the text and JSON reports (validated against the schema in
docs/check.md), usage errors, secrets never shown, and no server byte reaching the terminal raw."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from checkkit import FAST, check_job, job
from schemacheck import documented_schema, errors

from jobwatch.check import render_json
from jobwatch.check.cli import duration, main
from jobwatch.check.report import to_json
from jobwatch.demo import DemoServer, Fault, JobScript, RawResponse
from jobwatch.demo.faults import ALWAYS

JOBWATCH = [sys.executable, "-m", "jobwatch"]
SECRET = "s3cr3t-v4lue"
STREAM = "\n\n".join(f'id: {n}\nevent: log\ndata: {{"n": {n}}}' for n in range(1, 5)).encode() + b"\n\n"


@contextmanager
def served(*jobs: JobScript, raw: bytes | None = None) -> Iterator[DemoServer]:
    """A DemoServer on its own thread and loop, so the command under test can own the main thread;
    `raw` adds `/raw/r` answering that 200 text/event-stream body."""
    loop = asyncio.new_event_loop()
    server = DemoServer(jobs)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    if raw is not None:
        server.add_raw("r", [RawResponse(body=[b"retry: 100\n\n" + raw])])
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out, thresholds=FAST), out.getvalue()


def test_healthy_endpoint_prints_every_check_ok_and_exits_0() -> None:
    with served(job("healthy")) as server:
        code, out = run("--duration", "1s", server.job_url("healthy"))
        sent = [(r.method, r.headers.get("last-event-id")) for r in server.requests]

    assert code == 0
    assert sent == [("GET", None), ("GET", "11"), ("GET", "6"), ("GET", "1011")]
    lines = out.splitlines()
    assert lines[0] == f"jobwatch check {server.job_url('healthy')}"
    assert lines[1] == "  first connection: HTTP/1.1 200, 11 events in " + lines[1].split(" in ")[1]
    assert lines[2:5] == [
        "  reconnect after retry: HTTP/1.1 204, no stream (the server ended it)",
        "  resume from the middle: HTTP/1.1 200, 2 events in " + lines[3].split(" in ")[1],
        "  resume from an unknown id: HTTP/1.1 200, 2 events in " + lines[4].split(" in ")[1],
    ]
    assert sum(line.startswith("✓ ") for line in lines) == 21
    assert lines[-1].startswith("21 checks: 21 ok, 0 risky, 0 failed; ")


@pytest.mark.parametrize(("script", "code", "summary"), [
    (job("risky", retry_ms=100), 0, "21 checks: 20 ok, 1 risky, 0 failed"),
    (job("gone", Fault.status(404, times=ALWAYS)), 1, "3 checks: 2 ok, 0 risky, 1 failed (18 not checked)"),
], ids=["risky-only-exits-0", "failed-exits-1"])  # fmt: skip
def test_the_real_process_exits_0_unless_a_check_failed(script: JobScript, code: int, summary: str) -> None:
    with served(script) as server:
        proc = subprocess.run([*JOBWATCH, "check", "--duration", "1s", server.job_url(script.id)],
                              capture_output=True, text=True, timeout=60, check=False)  # fmt: skip

    assert proc.returncode == code, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.splitlines()[-1].startswith(summary)


def test_a_failed_check_exits_1_and_shows_the_fix() -> None:
    with served(job("j", Fault.bom(after_event=3))) as server:
        code, out = run("--duration", "1s", server.job_url("j"))

    assert code == 1
    assert (
        "✗ framing   bom               a BOM starts a line at byte 198: it becomes part of the field" in out
    )
    assert f"{'':30}'\\ufeffid: 4\\n'\n{'':30}fix: send a BOM only at the very start of the stream" in out


def test_risky_findings_alone_exit_0() -> None:
    with served(job("j", Fault.header("Cache-Control", None))) as server:
        code, out = run("--duration", "1s", server.job_url("j"))

    assert code == 0
    assert "⚠ response  cache-control     no Cache-Control header" in out


def test_terminal_without_unicode_gets_ascii_marks() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    with served(job("j", Fault.status(404, times=ALWAYS))) as server:
        code = main(["--duration", "1s", server.job_url("j")], out=out, thresholds=FAST)

    out.seek(0)
    text = out.read()
    assert code == 1
    assert "XX response  status            404 Not Found" in text
    assert "-- framing   retry             not checked: no 200 response" in text


@pytest.mark.parametrize("argv", [
    [], ["--duration", "0s", "http://x/"], ["--duration", "soon", "http://x/"], ["--events", "0", "http://x/"],
    ["--format", "xml", "http://x/"], ["--insecure", "--ca-bundle", "ca.pem", "http://x/"], ["a", "b"],
])  # fmt: skip
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2


@pytest.mark.parametrize("argv", [
    ["-H", "no colon", "http://127.0.0.1:9/"], ["ftp://127.0.0.1/x"], ["--ca-bundle", "/nonexistent.pem", "http://x/"],
    ["-H", "Authorization: Bearer ${JOBWATCH_CHECK_UNSET}", "http://127.0.0.1:9/"],
])  # fmt: skip
def test_configuration_errors_exit_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("jobwatch check: ") and err.count("\n") == 1


def test_the_real_process_exits_2_on_a_usage_error() -> None:
    proc = subprocess.run([*JOBWATCH, "check", "--duration", "-1s", "http://x/"], capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert proc.returncode == 2
    assert "--duration" in proc.stderr


def test_durations_take_units() -> None:
    assert [duration(t) for t in ("30s", "500ms", "2m", "1.5", "1h")] == [30.0, 0.5, 120.0, 1.5, 3600.0]


@pytest.mark.parametrize("script", [
    job("healthy"), job("broken", Fault.status(503, times=ALWAYS)),
    job("faulty", Fault.retry_field(None), Fault.corrupt_data(5), Fault.per_connection_ids(), Fault.gzip()),
], ids=["healthy", "no-stream", "faulty"])  # fmt: skip
async def test_json_report_validates_against_the_documented_schema(script: JobScript) -> None:
    report = await check_job(script)

    document = json.loads(render_json(report, str))
    assert errors(document, documented_schema()) == []
    assert document == to_json(report, str)
    assert document["exit_code"] == (1 if document["counts"]["fail"] else 0) == report.exit_code
    assert all((c["fix"] is None) == (c["status"] in ("ok", "skip")) for c in document["checks"])


def test_the_schema_checker_rejects_what_the_schema_forbids() -> None:
    schema = documented_schema()
    counts = {"ok": 0, "warn": 0, "fail": 0, "skip": 0}
    valid = {"schema": "jobwatch-check/1", "url": "u", "result": "ok", "exit_code": 0, "elapsed_s": 1.0,
             "counts": counts, "connections": [], "checks": []}  # fmt: skip
    assert errors(valid, schema) == []
    assert errors({**valid, "exit_code": 3}, schema) == ["$.exit_code: 3 not in [0, 1]"]
    assert errors({**valid, "extra": 1}, schema) == ["$: unexpected 'extra'"]
    assert errors({**valid, "checks": [{"id": "x"}]}, schema)[0] == "$.checks[0]: missing 'group'"


def test_json_format_of_the_command_is_one_ascii_document() -> None:
    with served(job("j", Fault.rename_event("log", "log\u202e"))) as server:
        code, out = run("--format", "json", "--duration", "1s", server.job_url("j"))

    assert code == 0
    assert out.isascii()
    document = json.loads(out)
    assert errors(document, documented_schema()) == []
    assert document["result"] == "warn"


def test_secrets_from_headers_and_the_url_never_appear_in_any_output() -> None:
    leak = STREAM + f"id: 5\nevent: log\ndata: echo Bearer {SECRET} and t0ps3cret\n\n".encode()
    with served(raw=leak) as server:
        env = {**os.environ, "TOK": SECRET}
        outputs = []
        for fmt in ("text", "json"):
            proc = subprocess.run(
                [*JOBWATCH, "check", "--duration", "1s", "--format", fmt,
                 "-H", "Authorization: Bearer ${TOK}", f"{server.url}/raw/r?token=t0ps3cret"],
                capture_output=True, text=True, timeout=60, check=False, env=env,
            )  # fmt: skip
            outputs.append(proc.stdout + proc.stderr)
        sent = server.requests[0].headers

    assert sent["authorization"] == f"Bearer {SECRET}"
    text, document = outputs
    assert "log id 5: 'echo *** and ***'" in text
    assert "token=***" in text
    for secret in (SECRET, "t0ps3cret"):
        assert secret not in text + document


def test_no_byte_from_the_server_reaches_the_terminal_raw() -> None:
    hostile = (b": \x1b]0;title\x07\n\nretry: \x1b[2J\n\n" + STREAM
               + b"id: 5\nevent: \x1b[31mred\xc2\x9b\nid: 6\n"
               + b"data: \x1b]52;c;aGk=\x07 \xe2\x80\xae\n\n")  # fmt: skip
    with served(raw=hostile) as server:
        code, text = run("--duration", "1s", f"{server.url}/raw/r")
        _, document = run("--duration", "1s", "--format", "json", f"{server.url}/raw/r")

    assert code == 1
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in text + document
    assert "'retry: \\x1b[2J'" in text
    assert "\\x1b[31mred\\x9b" in text


def test_check_package_does_not_import_textual() -> None:
    code = (
        "import sys, jobwatch.check, jobwatch.check.cli;"
        "sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
