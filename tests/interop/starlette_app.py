"""Third-party SSE servers for the interop tests: sse-starlette apps served by uvicorn in a subprocess.

Run as a script (`python starlette_app.py --port 0 --journal FILE`): it binds 127.0.0.1, prints
`ready <port>` and serves until killed. Every connection and every event sent is appended to the journal
(one JSON object a line), so a test compares what jobwatch printed with what the app generated.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import uvicorn
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

RETRY_MS = 100
"""The `retry:` every connection starts with, so reconnects in the tests take a tenth of a second."""

SNAPSHOT = '{"status": "running"}'
COMPLETE = '{"status": "succeeded"}'


def payload(number: int) -> str:
    """The data of log event `number`: two lines, so the CRLF framing splits it into two `data:` fields."""
    return f"line {number}\npart 2 of {number} ✓"


def log_line(number: int) -> str:
    """The data of the per-connection app's log line `number` (new content whatever id it is sent with)."""
    return json.dumps({"line": f"build step {number}"})


class Journal:
    """Appends one JSON object a line with a single write each, so a kill -9 leaves whole lines only."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def add(self, **record: object) -> None:
        os.write(self._fd, (json.dumps(record) + "\n").encode())


@dataclass
class SequentialOptions:
    """Query parameters of `/jobs/<job>/events`: a job numbering its events 1..count, honouring
    Last-Event-ID, closing the response every `cut` events, pausing `silence` s after event `silence_at`
    (sse-starlette pings every `ping` s meanwhile), keeping the response open after completion if `hold`."""

    count: int
    cut: int
    interval: float
    silence_at: int
    silence: float
    ping: float
    hold: bool

    @classmethod
    def parse(cls, request: Request) -> SequentialOptions:
        query = request.query_params
        return cls(
            count=int(query.get("count", "10")),
            cut=int(query.get("cut", "0")),
            interval=float(query.get("interval", "0")),
            silence_at=int(query.get("silence_at", "0")),
            silence=float(query.get("silence", "0")),
            ping=float(query.get("ping", "15")),
            hold=query.get("hold", "0") == "1",
        )


def build_app(journal: Journal) -> Starlette:
    """The two endpoints: a well-behaved sequential job and a per-connection-id job like NestJS's."""
    logs_sent: dict[str, int] = {}

    async def sequential(request: Request) -> EventSourceResponse:
        job = request.path_params["job"]
        options = SequentialOptions.parse(request)
        resume = request.headers.get("last-event-id")
        journal.add(job=job, connect=resume)

        async def events() -> AsyncIterator[ServerSentEvent]:
            for sent, number in enumerate(range(int(resume or 0) + 1, options.count + 2)):
                if options.cut and sent == options.cut:
                    return
                retry = RETRY_MS if sent == 0 else None
                if number > options.count:
                    yield ServerSentEvent(COMPLETE, id=str(number), event="complete", retry=retry)
                else:
                    yield ServerSentEvent(payload(number), id=str(number), event="log", retry=retry)
                journal.add(job=job, sent=number)
                if number == options.silence_at:
                    await anyio.sleep(options.silence)
                elif options.interval:
                    await anyio.sleep(options.interval)
            if options.hold:
                await anyio.sleep_forever()

        return EventSourceResponse(events(), ping=options.ping)

    async def per_connection(request: Request) -> Response:
        job = request.path_params["job"]
        total, cut = int(request.query_params["logs"]), int(request.query_params["cut"])
        journal.add(job=job, connect=request.headers.get("last-event-id"))
        if logs_sent.get(job, 0) > total:
            return Response(status_code=204)

        async def events() -> AsyncIterator[ServerSentEvent]:
            yield ServerSentEvent(SNAPSHOT, id="1", event="status", retry=RETRY_MS)
            for own_id in range(2, cut + 1):
                number = logs_sent.get(job, 0) + 1
                if number > total:
                    logs_sent[job] = number
                    yield ServerSentEvent(COMPLETE, id=str(own_id), event="complete")
                    return
                logs_sent[job] = number
                yield ServerSentEvent(log_line(number), id=str(own_id), event="log")
                journal.add(job=job, sent=number)

        return EventSourceResponse(events())

    routes = [
        Route("/jobs/{job}/events", sequential),
        Route("/jobs/{job}/per-connection", per_connection),
    ]
    return Starlette(routes=routes)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--journal", required=True)
    args = parser.parse_args(argv)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(128)
    print(f"ready {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(build_app(Journal(args.journal)), http="h11", lifespan="off", log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main(sys.argv[1:])
