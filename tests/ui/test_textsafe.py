"""`sanitize`: what may reach the terminal from untrusted event text (shared with `jobwatch tail`)."""

from __future__ import annotations

import unicodedata

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
        ("soft\u00adhyphen", "soft\\xadhyphen"),
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
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in out)


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",
     "\ufeff", "\u180e", "\u206a", "\u3164", "\u115f", "\ufff9"],
)
def test_invisible_format_characters_are_shown_as_escapes(invisible: str) -> None:
    assert sanitize(f"deploy{invisible}api") == f"deploy\\u{ord(invisible):04x}api"


def test_astral_invisible_tag_characters_are_shown_as_escapes() -> None:
    assert sanitize("job\U000e0041\U000e0001") == "job\\U000e0041\\U000e0001"


def test_names_differing_only_by_an_invisible_character_look_different() -> None:
    names = ["api", "api\u200b", "a\u2060pi", "\ufeffapi", "api\u200d", "api\u3164"]
    assert len({sanitize(name) for name in names}) == len(names)


def test_a_cut_never_leaves_half_a_long_escape() -> None:
    assert sanitize("abcdef\U000e0041xyz", 12) == "abcdef…"
