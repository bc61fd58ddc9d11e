"""Property tests of the parser's bulk fast path (runs.py): big texts of plain events mixed with other blocks,
cut anywhere or between blocks, give the same events, own ids and cursor as the reference and byte by byte."""

from __future__ import annotations

from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from jobwatch.stream.parser import SSEParser
from sse_reference import reference_events
from test_parser_fuzz import split_at

PLAIN = st.builds(
    lambda id_, kind, data: b"id: " + id_ + b"\n" + kind + b"data: " + data + b"\n\n",
    st.sampled_from([b"1", b"a:b", b" 7", b"\xc3\xa9", b"0123456789" * 8]),
    st.sampled_from([b"", b"event: log\n", b"event: \n", b"event: a:b\n"]),
    st.sampled_from([b"", b"{\"line\": \"x\"}", b"\xe2\x80\xa8", b"x" * 120]),
)
OTHER = st.sampled_from([
    b"id: \n\n", b"id: \ndata: z\n\n", b"id: a\x00b\ndata: z\n\n", b"data: 1\ndata: 2\n\n", b": ping\n\n",
    b"retry: 5\n", b"\n", b"data: no id\n\n", b"event: e\nid: 9\ndata: q\n\n", b"id: 3\r\ndata: cr\r\n\r\n",
    b"id: 4\ndata: bad \xff\n\n", b"id: 5\n", b"data:x\n\n", b"id: 6\nevent: log\n", b"id:7\ndata: w\n\n",
    b"event: log\n", b"data: y\n", b"id: \n", b"data: xid: 8\ndata: q\n\n",
])  # fmt: skip
BLOCKS = st.lists(PLAIN | PLAIN | OTHER, min_size=5, max_size=80)
CUTS = st.lists(st.integers(min_value=0, max_value=400), max_size=12)


def chunked(blocks: list[bytes], between: list[int], anywhere: list[int]) -> list[bytes]:
    """The stream cut after the blocks numbered in `between` and at the byte offsets in `anywhere`."""
    ends = [len(b"".join(blocks[: n + 1])) for n in between]
    return split_at(b"".join(blocks), ends + [offset * 7 for offset in anywhere])


def run_with_own_ids(chunks: list[bytes]) -> tuple[list[tuple[str, str, str, str | None]], str]:
    parser = SSEParser()
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    return [(e.type, e.data, e.last_event_id, e.own_id) for e in events], parser.last_event_id


@given(BLOCKS, CUTS, CUTS)
def test_big_chunks_of_mixed_blocks_agree_with_the_reference(
    blocks: list[bytes], between: list[int], anywhere: list[int]
) -> None:
    parser = SSEParser()
    with mock.patch.object(SSEParser, "bulk_min", 1):
        events = [event for chunk in chunked(blocks, between, anywhere) for event in parser.feed(chunk)]
    parser.close()
    expected, committed, _, _ = reference_events(b"".join(blocks))
    assert [(e.type, e.data, e.last_event_id) for e in events] == expected
    assert parser.last_event_id == committed


@given(BLOCKS, st.lists(st.booleans(), min_size=80, max_size=80))
def test_chunks_cut_between_blocks_give_the_own_ids_of_byte_at_a_time_feeding(
    blocks: list[bytes], cut_after: list[bool]
) -> None:
    """With the fast path taken for texts of any size, so every state a block can leave is tried before it."""
    body = b"".join(blocks)
    one_by_one = run_with_own_ids([body[i : i + 1] for i in range(len(body))])
    chunks = chunked(blocks, [n for n, cut in enumerate(cut_after) if cut], [])
    with mock.patch.object(SSEParser, "bulk_min", 1):
        assert run_with_own_ids(chunks) == one_by_one
