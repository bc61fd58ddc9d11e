"""Specification of the desktop notification sequences (OSC 9 and OSC 777): whatever a server or the
config puts in the text, exactly two OSCs come out, each ended by its own BEL, with no other control byte,
no field split by `;`, bounded length and secrets redacted."""

from __future__ import annotations

import re

import pytest

from jobwatch.redact import Redactor
from jobwatch.termnotify import BODY_MAX, TITLE_MAX, notification

HOSTILE = [
    "done\x07\x1b]777;notify;pwned;body\x07",  # BEL ends the OSC, then a forged one
    "x\x1b\\\x1b[2J\x1b]52;c;ZWNobyBoaQ==\x1b\\",  # ST, clear screen, clipboard write
    "c1 \x9d8;;http://evil\x9c and \x9b31m",  # 8-bit OSC, ST and CSI
    "nul\x00 del\x7f tab\t nl\n cr\r",
    "rtl \u202e gnp.exe \u2066",
]

SEQUENCE = re.compile(r"\x1b\]9;([^\x00-\x1f\x7f-\x9f]*)\x07\x1b\]777;notify;([^;\x00-\x1f\x7f-\x9f]*);"
                      r"([^;\x00-\x1f\x7f-\x9f]*)\x07")


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_stays_inside_its_osc(payload: str) -> None:
    out = notification(f"alert {payload}", f"job-1: {payload}")
    match = SEQUENCE.fullmatch(out)
    assert match is not None, repr(out)
    assert out.count("\x1b") == 2 and out.count("\x07") == 2
    assert not re.search(r"[\x80-\x9f]", out)


def test_semicolons_never_split_the_777_fields() -> None:
    out = notification("a;b", "c;d;e")
    match = SEQUENCE.fullmatch(out)
    assert match is not None
    assert match.group(2, 3) == ("a,b", "c,d,e")


def test_title_and_body_are_bounded() -> None:
    match = SEQUENCE.fullmatch(notification("t" * 500, "\x1b" * 5000))
    assert match is not None
    assert len(match.group(2)) <= TITLE_MAX and len(match.group(3)) <= BODY_MAX
    assert len(match.group(1)) <= TITLE_MAX + 2 + BODY_MAX


def test_secrets_are_redacted() -> None:
    redactor = Redactor()
    redactor.add("s3cr3t-token-99")
    out = notification("alert", "GET https://ci.example/x?token=s3cr3t-token-99 failed", redactor)
    assert "s3cr3t-token-99" not in out
    assert "***" in out


def test_osc9_text_never_starts_with_a_digit_read_as_a_progress_report() -> None:
    match = SEQUENCE.fullmatch(notification("4", "2"))
    assert match is not None
    assert not match.group(1)[:1].isdigit()
