"""`tail`'s coloured job names: only on a terminal (never on a pipe or a file) and never with NO_COLOR
(https://no-color.org) or TERM=dumb; the colours match the dashboard timeline's, in the same order."""

from __future__ import annotations

import os
from collections.abc import Mapping

from jobwatch.jobcolours import Colours
from jobwatch.textsafe import sanitize

SGR = ("1;34", "1;36", "1;35", "1;33", "1;32", "4;34", "4;36", "4;35", "4;33", "4;32")
"""Bold then underlined blue, cyan, magenta, yellow, green: the 16-colour theme's primary, secondary,
accent, warning and success, as the timeline uses them (red stays for errors)."""
RESET = "\x1b[0m"


def wants_colour(fd: int | None, env: Mapping[str, str] = os.environ) -> bool:
    """Whether lines written to descriptor `fd` may carry colour."""
    if fd is None or env.get("NO_COLOR", "") != "" or env.get("TERM") == "dumb":
        return False
    try:
        return os.isatty(fd)
    except OSError:
        return False


class JobNames:
    """Each job's name as a text line shows it: escaped, and led by its colour when `colour`."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour
        self._colours = Colours()
        self._shown: dict[str, str] = {}

    def __call__(self, job: str) -> str:
        shown = self._shown.get(job)
        if shown is None:
            shown = sanitize(job)
            if self.colour:
                shown = f"\x1b[{SGR[self._colours.of(job) % len(SGR)]}m{shown}{RESET}"
            self._shown[job] = shown
        return shown
