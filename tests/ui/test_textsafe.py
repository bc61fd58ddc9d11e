"""`sanitize`: what may reach the terminal from untrusted event text (shared with `jobwatch tail`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobwatch.textsafe import sanitize


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("bell\x07", "bell\\x07"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("rtl\u202eevil\u202c", "rtl\\u202eevil\\u202c"),
        ("iso\u2066x\u2069", "iso\\u2066x\\u2069"),
        ("tab\tnl\n", "tab\\x09nl\\x0a"),
        ("héllo ✓ 日本", "héllo ✓ 日本"),
    ],
)
def test_controls_are_escaped_and_printable_text_kept(raw: str, shown: str) -> None:
    assert sanitize(raw) == shown


def test_long_text_is_cut_with_an_ellipsis() -> None:
    assert sanitize("abcdefgh", 5) == "abcd…"


def test_a_cut_never_leaves_half_an_escape() -> None:
    assert sanitize("abc\x1bdef", 6) == "abc…"


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_output_is_bounded_and_free_of_controls(text: str, max_len: int) -> None:
    out = sanitize(text, max_len)
    assert len(out) <= max_len
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E
                   or 0x2066 <= ord(c) <= 0x2069 for c in out)
