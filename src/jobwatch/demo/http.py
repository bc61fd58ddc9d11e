"""One client TCP connection of the demo server, driven by h11 over asyncio streams.

A background task keeps reading so the server notices at once when the client goes away, even while
it is silent; every write is drained to the kernel so chunk boundaries and aborts are exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
from collections.abc import Sequence
from http import HTTPStatus

import h11


class ClientGone(Exception):
    """The peer closed or reset the connection (or the server aborted it)."""


def reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


class HttpConnection:
    """Requests in, responses out, over one socket; abort() drops it without finishing the body."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._h11 = h11.Connection(h11.SERVER)
        self._reader = reader
        self._writer = writer
        self._arrived = asyncio.Event()
        self._http10 = False  # an HTTP/1.0 response written by hand (h11 only speaks 1.1)
        self.closed = asyncio.Event()  # the peer left (EOF, reset) or we closed/aborted
        writer.transport.set_write_buffer_limits(high=0)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._pump = asyncio.get_running_loop().create_task(self._read_loop())

    async def _read_loop(self) -> None:
        try:
            while data := await self._reader.read(65536):
                self._h11.receive_data(data)
                self._arrived.set()
        except (OSError, RuntimeError):
            pass
        finally:
            with contextlib.suppress(RuntimeError):
                self._h11.receive_data(b"")
            self.closed.set()
            self._arrived.set()

    async def next_request(self) -> h11.Request | None:
        """The next complete request; None when the peer closed or sent garbage (answered 400)."""
        request: h11.Request | None = None
        while True:
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                await self.reject(exc.error_status_hint)
                return None
            if event is h11.NEED_DATA:
                if self.closed.is_set():
                    return None
                self._arrived.clear()
                await self._arrived.wait()
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.EndOfMessage):
                return request
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return None

    async def reject(self, status: int) -> None:
        """Answer `status` with a short text body, if no response has started yet."""
        if self._h11.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        body = f"{status} {reason(status).decode()}\n".encode()
        headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        with contextlib.suppress(ClientGone, h11.LocalProtocolError):
            await self.start_response(status, [*headers, ("Connection", "close")])
            await self.send(body)
            await self.end()

    async def _write(self, data: bytes) -> None:
        if self.closed.is_set() or self._writer.transport.is_closing():
            raise ClientGone
        try:
            self._writer.write(data)
            await self._writer.drain()
        except (OSError, RuntimeError) as exc:
            self.closed.set()
            raise ClientGone from exc

    async def start_response(
        self, status: int, headers: Sequence[tuple[str, str]], *, http10: bool = False
    ) -> None:
        """Send the status line and headers; `http10`: an HTTP/1.0 response whose body ends by closing."""
        if http10:
            self._http10 = True
            lines = [b"HTTP/1.0 %d %s" % (status, reason(status))]
            lines += [f"{name}: {value}".encode("latin-1") for name, value in headers]
            await self._write(b"\r\n".join(lines) + b"\r\n\r\n")
            return
        response = h11.Response(status_code=status, headers=list(headers), reason=reason(status))
        await self._write(self._h11.send(response) or b"")

    async def send(self, data: bytes) -> None:
        """One body chunk, written and flushed on its own."""
        if data:
            await self._write(data if self._http10 else self._h11.send(h11.Data(data=data)) or b"")

    async def end(self) -> None:
        """Finish the body cleanly (the terminating chunk, when chunked; closing, for HTTP/1.0)."""
        if self._http10:
            self.close()
            return
        await self._write(self._h11.send(h11.EndOfMessage()) or b"")

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` (math.inf = for ever); raise ClientGone as soon as the peer leaves."""
        if self.closed.is_set():
            raise ClientGone
        if seconds <= 0:
            await asyncio.sleep(0)
        else:
            timeout = None if math.isinf(seconds) else seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closed.wait(), timeout)
        if self.closed.is_set():
            raise ClientGone

    def next_cycle(self) -> bool:
        """After a finished response: ready the connection for another request if keep-alive."""
        if self._h11.our_state is h11.DONE and self._h11.their_state is h11.DONE:
            self._h11.start_next_cycle()
            return True
        return False

    def close(self) -> None:
        """Close after flushing what was written (a FIN)."""
        self.closed.set()
        self._pump.cancel()
        self._writer.close()

    def abort(self) -> None:
        """Drop the connection now, whatever the state of the response."""
        self.closed.set()
        self._pump.cancel()
        self._writer.transport.abort()
