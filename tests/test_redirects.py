"""Redirects as an attacker would use them: the user's headers stay with their origin, and https never
falls back to http (over real sockets, with the headers each server received captured)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import trustme

from jobwatch.demo import DemoServer, RawResponse
from jobwatch.stream.events import StreamState
from jobwatch.stream.http import host_name
from streamkit import run_stream
from tlskit import tls_server

SECRETS = {
    "Authorization": "Bearer auth-secret",
    "Cookie": "session=cookie-secret",
    "X-Api-Key": "api-key-secret",
    "PRIVATE-TOKEN": "gitlab-secret",
    "X-Auth-Token": "auth-token-secret",
    "X-Anything-Custom": "custom-secret",
}
EVENT = RawResponse(body=[b"id: 7\nevent: complete\ndata: done\n\n"])


def redirect(status: int, location: str) -> RawResponse:
    return RawResponse(status=status, headers=(("Location", location),))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_no_configured_header_follows_a_redirect_to_another_port(status: int) -> None:
    async with DemoServer() as origin, DemoServer() as elsewhere:
        target = elsewhere.add_raw("t", [EVENT])
        start = origin.add_raw("s", [redirect(status, target)])
        final, _ = await run_stream(start, headers=SECRETS, last_event_id="6")
        (received,) = elsewhere.requests
    assert final.state is StreamState.COMPLETED
    assert not {name.lower() for name in SECRETS} & set(received.headers)
    assert received.headers["accept"] == "text/event-stream"
    assert received.headers["cache-control"] == "no-cache"
    assert received.headers["last-event-id"] == "6"


async def test_no_configured_header_follows_a_redirect_to_another_host() -> None:
    async with DemoServer() as origin, DemoServer(host="127.0.0.2") as elsewhere:
        target = elsewhere.add_raw("t", [EVENT])
        start = origin.add_raw("s", [redirect(302, target)])
        await run_stream(start, headers=SECRETS)
        (received,) = elsewhere.requests
    assert not {name.lower() for name in SECRETS} & set(received.headers)


async def test_headers_dropped_once_stay_dropped_when_the_chain_comes_back() -> None:
    async with DemoServer() as origin, DemoServer() as elsewhere:
        back = origin.add_raw("back", [EVENT])
        bounce = elsewhere.add_raw("bounce", [redirect(307, back)])
        start = origin.add_raw("s", [redirect(307, bounce)])
        await run_stream(start, headers=SECRETS)
        came_back = origin.requests[-1]
    assert came_back.path.endswith("/back")
    assert not {name.lower() for name in SECRETS} & set(came_back.headers)


async def test_a_same_origin_redirect_keeps_every_header() -> None:
    async with DemoServer() as origin:
        target = origin.add_raw("t", [EVENT])
        start = origin.add_raw("s", [redirect(308, target)])
        await run_stream(start, headers=SECRETS)
        received = origin.requests[-1]
    assert {name.lower(): value for name, value in SECRETS.items()}.items() <= received.headers.items()


async def test_a_host_the_user_trusts_receives_the_headers() -> None:
    async with DemoServer() as origin, DemoServer(host="127.0.0.2") as trusted:
        target = trusted.add_raw("t", [EVENT])
        start = origin.add_raw("s", [redirect(302, target)])
        await run_stream(start, headers=SECRETS, forward_headers_to=("127.0.0.2",))
        (received,) = trusted.requests
    assert received.headers["x-api-key"] == "api-key-secret"


async def test_a_redirect_from_https_to_http_is_refused(ca: trustme.CA, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    async with DemoServer() as plain:
        target = plain.add_raw("t", [EVENT]) + "?token=downgrade-secret"
        async with tls_server(ca, status=302, headers=[("Location", target)]) as secure:
            final, _ = await run_stream(f"{secure}/events", headers=SECRETS, verify=str(bundle))
        assert plain.requests == []
    assert final.state is StreamState.FAILED
    assert (final.last_error or "").startswith("refusing redirect from https to http: http://127.0.0.1:")


async def test_insecure_allows_a_redirect_from_https_to_http(ca: trustme.CA) -> None:
    async with DemoServer() as plain:
        target = plain.add_raw("t", [EVENT])
        async with tls_server(ca, status=302, headers=[("Location", target)]) as secure:
            final, _ = await run_stream(f"{secure}/events", verify=False)
    assert final.state is StreamState.COMPLETED


def test_a_trusted_international_host_is_compared_in_its_ascii_form() -> None:
    assert host_name(httpx.URL("https://BÜCHER.example./events")) == "xn--bcher-kva.example"


async def test_the_request_offers_only_the_codings_jobwatch_decodes_in_bounded_steps() -> None:
    async with DemoServer() as server:
        await run_stream(server.add_raw("r", [EVENT]))
        (received,) = server.requests
    assert received.headers["accept-encoding"] == "gzip, deflate"
