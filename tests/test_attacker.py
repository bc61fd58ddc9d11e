"""The attacker's view of `jobwatch tail` (issue #9): a real process against real sockets.

Secrets hide in URLs (userinfo, credential parameters in many spellings) and must reach no output channel:
stdout (text and jsonl, where the job is named by its URL), stderr (state lines, errors), `--log-file`,
configuration errors. Escape bytes in every field a user or a server controls (job name, URL, header name,
event type, data and id, a status line, a Content-Type, an error event) must never reach stdout or stderr
raw. Redirect captures are in the redirect tests; the state file and the dashboard have their own.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import pytest

from jobwatch.demo import DemoServer, RawResponse

JOBWATCH = [sys.executable, "-m", "jobwatch"]
SPELLINGS = [
    "private_token", "PRIVATE-TOKEN", "apikey", "api_key", "X-API-Key", "apiKey", "X-Amz-Signature",
    "X-Amz-Credential", "X-Amz-Security-Token", "X-Goog-Signature", "auth", "access_token", "accessToken",
    "refresh_token", "id_token", "client_secret", "sig", "Signature", "sessionid", "JSESSIONID", "password",
    "pwd", "code", "jwt", "assertion", "authtoken", "key", "secret", "credential", "oauth_signature",
]  # fmt: skip
SECRETS = {name: f"Zq{index:02d}-v4lue+{name[-3:]}/=" for index, name in enumerate(SPELLINGS)}
PASSWORD = "hunter2-Pa55"
HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e\u200b"


def query() -> str:
    pairs = [f"{name}={quote(value, safe='')}" for name, value in SECRETS.items()]
    return "&".join(["page=2", *pairs, "after=7"])


def masked_query() -> str:
    return "&".join(["page=2", *(f"{name}=***" for name in SPELLINGS), "after=7"])


def forms(secret: str) -> set[str]:
    """How a secret could leak: as it is, percent-encoded, and in base64."""
    return {secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode().rstrip("=")}


def assert_no_secret(text: str) -> None:
    for secret in [PASSWORD, *SECRETS.values()]:
        for form in forms(secret):
            assert form not in text, f"{form!r} leaked"


def assert_terminal_safe(data: bytes) -> None:
    """Valid UTF-8 whose every line is printable: no control, format or invisible character."""
    for line in data.decode("utf-8").splitlines():
        assert line.isprintable(), f"raw control or invisible character in {line!r}"


async def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    proc = await asyncio.create_subprocess_exec(
        *JOBWATCH, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out, err


def tail_sync(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    return asyncio.run(run("tail", "--no-state", *args, env=env))


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
async def test_credentials_in_a_url_reach_no_output_channel(tmp_path: Path, fmt: str) -> None:
    log = tmp_path / "jobwatch.log"
    basic = base64.b64encode(f"bob:{PASSWORD}".encode()).decode()
    echo = f"{SECRETS['private_token']} {quote(SECRETS['apikey'], safe='')} {PASSWORD} {basic}"
    server, url = await hostile_http_server([
        b"HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 1\nid: 1\ndata: building\n\n",
        f"HTTP/1.1 403 Denied {echo}\r\nContent-Length: 0\r\n\r\n".encode(),
    ])  # fmt: skip
    async with server:
        hostile_url = url.replace("http://", f"http://bob:{quote(PASSWORD, safe='')}@") + "?" + query()
        code, out, err = await run("tail", "--no-state", "--format", fmt, "--max-backoff", "0.05",
                                   "--log-file", str(log), hostile_url)  # fmt: skip
    shown_url = url.replace("http://", "http://***@") + "?" + masked_query()
    assert code == 1
    assert server.requests == [f"GET /events?{query()} HTTP/1.1"] * 3
    assert shown_url in out.decode() and "building" in out.decode()
    assert f"jobwatch: {shown_url}: failed: HTTP 403 Denied *** *** *** ***" in err.decode()
    for channel in (out.decode(), err.decode(), log.read_text()):
        assert_no_secret(channel)


def test_credentials_in_a_url_reach_no_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    url = f"https://bob:{PASSWORD}@ci.example/x?{query()}"
    config.write_text(f'[[job]]\nurl = "{url}"\n[[job]]\nurl = "{url}"\nname = "x"\nbogus = 1\n')
    code, _, err = tail_sync("--config", str(config), url, url)
    assert code == 2
    assert "bogus" in err.decode()
    assert_no_secret(err.decode())
    code, _, err = tail_sync(url, url)
    assert code == 2
    assert "duplicate job name 'https://***@ci.example/x?" in err.decode()
    assert_no_secret(err.decode())


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
async def test_escape_bytes_in_name_and_events_never_reach_stdout_or_stderr_raw(fmt: str) -> None:
    body = f"id: 7{HOSTILE}\nevent: t{HOSTILE}\ndata: d{HOSTILE}\n\n".encode()
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(body=[body])])
        code, out, err = await run("tail", "--no-state", "--format", fmt, "--max-retries", "0",
                                   f"job{HOSTILE}={url}")  # fmt: skip
    assert code == 0
    if fmt == "jsonl":
        assert json.loads(out) == {"job": f"job{HOSTILE}", "id": f"7{HOSTILE}", "event": f"t{HOSTILE}",
                                   "data": f"d{HOSTILE}"}  # fmt: skip
    else:
        assert out.count(b"\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m\\u202e\\u200b") == 3
    assert_terminal_safe(out)
    assert_terminal_safe(err)
    assert b"job\\x1b]0;PWNED" in err


class HostileServer:
    """Answers its n-th connection with responses[n] (or the last), byte for byte; keeps request lines."""

    def __init__(self, responses: Sequence[bytes], server: asyncio.Server | None = None) -> None:
        self.responses = responses
        self.requests: list[str] = []
        self.server = server

    async def answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        self.requests.append(head.split(b"\r\n", 1)[0].decode())
        writer.write(self.responses[min(len(self.requests), len(self.responses)) - 1])
        await writer.drain()
        writer.close()

    async def __aenter__(self) -> HostileServer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


async def hostile_http_server(responses: Sequence[bytes]) -> tuple[HostileServer, str]:
    hostile = HostileServer(responses)
    hostile.server = await asyncio.start_server(hostile.answer, "127.0.0.1", 0)
    port = hostile.server.sockets[0].getsockname()[1]
    return hostile, f"http://127.0.0.1:{port}/events"


@pytest.mark.parametrize(
    "response",
    [
        b"HTTP/1.1 500 Oops\x1b]0;PWNED\x07\x9b2J\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 418 Tea \xc2\x9b2J \xe2\x80\xae\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\x9b2J\xc2\x9b\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + b"\x1b]0;PWNED\x07: x\n" * 3,
        b"HTTP/1.1 401 \x1b[31mUnauthorized\r\nWWW-Authenticate: \x1b]0;x\x07\r\nContent-Length: 0\r\n\r\n",
    ],
    ids=["status line", "obs-text reason", "content type", "junk body", "401 header"],
)
async def test_escape_bytes_from_a_server_never_reach_stderr_raw(response: bytes) -> None:
    server, url = await hostile_http_server([response])
    async with server:
        code, out, err = await run("tail", "--no-state", "--max-retries", "0", url)
    assert code in (0, 1)
    assert err.startswith(f"jobwatch: {url}: connecting\n".encode())
    assert_terminal_safe(out)
    assert_terminal_safe(err)


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["http://h/\x1b]0;PWNED\x07"], "source #1 'http://h/\\x1b]0;PWNED\\x07'"),
        (["--bogus\x1b]0;PWNED\x07"], "--bogus\\x1b]0;PWNED\\x07"),
        (["--format", "x\x1b[2J"], "x\\x1b[2J"),
        (["--max-retries", "\x9b2J", "http://h/"], "\\x9b2J"),
        (["--config", "/nonexistent/c\x1b]0;PWNED\x07.toml"], "/nonexistent/c\\x1b]0;PWNED\\x07.toml"),
        (["--log-file", "/nonexistent/l\x1b]0;X\x07", "http://h/"], "/nonexistent/l\\x1b]0;X\\x07"),
        (["-H", "X-\x1b]0;PWNED\x07: v", "http://h/"], "-H #1"),
        (["-H", "X-Key: v\x1b]0;PWNED\x07", "http://h/"], "-H #1 (X-Key)"),
        (["a\u200b\u202e=http://h/", "a\u200b\u202e=http://h/2"], "'a\\u200b\\u202e'"),
    ],
    ids=["url", "unknown option", "choice", "number", "config path", "log path", "header name",
         "header value", "invisible name"],
)
def test_argument_and_configuration_errors_show_escape_bytes_escaped(args: list[str], shown: str) -> None:
    code, out, err = tail_sync(*args)
    assert code == 2
    assert out == b""
    assert shown in err.decode()
    assert_terminal_safe(err)


def test_escape_bytes_in_a_configuration_file_are_shown_escaped(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[job]]\nurl = "http://h/"\n"k\\u001b]0;PWNED\\u0007" = 1\n')
    code, _, err = tail_sync("--config", str(config))
    assert code == 2
    assert "job[1].k\\x1b]0;PWNED\\x07: unknown key" in err.decode()
    assert_terminal_safe(err)
