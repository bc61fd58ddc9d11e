"""DemoServer: a real HTTP/1.1 SSE server on 127.0.0.1 (h11 + asyncio) for the demo and the tests.

Routes: `GET /jobs`, `/jobs/<id>/events` (SSE), `/jobs/<id>/poll?after=<id>` (JSON), `/raw/<name>`.
Every request is recorded so tests can check what a client sent and how often it came back.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import time
from collections.abc import Sequence
from types import TracebackType
from urllib.parse import parse_qs, quote, unquote, urlsplit

import h11

from jobwatch.demo.http import ClientGone, HttpConnection
from jobwatch.demo.jobs import JobRuntime
from jobwatch.demo.scripts import JobScript, RawResponse, RecordedRequest
from jobwatch.demo.sse import YIELD_EVERY, serve_events

log = logging.getLogger(__name__)
POLL_LIMIT = 100


RESTART_TRIES = 60
"""How often `restart` tries to listen on its port again (every 50 ms) before giving up."""


class DemoServer:
    """Serves scripted jobs and raw responses on a loopback port; start()/stop() or `async with`;
    restart() closes everything and listens again on the same port."""

    def __init__(
        self,
        jobs: Sequence[JobScript] = (),
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ping_interval: float = 15.0,
        seed: int = 0,
    ) -> None:
        if not ping_interval > 0:
            raise ValueError(f"ping_interval must be > 0, got {ping_interval!r}")
        self.host = host
        self.ping_interval = ping_interval
        self.seed = seed
        self.requests: list[RecordedRequest] = []
        self._port = port
        self._bound = False  # listened at least once: the port is known, even while restarting
        self._jobs: dict[str, JobRuntime] = {}
        self._raw: dict[str, list[RawResponse]] = {}
        self._raw_hits: dict[str, int] = {}
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._open: set[HttpConnection] = set()
        for job in jobs:
            self.add_job(job)

    # -- life cycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("DemoServer already started")
        self._server = await asyncio.start_server(
            self._handle, self.host, self._port, backlog=512
        )
        self._port = self._server.sockets[0].getsockname()[1]
        self._bound = True

    async def stop(self) -> None:
        """Close the listener and drop every open connection."""
        server = self._server
        if server is None:
            return
        server.close()
        for http in list(self._open):
            http.abort()
        if self._handlers:
            # Aborted connections end their handlers on their own; cancel only stragglers.
            _, pending = await asyncio.wait(set(self._handlers), timeout=1.0)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await server.wait_closed()

    async def restart(self, down: float = 0.0) -> None:
        """Close the listener and every connection, stay down `down` seconds, listen again on the same
        port. Jobs keep their state (used faults stay used, ids go on); requests stay recorded."""
        await self.stop()
        self._server = None
        if down > 0:
            await asyncio.sleep(down)
        for _ in range(RESTART_TRIES - 1):
            try:
                await self.start()
                return
            except OSError as exc:
                # The freed port can be taken for a moment as the local port of an outgoing connection
                # (ours among them: clients reconnecting while we were down). Try again shortly.
                if exc.errno != errno.EADDRINUSE:
                    raise
                await asyncio.sleep(0.05)
        await self.start()

    async def __aenter__(self) -> DemoServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- addresses and scripting ---------------------------------------------------------------
    @property
    def url(self) -> str:
        if not self._bound:
            raise RuntimeError("DemoServer not started")
        return f"http://{self.host}:{self._port}"

    def job_url(self, job_id: str) -> str:
        return f"{self.url}/jobs/{quote(job_id, safe='')}/events"

    def add_job(self, job: JobScript) -> None:
        if job.id in self._jobs:
            raise ValueError(f"duplicate job id {job.id!r}")
        self._jobs[job.id] = JobRuntime(job, self.seed)

    def remove_job(self, job_id: str) -> None:
        """Forget a job (its URL answers 404 from now on; connections already open play on)."""
        del self._jobs[job_id]

    def add_raw(self, name: str, responses: Sequence[RawResponse]) -> str:
        """Script `/raw/<name>`: request k gets responses[min(k, len - 1)]. Returns its URL."""
        if not responses:
            raise ValueError("add_raw needs at least one response")
        url = f"{self.url}/raw/{quote(name, safe='')}"
        self._raw[name] = list(responses)
        self._raw_hits[name] = 0
        return url

    @property
    def jobs(self) -> list[JobScript]:
        return [runtime.script for runtime in self._jobs.values()]

    def connections(self, path: str) -> int:
        """How many requests `path` (or a full URL; query ignored) has had."""
        path = urlsplit(path).path
        return sum(1 for request in self.requests if request.path == path)

    # -- serving -------------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        http = HttpConnection(reader, writer)
        self._open.add(http)
        try:
            while (request := await http.next_request()) is not None:
                if not await self._dispatch(http, request) or not http.next_cycle():
                    break
            http.close()
        except ClientGone:
            http.abort()
        except asyncio.CancelledError:
            # Shutting down. Not re-raised: asyncio 3.11's start_server callback would log a
            # traceback for every cancelled connection task.
            http.abort()
        except Exception:
            log.exception("demo server: request failed")
            await http.reject(500)
            http.abort()
        finally:
            self._open.discard(http)
            self._handlers.discard(task)

    async def _dispatch(self, http: HttpConnection, request: h11.Request) -> bool:
        """Answer one request; False when the connection must not be reused."""
        split = urlsplit(request.target.decode("ascii", "replace"))
        headers: dict[str, str] = {}
        for raw_name, raw_value in request.headers:
            key, text = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        method = request.method.decode("ascii", "replace")
        recorded = RecordedRequest(method, split.path, split.query, headers, time.monotonic())
        self.requests.append(recorded)
        if method != "GET":
            await _send_json(http, 405, {"error": "only GET"}, [("Allow", "GET")])
            return True
        parts = [unquote(p) for p in split.path.rstrip("/").split("/")[1:]]
        match parts:
            case ["jobs"]:
                listing = [
                    {"id": j.id, "name": j.name, "url": f"/jobs/{quote(j.id, safe='')}/events"}
                    for j in self.jobs
                ]
                await _send_json(http, 200, listing)
                return True
            case ["jobs", job_id, "events"] if job_id in self._jobs:
                last_id = headers.get("last-event-id")
                return await serve_events(http, self._jobs[job_id], last_id, self.ping_interval)
            case ["jobs", job_id, "poll"] if job_id in self._jobs:
                await _send_json(http, 200, self._poll(self._jobs[job_id], split.query))
                return True
            case ["raw", raw_job] if raw_job in self._raw:
                return await self._serve_raw(http, raw_job)
        await _send_json(http, 404, {"error": f"not found: {split.path}"})
        return True

    def _poll(self, job: JobRuntime, query: str) -> list[dict[str, str]]:
        args = parse_qs(query)
        start = job.cursor(args.get("after", [""])[0])
        limit = POLL_LIMIT
        with contextlib.suppress(KeyError, ValueError, IndexError):
            limit = max(1, min(1000, int(args["limit"][0])))
        page = []
        for index in range(start, min(job.total, start + limit)):
            event_type, data = job.event(index)
            page.append({"id": str(index + 1), "event": event_type, "data": data})
        return page

    async def _serve_raw(self, http: HttpConnection, name: str) -> bool:
        responses = self._raw[name]
        hit = self._raw_hits[name]
        self._raw_hits[name] = hit + 1
        response = responses[min(hit, len(responses) - 1)]
        headers = list(response.headers)
        if not any(key.lower() == "connection" for key, _ in headers):
            headers.append(("Connection", "close"))
        await http.start_response(response.status, headers)
        for number, item in enumerate(response.body, 1):
            if isinstance(item, bytes | bytearray | memoryview):
                await http.send(bytes(item))
                if number % YIELD_EVERY == 0:
                    await http.sleep(0)  # drain() only yields when the socket is full
            else:
                await http.sleep(float(item))
        if response.end == "close":
            await http.end()
            return True
        if response.end == "abort":
            http.abort()
            return False
        await http.sleep(float("inf"))
        return False


async def _send_json(
    http: HttpConnection, status: int, payload: object, extra: Sequence[tuple[str, str]] = ()
) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        *extra,
    ]
    await http.start_response(status, headers)
    await http.send(body)
    await http.end()
