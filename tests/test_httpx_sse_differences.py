"""Where httpx-sse's decoder departs from WHATWG and ours does not (why `jobwatch.stream.parser` exists)."""

from __future__ import annotations

from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from jobwatch.stream.parser import SSEParser


def httpx_sse_events(text: str) -> list[object]:
    lines, decoder = SSELineDecoder(), SSEDecoder()
    events = []
    for line in lines.decode(text):
        event = decoder.decode(line)
        if event is not None:
            events.append(event)
    return events


def test_block_without_data_is_a_phantom_event_in_httpx_sse_but_not_here() -> None:
    assert len(httpx_sse_events("id: 1\n\n")) == 1
    assert SSEParser().feed(b"id: 1\n\n") == []


def test_signed_retry_is_accepted_by_httpx_sse_but_ignored_here() -> None:
    assert httpx_sse_events("retry: +10\ndata: a\n\n")[0].retry == 10  # type: ignore[attr-defined]
    parser = SSEParser()
    parser.feed(b"retry: +10\ndata: a\n\n")
    assert parser.retry is None


def test_trailing_cr_is_held_back_by_httpx_sse_but_dispatches_here() -> None:
    assert httpx_sse_events("data: a\r\r") == []
    assert [e.data for e in SSEParser().feed(b"data: a\r\r")] == ["a"]


def test_leading_bom_eats_the_first_event_in_httpx_sse_but_is_stripped_here() -> None:
    # httpx-sse reads `response.aiter_text()` (the declared charset decides), and keeps the BOM, which then
    # turns the first field name into "\ufeffdata"; the spec says UTF-8 always, one leading BOM stripped.
    assert httpx_sse_events("\ufeffdata: a\n\n") == []
    assert [e.data for e in SSEParser().feed(b"\xef\xbb\xbfdata: a\n\n")] == ["a"]
