"""Content-Encoding decoded in bounded steps, so a compressed body cannot take the memory or the event loop.

httpx inflates each chunk it reads in one call: 64 KiB of a gzip bomb become 64 MiB at once, parsed without a
pause. Here each step yields at most STEP bytes and the loop runs other tasks between steps; the next
compressed chunk is read only once the last one is used up. A body that keeps inflating more than BOMB_RATIO
times over BOMB_WINDOW decoded bytes fails its connection (retryable): to skip such a part one would still
have to inflate all of it, which is the cost refused.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterable, AsyncIterator

from jobwatch.stream.errors import DecompressionBomb, FatalError, RetryableError
from jobwatch.stream.sizes import decimal_size

ACCEPT_ENCODING = "gzip, deflate"
"""The request's Accept-Encoding: exactly the codings decoded here."""

STEP = 64 * 1024
BOMB_WINDOW = 8 << 20
BOMB_RATIO = 1000

_GZIP, _ZLIB, _RAW = zlib.MAX_WBITS | 16, zlib.MAX_WBITS, -zlib.MAX_WBITS
_CODINGS = {"gzip": _GZIP, "x-gzip": _GZIP, "deflate": _ZLIB}


def content_coding(header: str | None) -> str | None:
    """The one coding to undo from a Content-Encoding value, None for identity; others are fatal."""
    codings = [c.strip().lower() for c in (header or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in _CODINGS:
        return codings[0]
    shown = (header or "")[:60]
    raise FatalError(f"unsupported Content-Encoding {shown!r} (jobwatch decodes {ACCEPT_ENCODING})")


class Inflater:
    """One body's decompressor: `push()` a compressed chunk, then `step()` while `pending`."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._wbits = _CODINGS[coding]
        self._zlib = zlib.decompressobj(self._wbits)
        self._head: bytes | None = b"" if self._wbits == _ZLIB else None
        """Input taken before the first output (up to STEP), to retry "deflate" as raw deflate; None after."""
        self._input = b""
        self._full = False
        self._ended = False
        self._window_in = self._window_out = 0

    @property
    def pending(self) -> bool:
        """Whether more output may come without another compressed chunk."""
        return bool(self._input) or self._full

    def push(self, chunk: bytes) -> None:
        self._input = chunk

    def step(self) -> bytes:
        """At most STEP decoded bytes from the input held; raises what a broken or bomb body means."""
        data, self._input = self._input, b""
        if self._ended:
            return b""  # bytes after the end of a deflate stream are ignored, as httpx does
        if self._head is not None:
            self._head = self._head + data if len(self._head) < STEP else None
        try:
            out = self._zlib.decompress(data, STEP)
        except zlib.error as exc:
            if self._head is not None:  # "deflate" sent as raw deflate, as some servers do
                self._wbits, self._zlib = _RAW, zlib.decompressobj(_RAW)
                self._input, self._head = self._head, None
                return b""
            raise RetryableError(f"invalid {self._coding} data from the server ({exc})") from None
        if out:
            self._head = None
        self._input = self._zlib.unconsumed_tail
        used = len(data) - len(self._input)
        if self._zlib.eof:
            rest = self._zlib.unused_data
            used -= len(rest)
            if self._wbits == _GZIP:
                if rest:  # gzip members may follow one another
                    self._zlib, self._input = zlib.decompressobj(_GZIP), rest
            else:
                self._ended = True
        self._full = len(out) == STEP
        self._count(used, len(out))
        return out

    def _count(self, used: int, produced: int) -> None:
        self._window_in += used
        self._window_out += produced
        if self._window_out >= BOMB_WINDOW:
            if self._window_out > BOMB_RATIO * self._window_in:
                raise DecompressionBomb(
                    f"decompression bomb: {decimal_size(self._window_out)} inflated from "
                    f"{decimal_size(self._window_in)} of {self._coding} (more than {BOMB_RATIO}:1)"
                )
            self._window_in = self._window_out = 0


async def inflated(chunks: AsyncIterable[bytes], coding: str) -> AsyncIterator[bytes]:
    """The decoded body, in pieces of at most STEP bytes, letting other tasks run between steps."""
    inflater = Inflater(coding)
    async for chunk in chunks:
        inflater.push(chunk)
        while True:
            out = inflater.step()
            if out:
                yield out
            if not inflater.pending:
                break
            await asyncio.sleep(0)
