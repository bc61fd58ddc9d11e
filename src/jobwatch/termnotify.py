"""Desktop notifications through the terminal: OSC 9 (iTerm2, WezTerm, Windows Terminal, kitty, ghostty)
and OSC 777 `notify;title;body` (foot, urxvt, WezTerm, Konsole), which many terminals show even over SSH.

The text comes from servers and the config, so it is redacted, escaped (no control byte at all: nothing
can end the OSC early or start another sequence), stripped of `;` (777 splits its fields on it) and
bounded in length. Headless: no Textual.
"""

from __future__ import annotations

from collections.abc import Callable

from jobwatch.textsafe import sanitize

TITLE_MAX = 60
BODY_MAX = 200
OSC = "\x1b]"
BEL = "\x07"


def clean(text: str, limit: int, redact: Callable[[str], str] = str) -> str:
    """`text` redacted, every control, format or invisible character shown as an inert escape, `;`
    replaced by `,`, cut to `limit` characters."""
    safe = sanitize(redact(text).replace(";", ","), limit)
    return "".join(c for c in safe if c.isprintable())  # sanitize leaves none; kept as a guarantee


def notification(title: str, body: str, redact: Callable[[str], str] = str) -> str:
    """The OSC 9 and OSC 777 sequences announcing `title` and `body`. OSC 9 gets "title: body", which
    never starts with a digit and `;` (some terminals read `9;4;...` as a progress report)."""
    head = clean(title, TITLE_MAX, redact) or "jobwatch"
    text = clean(body, BODY_MAX, redact)
    osc9 = f"{head}: {text}" if text else head
    if osc9[:1].isdigit():
        osc9 = f"jobwatch {osc9}"
    return f"{OSC}9;{osc9}{BEL}{OSC}777;notify;{head};{text}{BEL}"
