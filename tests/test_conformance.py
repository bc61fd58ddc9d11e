"""`jobwatch tail --format jsonl --max-retries 0` prints exactly what a browser's EventSource dispatches.

Cases follow WPT `eventsource/format-*` and the LaunchDarkly SSE contract tests, sent byte-exact (and split at
awkward points) over a real socket.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from jobwatch.demo import DemoServer, RawResponse
from jobwatch.output.tail import run_tail
from jobwatch.stream.cursor import CursorStore
from jobwatch.stream.spec import StreamSpec

Expected = list[tuple[str, str, str]]  # (id, event, data)

CASES: dict[str, tuple[list[bytes], Expected]] = {
    "bom is stripped": ([b"\xef\xbb\xbfdata: 1\n\n"], [("", "message", "1")]),
    "two boms: the second spoils the first field": (
        [b"\xef\xbb\xbf\xef\xbb\xbfdata: 1\n\ndata: 2\n\n"], [("", "message", "2")]),
    "bom split over three chunks": ([b"\xef", b"\xbb", b"\xbfdata: 1\n\n"], [("", "message", "1")]),
    "comments everywhere": ([b": x\n:\ndata: 1\n: y\n\n:z\n"], [("", "message", "1")]),
    "data before final empty line is discarded": ([b"data: 1\n\ndata: 2"], [("", "message", "1")]),
    "cr line endings": ([b"data: 1\rdata: 2\r\r"], [("", "message", "1\n2")]),
    "crlf split between chunks": ([b"data: 1\r", b"\n\r", b"\ndata: 2\r\n\r\n"],
                                  [("", "message", "1"), ("", "message", "2")]),
    "mixed line endings": ([b"data: a\r\ndata: b\rdata: c\n\r\n"], [("", "message", "a\nb\nc")]),
    "event type": ([b"event: test\ndata: x\n\ndata: y\n\n"], [("", "test", "x"), ("", "message", "y")]),
    "empty event type means message": ([b"event\ndata: x\n\n"], [("", "message", "x")]),
    "field name case sensitive": ([b"DATA: x\nData: y\ndata: z\n\n"], [("", "message", "z")]),
    "unknown field ignored": ([b"foo: bar\ndata: x\n\n"], [("", "message", "x")]),
    "field without colon": ([b"data\ndata\ndata\n\n"], [("", "message", "\n\n")]),
    "one leading space removed": ([b"data:  x\ndata:x\n\n"], [("", "message", " x\nx")]),
    "tab not removed": ([b"data:\tx\n\n"], [("", "message", "\tx")]),
    "colon in value kept": ([b"data: a:b: c\n\n"], [("", "message", "a:b: c")]),
    "id persists": ([b"id: 1\ndata: a\n\ndata: b\n\n"], [("1", "message", "a"), ("1", "message", "b")]),
    "empty id resets": (
        [b"id: 1\ndata: a\n\nid\ndata: b\n\n"], [("1", "message", "a"), ("", "message", "b")]),
    "id with nul ignored": ([b"id: 1\ndata: a\n\nid: 2\x00\ndata: b\n\n"],
                            [("1", "message", "a"), ("1", "message", "b")]),
    "id-only block commits id": ([b"id: 5\n\ndata: a\n\n"], [("5", "message", "a")]),
    "id of a block without data still counts": ([b"id: 3\nevent: x\n\ndata: a\n\n"], [("3", "message", "a")]),
    "retry only block dispatches nothing": ([b"retry: 1000\n\ndata: a\n\n"], [("", "message", "a")]),
    "bogus retry ignored": ([b"retry: 10x\ndata: a\n\n"], [("", "message", "a")]),
    "utf-8 split inside a sequence": ([b"data: \xe2", b"\x82\xac \xf0\x9f", b"\x98\x80\n\n"],
                                      [("", "message", "€ 😀")]),
    "invalid utf-8 replaced": ([b"data: \xff\xfe\xc3(\n\n"], [("", "message", "\ufffd\ufffd\ufffd(")]),
    "unicode line separators are not line ends": (["data: a\u2028b\u0085c\n\n".encode()],
                                                  [("", "message", "a\u2028b\u0085c")]),
    "empty data dispatches empty message": ([b"data:\n\n"], [("", "message", "")]),
    "multiple blank lines": ([b"\n\n\ndata: a\n\n\n\n"], [("", "message", "a")]),
    "one byte at a time": ([bytes([b]) for b in b"id: 7\r\nevent: e\r\ndata: x\r\n\r\n"], [("7", "e", "x")]),
    "json payload": ([b'data: {"a": 1}\n\n'], [("", "message", '{"a": 1}')]),
}  # fmt: skip


async def tail_jsonl(chunks: list[bytes], headers: tuple[tuple[str, str], ...] | None = None) -> list[dict]:
    out = io.BytesIO()
    async with DemoServer() as server:
        response = RawResponse(body=chunks) if headers is None else RawResponse(headers=headers, body=chunks)
        url = server.add_raw("case", [response])
        spec = StreamSpec("c", url, max_retries=0)
        await run_tail([spec], fmt="jsonl", cursors=CursorStore(None), stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().decode().splitlines()]


@pytest.mark.parametrize("case", list(CASES))
async def test_dispatches_exactly_what_eventsource_would(case: str) -> None:
    chunks, expected = CASES[case]
    got = await tail_jsonl(chunks)
    assert [(o["id"], o["event"], o["data"]) for o in got] == expected
    assert all(o["job"] == "c" for o in got)


async def test_charset_parameter_does_not_change_decoding() -> None:
    got = await tail_jsonl([b"data: \xc3\xa9\n\n"], (("Content-Type", "text/event-stream; charset=latin-1"),))
    assert [o["data"] for o in got] == ["é"]


async def test_non_sse_content_type_dispatches_nothing() -> None:
    assert await tail_jsonl([b"data: a\n\n"], (("Content-Type", "text/plain"),)) == []


def test_the_command_prints_the_same_as_the_engine() -> None:
    """One case through the real `jobwatch tail` process, to tie the in-process cases to the command."""
    import asyncio

    async def scenario() -> tuple[int, str]:
        async with DemoServer() as server:
            url = server.add_raw(
                "r", [RawResponse(body=[b"\xef\xbb\xbfid: 1\r\nevent: e\r\ndata: a\r\n\r\nid: 2\n\n"])]
            )
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "jobwatch", "tail", "--format", "jsonl", "--max-retries", "0",
                "--no-state", f"r={url}", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            out, _ = await proc.communicate()
            return proc.returncode or 0, out.decode()

    code, out = asyncio.run(scenario())
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"job": "r", "id": "1", "event": "e", "data": "a"}
    ]
