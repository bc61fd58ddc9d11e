"""TLS: verification on by default and fatal when it fails; `--ca-bundle` adds a CA; `--insecure` skips it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme

from jobwatch.stream.events import StreamState
from streamkit import run_stream
from tlskit import tls_server

BODY = b"id: 1\ndata: secure\n\n"


@pytest.fixture
async def tls_url(ca: trustme.CA) -> AsyncIterator[str]:
    """An HTTPS SSE endpoint on 127.0.0.1 whose certificate only the test CA vouches for."""
    async with tls_server(ca, headers=[("Content-Type", "text/event-stream")], body=BODY) as url:
        yield f"{url}/events"


def jobwatch_tail(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "jobwatch", "tail", "--no-state", "--max-retries", "0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


async def test_unknown_certificate_authority_is_a_fatal_clearly_worded_error(tls_url: str) -> None:
    final, rec = await run_stream(tls_url)
    assert final.state is StreamState.FAILED
    assert (final.last_error or "").startswith("TLS certificate verification failed")
    assert rec.events == []


async def test_ca_bundle_makes_the_server_trusted(tls_url: str, ca: trustme.CA, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    result = await asyncio.to_thread(jobwatch_tail, "--ca-bundle", str(bundle), tls_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("  message  secure\n")


async def test_insecure_skips_verification(tls_url: str) -> None:
    result = await asyncio.to_thread(jobwatch_tail, "--insecure", tls_url)
    assert result.returncode == 0, result.stderr
    assert "secure" in result.stdout


async def test_without_flags_the_command_fails_with_exit_1_and_one_line(tls_url: str) -> None:
    result = await asyncio.to_thread(jobwatch_tail, tls_url)
    assert result.returncode == 1
    failed = [line for line in result.stderr.splitlines() if "failed" in line]
    assert len(failed) == 1 and "TLS certificate verification failed" in failed[0]
    assert "Traceback" not in result.stderr
