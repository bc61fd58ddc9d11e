"""One HTTP exchange of a stream: the request headers, redirects, and what a response or error means."""

from __future__ import annotations

import ssl
from collections.abc import Mapping

import httpx

from jobwatch.stream.errors import FatalError, RetryableError, StreamError
from jobwatch.stream.events import Cause
from jobwatch.stream.inflate import ACCEPT_ENCODING
from jobwatch.stream.policy import parse_retry_after

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORT = {"http": 80, "https": 443}
_HINTS = {
    401: "check the token or Authorization header given with -H or in the config",
    403: "the credentials are valid but lack access to this job",
    404: "check the URL",
}


class NoContent(Exception):
    """204: the server asked us to stop reconnecting (a final state, not a failure)."""


def make_client(verify: bool | str = True) -> httpx.AsyncClient:
    """One client shared by every stream: no pool limit, no read timeout (the watchdog owns that).

    `verify` is True, False (--insecure) or the path of a CA bundle trusted besides the system's."""
    tls: bool | ssl.SSLContext = verify if isinstance(verify, bool) else ssl.create_default_context()
    if isinstance(verify, str) and isinstance(tls, ssl.SSLContext):
        tls.load_verify_locations(cafile=verify)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(connect=15.0, read=None, write=15.0, pool=None),
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=20),
        follow_redirects=False,
        verify=tls,
        headers={"User-Agent": "jobwatch"},
    )


def request_headers(user: Mapping[str, str], last_event_id: str) -> dict[str, str]:
    """Design §3: Accept, Cache-Control, user headers, and Last-Event-ID only when not empty; the codings
    offered are exactly those jobwatch decodes in bounded steps (httpx would add br/zstd when installed)."""
    headers = {
        "Accept": "text/event-stream",
        "Cache-Control": "no-cache",
        "Accept-Encoding": ACCEPT_ENCODING,
        **user,
    }
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    return headers


def redirect_target(response: httpx.Response) -> httpx.URL:
    """The URL a 301/302/303/307/308 points to; a missing or unusable Location is fatal."""
    location = response.headers.get("location", "").strip()
    if not location:
        raise FatalError(f"redirect {response.status_code} without a Location header")
    try:
        target = response.url.join(location)
    except httpx.InvalidURL as exc:
        raise FatalError(f"redirect {response.status_code} to an invalid Location ({exc})") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FatalError(f"redirect {response.status_code} to an unusable Location")
    return target


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """Whether two URLs share scheme, host and port (default ports made explicit)."""
    return (a.scheme, a.host, a.port or _DEFAULT_PORT.get(a.scheme)) == (
        b.scheme, b.host, b.port or _DEFAULT_PORT.get(b.scheme),
    )  # fmt: skip


def host_name(url: httpx.URL) -> str:
    """The host as configured names are kept: ASCII (IDNA `xn--` form), lower case, no trailing dot."""
    return url.raw_host.decode("ascii").lower().rstrip(".")


def check_redirect(source: httpx.URL, target: httpx.URL, *, insecure: bool) -> None:
    """An https → http redirect would send the request in clear text: fatal unless --insecure."""
    if source.scheme == "https" and target.scheme == "http" and not insecure:
        raise FatalError(f"refusing redirect from https to http: {target}")


def check_response(response: httpx.Response) -> None:
    """Accept a 200 `text/event-stream`; else raise what that response means (docs/architecture.md §3)."""
    code = response.status_code
    if code == 200:
        content_type = response.headers.get("content-type", "")
        essence = content_type.partition(";")[0].strip().lower()
        if essence != "text/event-stream":
            shown = content_type[:60] or "none"
            raise FatalError(f"expected Content-Type text/event-stream, got {shown!r}", status_code=200)
        return
    if code == 204:
        raise NoContent()
    reason = f"HTTP {code} {response.reason_phrase}".rstrip()
    if code in RETRYABLE_STATUS:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise RetryableError(reason, status_code=code, retry_after=retry_after)
    hint = _HINTS.get(code)
    raise FatalError(f"{reason} ({hint})" if hint else reason, status_code=code)


def classify_transport_error(exc: Exception) -> StreamError:
    """httpx exceptions → retryable network trouble, or fatal (bad URL, TLS verification failure)."""
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return FatalError(f"invalid URL: {exc}", cause=Cause.URL)
    if (why := _tls_verification_failure(exc)) is not None:
        hint = "a private CA? use --ca-bundle FILE"
        return FatalError(f"TLS certificate verification failed: {why} ({hint})", cause=Cause.TLS)
    if isinstance(exc, httpx.ConnectError):
        return RetryableError(f"connection failed: {_root_cause(exc)}")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return RetryableError(f"connection lost: {_root_cause(exc)}")
    if isinstance(exc, httpx.TimeoutException):
        return RetryableError(f"timed out: {type(exc).__name__}")
    return RetryableError(f"connection error: {_root_cause(exc)}")


def _tls_verification_failure(exc: BaseException) -> str | None:
    """Why certificate verification failed ("unable to get local issuer certificate"), or None."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or "certificate not trusted"
        if "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return "certificate not trusted"
        seen = seen.__cause__ or seen.__context__
    return None


def _root_cause(exc: BaseException) -> str:
    text = str(exc).strip()
    cause = exc.__cause__ or exc.__context__
    while not text and cause is not None:
        text = str(cause).strip()
        cause = cause.__cause__ or cause.__context__
    first = (text or type(exc).__name__).splitlines()[0]
    return first[:200]
