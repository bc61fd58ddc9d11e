"""Checks on the response head: status, Content-Type, caching, compression, proxy buffering, HTTP
version and redirects."""

from __future__ import annotations

from jobwatch.check.model import Finding, Show, fail, ok, skip, warn
from jobwatch.check.probe import Recording

G = "response"
_NO_STREAM = "no 200 response"


def check_response(rec: Recording, show: Show) -> list[Finding]:
    """One finding per response check, for the first connection."""
    return [
        status(rec, show),
        content_type(rec, show),
        cache_control(rec, show),
        content_encoding(rec, show),
        accel_buffering(rec, show),
        http_version(rec),
        redirects(rec, show),
    ]


def status(rec: Recording, show: Show) -> Finding:
    """Only a 200 opens an EventSource; show why anything else came back."""
    if rec.status is None and rec.hops:
        return fail(
            G,
            "status",
            f"no response after {len(rec.hops)} redirects (see redirects)",
            "redirect once, to the stream's URL",
        )
    if rec.status is None:
        why = show.plain(rec.error or "no response")
        return fail(
            G,
            "status",
            f"no response: {why}",
            "make the URL reachable from here (and check TLS, --ca-bundle, -H)",
        )
    line = show.plain(f"{rec.status} {rec.reason}".rstrip())
    if rec.status == 200:
        return ok(G, "status", line)
    body = [f"body: {show.raw(rec.body, 100)}"] if rec.body else []
    if rec.status == 204:
        return fail(
            G,
            "status",
            f"{line}: clients stop for good (no stream)",
            "answer 200 with the stream while the job has events; 204 only once it is over",
            *body,
        )
    if rec.status in (401, 403):
        return fail(
            G, "status", line, "pass the credentials the endpoint needs with -H 'Authorization: ...'", *body
        )
    return fail(
        G,
        "status",
        f"{line}: EventSource fails the connection on anything but 200",
        "answer 200 with Content-Type: text/event-stream",
        *body,
    )


def content_type(rec: Recording, show: Show) -> Finding:
    """The MIME essence must be text/event-stream; a charset other than UTF-8 misleads."""
    if not rec.streamed:
        return skip(G, "content-type", _NO_STREAM)
    value = rec.header("content-type")
    if value is None:
        return fail(
            G,
            "content-type",
            "no Content-Type: EventSource and jobwatch fail the connection",
            "send Content-Type: text/event-stream",
        )
    essence, _, params = value.partition(";")
    shown = show.plain(value)
    if essence.strip().lower() != "text/event-stream":
        return fail(
            G,
            "content-type",
            f"{shown}: EventSource and jobwatch fail the connection",
            "send Content-Type: text/event-stream",
        )
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return warn(
                G,
                "content-type",
                f"{shown}: clients decode UTF-8 whatever the label says",
                "drop the charset parameter or make it utf-8, and send UTF-8",
            )
    return ok(G, "content-type", shown)


def cache_control(rec: Recording, show: Show) -> Finding:
    """no-cache (or no-store) keeps caches and proxies from storing or replaying the stream."""
    if not rec.streamed:
        return skip(G, "cache-control", _NO_STREAM)
    value = rec.header("cache-control")
    fix = "send Cache-Control: no-cache so no cache or proxy stores or replays the stream"
    if value is None:
        return warn(G, "cache-control", "no Cache-Control header", fix)
    directives = {part.strip().split("=")[0].lower() for part in value.split(",")}
    if directives & {"no-cache", "no-store"}:
        return ok(G, "cache-control", show.plain(value))
    return warn(G, "cache-control", f"{show.plain(value)}: neither no-cache nor no-store", fix)


def content_encoding(rec: Recording, show: Show) -> Finding:
    """Compression holds events back in the compressor unless it flushes each."""
    if not rec.streamed:
        return skip(G, "content-encoding", _NO_STREAM)
    value = rec.header("content-encoding")
    if value is None or value.strip().lower() in ("", "identity"):
        return ok(G, "content-encoding", "none (events are not held back by a compressor)")
    return warn(
        G,
        "content-encoding",
        f"{show.plain(value)} on an event stream: a compressor holds events "
        "back until its buffer fills, unless it flushes after each",
        "turn compression off for text/event-stream (e.g. nginx `gzip off;` in that location)",
    )


def accel_buffering(rec: Recording, show: Show) -> Finding:
    """`X-Accel-Buffering` other than `no` asks nginx to buffer the stream."""
    if not rec.streamed:
        return skip(G, "x-accel-buffering", _NO_STREAM)
    value = rec.header("x-accel-buffering")
    if value is None:
        return ok(G, "x-accel-buffering", "not sent (only nginx reads it, and removes it)")
    if value.strip().lower() == "no":
        return ok(G, "x-accel-buffering", "no (nginx passes events on at once)")
    return warn(
        G,
        "x-accel-buffering",
        f"{show.plain(value)}: asks nginx to buffer the stream",
        "send X-Accel-Buffering: no",
    )


def http_version(rec: Recording) -> Finding:
    """HTTP/1.0 means no chunked coding, often a buffering proxy in front."""
    if rec.status is None:
        return skip(G, "http-version", "no response")
    version = rec.http_version or "unknown"
    if version == "HTTP/1.0":
        return warn(
            G,
            "http-version",
            "HTTP/1.0: no chunked coding, the body ends only when the connection "
            "closes; often a proxy talking HTTP/1.0 to the server and buffering",
            "serve HTTP/1.1 or HTTP/2 (nginx: proxy_http_version 1.1;)",
        )
    return ok(G, "http-version", version)


def redirects(rec: Recording, show: Show) -> Finding:
    """Which redirects were followed, and those that lose headers, security or the stream."""
    if not rec.hops:
        return ok(G, "redirects", "none")
    chain = [f"{hop.status} {show.plain(hop.url)} -> {show.plain(hop.location)}" for hop in rec.hops[:3]]
    if len(rec.hops) > 3:
        chain.append(f"... and {len(rec.hops) - 3} more")
    count = f"{len(rec.hops)} redirect{'s' if len(rec.hops) > 1 else ''}"
    if rec.error and "redirect" in rec.error:
        return fail(
            G,
            "redirects",
            f"{count}, then: {show.plain(rec.error)}",
            "point clients at the stream's final URL; redirect once, to a usable Location",
            *chain,
        )
    if any(hop.location.startswith("http:") and hop.url.startswith("https:") for hop in rec.hops):
        return fail(
            G,
            "redirects",
            f"{count} from https to http: the stream and its headers travel in clear text",
            "redirect to https only",
            *chain,
        )
    if not all(hop.same_origin for hop in rec.hops):
        return warn(
            G,
            "redirects",
            f"{count} to another origin: jobwatch sends your -H headers only to the "
            "first origin, browsers need CORS",
            "serve the stream at the URL clients use, or give them the final URL",
            *chain,
        )
    return ok(G, "redirects", f"{count}, same origin", *chain)
