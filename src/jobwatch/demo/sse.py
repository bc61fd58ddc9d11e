"""Playing one job's event stream over one connection, with that job's faults applied.

Kept apart from routing so the pacing/fault rules (what is flushed when, where a drop cuts) read in
one place.
"""

from __future__ import annotations

import asyncio
import json
import math

from jobwatch.demo.generate import encode_event
from jobwatch.demo.http import HttpConnection, reason
from jobwatch.demo.jobs import JobRuntime
from jobwatch.demo.scripts import HUGE_CHUNK, Fault
from jobwatch.demo.shaping import BOM, BodyCoder

SSE_HEADERS = (
    ("Content-Type", "text/event-stream; charset=utf-8"),
    ("Cache-Control", "no-cache"),
    ("Connection", "close"),
)
BATCH_BYTES = 64 * 1024
YIELD_EVERY = 16


class _Sender:
    """Per-connection output: `retry:` on the first message, batching, trickling, idle pings, and the
    job's wire-level faults (shaping.py)."""

    def __init__(self, http: HttpConnection, job: JobRuntime, ping_interval: float) -> None:
        self.http = http
        self.job = job
        self.ping_interval = ping_interval
        self.first = True
        self.ending = job.script.line_ending.encode()
        self.buffer = bytearray()
        self.coder = BodyCoder(job.shaping)
        self.sequence = 0  # events numbered on this connection (per-connection ids)
        self.clock = asyncio.get_running_loop().time
        self.last_write = self.clock()

    def frame(self, message: bytes, index: int | None = None) -> bytes:
        """`message` (LF-terminated lines; event `index`, if one) as sent: after `retry:` if first, with
        the job's line ending."""
        shaping = self.job.shaping
        first, self.first = self.first, False
        if first:
            message = shaping.retry_line(self.job.script.retry_ms) + message
        if shaping.bom_before(index, first):
            message = BOM + message
        ending = shaping.ending(index, self.ending)
        return message if ending == b"\n" else message.replace(b"\n", ending)

    def event(self, index: int) -> bytes:
        """Event `index` as this connection sends it."""
        self.sequence += 1
        return self.frame(self.job.wire(index, self.sequence), index)

    async def write(self, data: bytes) -> None:
        """Write `data` through the job's buffer and coder (which may hold it back)."""
        data = self.coder.code(data)
        if data:
            await self._send(data)
        self.last_write = self.clock()

    async def finish(self) -> None:
        """End the body cleanly, after what a buffer or coder still holds."""
        tail = self.coder.finish()
        if tail:
            await self._send(tail)
        await self.http.end()

    async def _send(self, data: bytes) -> None:
        slow = self.job.slow
        if slow is None:
            await self.http.send(data)
        else:
            for start in range(0, len(data), slow.bytes_per_write):
                if start:
                    await self.http.sleep(slow.delay)
                await self.http.send(data[start : start + slow.bytes_per_write])

    async def flush(self) -> None:
        if self.buffer:
            data = bytes(self.buffer)
            self.buffer.clear()
            await self.write(data)

    async def idle(self, seconds: float) -> None:
        """Wait `seconds` (math.inf: until the client leaves), sending `: ping` when due."""
        deadline = self.clock() + seconds
        while True:
            now = self.clock()
            due = self.last_write + self.ping_interval
            if deadline <= due:
                await self.http.sleep(deadline - now)
                return
            await self.http.sleep(due - now)
            ping, numbered = self.job.shaping.ping(self.sequence + 1)
            self.sequence += numbered
            await self.write(self.frame(ping))


async def send_status(http: HttpConnection, fault: Fault) -> None:
    """Answer with the fault's status instead of the stream."""
    headers = [("Content-Type", "text/plain; charset=utf-8")]
    if fault.retry_after is not None:
        headers.append(("Retry-After", fault.retry_after))
    if fault.code == 401:
        headers.append(("WWW-Authenticate", 'Bearer realm="jobwatch-demo"'))
    body = b"" if fault.code in (204, 304) else b"%d %s\n" % (fault.code, reason(fault.code))
    if fault.code not in (204, 304):
        headers.append(("Content-Length", str(len(body))))
    await http.start_response(fault.code, headers)
    await http.send(body)
    await http.end()


