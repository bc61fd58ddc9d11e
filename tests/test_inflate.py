"""Inflater: gzip and deflate decoded in steps of at most 64 KiB, bombs refused, unknown codings fatal."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import random
import zlib
from collections.abc import AsyncIterator

import pytest

from jobwatch.stream.errors import DecompressionBomb, FatalError, RetryableError
from jobwatch.stream.inflate import STEP, Inflater, content_coding, inflated

_rng = random.Random(0)
TEXT = b"".join(b'id: %d\ndata: {"line": "step %d"}\n\n' % (i, _rng.randrange(99)) for i in range(40_000))


def decode(coding: str, chunks: list[bytes]) -> list[bytes]:
    """Every step's output, pushing each chunk and stepping while output is pending."""
    inflater = Inflater(coding)
    steps: list[bytes] = []
    for chunk in chunks:
        inflater.push(chunk)
        steps.append(inflater.step())
        while inflater.pending:
            steps.append(inflater.step())
    return steps


def split(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


@pytest.mark.parametrize(
    ("header", "coding"),
    [(None, None), ("", None), ("identity", None), ("GZip", "gzip"), ("x-gzip", "gzip"),
     (" deflate ", "deflate"), ("identity, gzip", "gzip")],
)  # fmt: skip
def test_content_coding_names_the_one_coding_to_undo(header: str | None, coding: str | None) -> None:
    expected = "x-gzip" if header == "x-gzip" else coding
    assert content_coding(header) == expected


@pytest.mark.parametrize("header", ["br", "zstd", "compress", "gzip, gzip", "gzip, br"])
def test_any_other_content_coding_is_fatal_and_names_what_is_decoded(header: str) -> None:
    with pytest.raises(FatalError, match=r"unsupported Content-Encoding .* \(jobwatch decodes gzip, deflate"):
        content_coding(header)


def test_no_step_yields_more_than_64_kib() -> None:
    steps = decode("gzip", [gzip.compress(TEXT)])
    assert b"".join(steps) == TEXT
    assert max(map(len, steps)) == STEP


@pytest.mark.parametrize("chunk_size", [1, 7, 65536])
@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_is_decoded_whether_zlib_wrapped_or_raw(chunk_size: int, wbits: int) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = compressor.compress(TEXT[:20_000]) + compressor.flush()
    assert b"".join(decode("deflate", split(body, chunk_size))) == TEXT[:20_000]


def test_gzip_members_one_after_another_are_all_decoded() -> None:
    body = gzip.compress(b"data: one\n\n") + gzip.compress(b"data: two\n\n")
    assert b"".join(decode("gzip", split(body, 5))) == b"data: one\n\ndata: two\n\n"


def test_bytes_after_the_end_of_a_deflate_stream_are_ignored() -> None:
    body = zlib.compress(b"data: a\n\n") + b"trailing junk"
    assert b"".join(decode("deflate", [body, b"more junk"])) == b"data: a\n\n"


def test_corrupt_data_is_a_retryable_error() -> None:
    body = gzip.compress(TEXT[:5000])
    with pytest.raises(RetryableError, match="invalid gzip data from the server"):
        decode("gzip", [body[:20] + bytes(200)])


def test_a_body_inflating_more_than_1000_to_1_is_refused_after_8_mib() -> None:
    inflater = Inflater("gzip")
    inflater.push(gzip.compress(b"\n" * (64 << 20), 9))
    produced = 0
    with pytest.raises(DecompressionBomb, match=r"^decompression bomb: 8\.4 MB inflated from 8\.\d kB"):
        while True:
            produced += len(inflater.step())
    assert produced == (8 << 20) - STEP  # the step that reached the window is refused, not handed over


def test_a_compressible_stream_of_many_megabytes_is_not_a_bomb() -> None:
    body = zlib.compress(TEXT * 8, 9)  # ratio about 20:1, 12 MB decoded
    assert len(b"".join(decode("deflate", split(body, 65536)))) == len(TEXT) * 8


async def test_other_tasks_run_between_the_steps_of_one_chunk() -> None:
    async def one_chunk() -> AsyncIterator[bytes]:
        yield gzip.compress(TEXT)

    ticks = 0
    seen: list[int] = []

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    async for piece in inflated(one_chunk(), "gzip"):
        seen.append(ticks)
        assert len(piece) <= STEP
    task.cancel()
    assert len(seen) == -(-len(TEXT) // STEP)
    assert all(b > a for a, b in itertools.pairwise(seen))  # the ticker ran between every two steps
