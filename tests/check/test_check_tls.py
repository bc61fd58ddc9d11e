"""TLS as everywhere else: verified by default (a failure is a failed status that names --ca-bundle),
`--ca-bundle` trusts a private CA, `--insecure` skips verification."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme
from checkkit import FAST, finding

from jobwatch.check import Options, Verdict, run_check
from tlskit import tls_server

BODY = b"retry: 3000\n\nid: 1\nevent: log\ndata: {}\n\nid: 2\nevent: log\ndata: {}\n\n"


@pytest.fixture
async def tls_url(ca: trustme.CA) -> AsyncIterator[str]:
    headers = [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")]
    async with tls_server(ca, headers=headers, body=BODY) as url:
        yield f"{url}/events"


async def test_certificate_of_an_unknown_ca_fails_the_status_check_and_names_the_fix(tls_url: str) -> None:
    report = await run_check(Options(tls_url, duration=1.0, thresholds=FAST))

    status = finding(report, "response.status")
    assert status.verdict is Verdict.FAIL
    assert status.summary.startswith("no response: TLS certificate verification failed")
    assert "--ca-bundle" in status.summary
    assert report.exit_code == 1


async def test_ca_bundle_trusts_the_private_ca(tls_url: str, ca: trustme.CA, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))

    report = await run_check(Options(tls_url, verify=str(bundle), duration=1.0, thresholds=FAST))

    assert finding(report, "response.status").verdict is Verdict.OK
    assert finding(report, "ids.order").summary == "ids increase, 1 to 2, none repeated"


async def test_insecure_skips_verification(tls_url: str) -> None:
    report = await run_check(Options(tls_url, verify=False, duration=1.0, thresholds=FAST))

    assert finding(report, "response.status").verdict is Verdict.OK