async def serve_events(
    http: HttpConnection, job: JobRuntime, last_event_id: str | None, ping_interval: float
) -> bool:
    """Serve one SSE request; True when the response ended cleanly, False when it was dropped."""
    connection = job.connections
    job.connections += 1
    redirect = job.redirect_for(connection)
    if redirect is not None:
        await send_redirect(http, redirect)
        return True
    fault = job.status_for(connection)
    if fault is None and last_event_id is not None and not job.known(last_event_id):
        fault = job.unknown_id_status
    if fault is not None:
        await send_status(http, fault)
        return True
    start = job.resume_start(job.cursor(last_event_id))
    headers = job.shaping.response_headers(SSE_HEADERS)
    if job.script.complete and start >= job.total:
        if job.completed_200:
            await http.start_response(200, headers)
        else:
            await http.start_response(204, [("Cache-Control", "no-cache")])
        await http.end()
        return True
    await http.start_response(200, headers, http10=job.shaping.http10)
    return await _play(_Sender(http, job, ping_interval), start)


async def send_redirect(http: HttpConnection, fault: Fault) -> None:
    """Answer with the fault's redirect to its location."""
    headers = [("Location", fault.text or ""), ("Content-Length", "0")]
    await http.start_response(fault.code, headers)
    await http.end()


async def _play(out: _Sender, start: int) -> bool:
    job, http = out.job, out.http
    script = job.script
    burst = 0
    if start == 0:
        if not await _after_event(out, 0):
            return True
        burst = job.take_burst(0)
    for index in range(start, job.total):
        if index > start:
            if burst:
                burst -= 1
            elif not script.bulk:
                await out.flush()
                if script.interval > 0:
                    await out.idle(script.interval)
                elif index % YIELD_EVERY == 0:
                    await http.sleep(0)  # lets other connections run; no ping is ever due here
        cut, offset = job.take_drop(index)
        message = out.event(index)
        if cut:
            await out.flush()
            if offset is None:
                offset = job.rng.randrange(1, len(message))
            if offset:
                await out.write(message[: min(offset, len(message))])
            http.abort()
            return False
        out.buffer += message
        if len(out.buffer) >= BATCH_BYTES or not (burst or script.bulk):
            await out.flush()
            if script.bulk:
                await http.sleep(0)
        if not await _after_event(out, index + 1):
            return True
        burst = burst or job.take_burst(index + 1)
    await out.flush()
    if script.complete:
        await out.finish()
        return True
    if out.first:
        await out.write(out.frame(b"\n"))
    await out.idle(math.inf)
    return False


async def _after_event(out: _Sender, event_id: int) -> bool:
    """Silence and job failure scheduled after event `event_id`; False when the response ended."""
    job = out.job
    silence = job.take_silence(event_id)
    if silence is not None:
        await out.flush()
        await out.http.sleep(silence)
        out.last_write = out.clock()
    size = job.take_huge_line(event_id)
    if size is not None:
        await out.flush()
        await _send_huge_line(out, size)
    message = job.take_failure(event_id)
    if message is not None:
        await out.flush()
        data = json.dumps({"message": message, "retryable": False}, ensure_ascii=False)
        await out.write(out.frame(encode_event(None, "error", data)))
        await out.finish()
        return False
    return True


async def _send_huge_line(out: _Sender, size: int) -> None:
    """A `data:` line of `size` bytes, sent as one block repeated (never trickled), then a blank line."""
    http = out.http
    await http.send(out.frame(b"data: "))
    block = b"x" * min(size, HUGE_CHUNK)
    if block:
        full, rest = divmod(size, len(block))
        for _ in range(full):
            await http.send(block)
        await http.send(block[:rest])
    await http.send(out.ending * 2)
    out.last_write = out.clock()
