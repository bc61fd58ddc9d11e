"""The real `jobwatch tail` process: completion remembered (#8.5), `--from-start`, a state file without
secrets (#9.4), the `--insecure` warning (#9.8) and `--max-line-bytes` (#8.2)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from jobwatch.cli import build_parser
from jobwatch.demo import DemoServer, JobScript, RawResponse
from jobwatch.stream.events import SSEvent
from jobwatch.stream.replay import fingerprint
from prockit import JOBWATCH, demo_server, saved_entry


def tail(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JOBWATCH, "tail", *args], capture_output=True, text=True, timeout=30)


# --- completion ----------------------------------------------------------------------------------


def test_a_job_the_server_completed_is_marked_completed_with_its_cursor(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with demo_server(DemoServer([JobScript("j", count=3, interval=0)])) as server:
        first = tail("--state", str(state), f"j={server.job_url('j')}")
    assert first.returncode == 0
    url = server.job_url("j")
    assert saved_entry(state, url) == {"id": "4", "url": url, "completed": True}


def test_a_second_run_on_a_completed_job_ends_at_once_without_connecting(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with demo_server(DemoServer([JobScript("j", count=3, interval=0)])) as server:
        tail("--state", str(state), f"j={server.job_url('j')}")
        second = tail("--state", str(state), f"j={server.job_url('j')}")
        requests = server.connections("/jobs/j/events")
    assert (second.returncode, second.stdout) == (0, "")
    assert second.stderr == "jobwatch: j: completed earlier at id 4\n"
    assert requests == 1


def test_a_job_stopped_before_it_completed_is_not_marked_completed(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with demo_server(DemoServer()) as server:
        url = server.add_raw("r", [RawResponse(body=[b"id: 3\ndata: a\n\n"])])
        result = tail("--state", str(state), "--max-retries", "0", url)  # a clean end: not the job's end
    assert result.returncode == 0
    saved = fingerprint(SSEvent("message", "a", "3", "3"))
    assert saved_entry(state, url) == {"id": "3", "url": url, "fp": saved}


def test_from_start_reads_a_completed_job_again_from_its_first_event(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with demo_server(DemoServer([JobScript("j", count=3, interval=0)])) as server:
        tail("--state", str(state), f"j={server.job_url('j')}")
        again = tail("--state", str(state), "--from-start", "--format", "jsonl", f"j={server.job_url('j')}")
        resumed_from = server.requests[-1].headers.get("last-event-id")
    assert again.returncode == 0
    assert len(again.stdout.splitlines()) == 4
    assert resumed_from is None


def test_from_start_ignores_a_saved_cursor_but_still_saves_the_new_one(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with demo_server(DemoServer()) as server:
        bodies = [b"id: 9\ndata: a\n\n", b"id: 2\ndata: b\n\n"]
        url = server.add_raw("r", [RawResponse(body=[body]) for body in bodies])
        tail("--state", str(state), "--max-retries", "0", url)
        tail("--state", str(state), "--max-retries", "0", "--from-start", url)
        sent = [request.headers.get("last-event-id") for request in server.requests]
    assert sent == [None, None]
    assert saved_entry(state, url)["id"] == "2"


def test_from_start_is_an_option_of_the_dashboard_too() -> None:
    assert build_parser(None).parse_args(["--from-start", "http://h/x"]).from_start is True


# --- the state file holds no secret --------------------------------------------------------------


def test_the_state_file_holds_neither_url_credentials_nor_token_values(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with demo_server(DemoServer()) as server:
        url = server.add_raw("r", [RawResponse(body=[b"id: 5\ndata: a\n\n"])])
        secret_url = url.replace("http://", "http://bob:hunter22@") + "?token=t0ps3cret"
        tail("--state", str(state), "--max-retries", "0", secret_url)
    text = state.read_text()
    assert saved_entry(state, secret_url)["id"] == "5"
    assert "hunter22" not in text and "t0ps3cret" not in text


# --- --insecure ----------------------------------------------------------------------------------


def test_insecure_prints_one_warning_line_on_stderr() -> None:
    result = tail("--no-state", "--insecure", "--max-retries", "0", "http://127.0.0.1:9/x")
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        "jobwatch: warning: TLS verification is off (--insecure): certificates are not checked, so anyone "
        "on the network path can read and change the streams and the credentials sent with them"
    ]


def test_without_insecure_there_is_no_tls_warning() -> None:
    result = tail("--no-state", "--max-retries", "0", "http://127.0.0.1:9/x")
    assert "warning" not in result.stderr


# --- --max-line-bytes ----------------------------------------------------------------------------


def test_max_line_bytes_below_1024_is_a_usage_error() -> None:
    result = tail("--no-state", "--max-line-bytes", "1023", "http://127.0.0.1:9/x")
    assert result.returncode == 2
    assert "--max-line-bytes" in result.stderr and ">= 1024" in result.stderr


def test_max_line_bytes_on_the_command_line_bounds_the_events_of_the_stream() -> None:
    long_line = b"data: " + b"x" * 1500 + b"\n\n"
    with demo_server(DemoServer()) as server:
        url = server.add_raw("r", [RawResponse(body=[long_line + b"data: short\n\n"])])
        options = ("--no-state", "--max-retries", "0", "--format", "jsonl")
        bounded = tail(*options, "--max-line-bytes", "1024", url)
        default = tail(*options, url)
    assert "x" * 1500 in default.stdout
    assert bounded.returncode != 2, bounded.stderr  # accepted, and it reached the stream:
    assert "x" * 1500 not in bounded.stdout
