"""The one error type configuration loading raises: a single line naming where, what and the fix."""

from __future__ import annotations

import re

from jobwatch.textsafe import sanitize

COMMAND_LINE = "command line"
"""The `file` of errors in command-line options and sources."""


class ConfigError(Exception):
    """A configuration problem, shown to the user as `<file>:<line or key>: <problem> (<fix>)`.

    Messages never contain header values or secrets; they name keys, lines and variables instead. Every
    part may hold user text (a path, a key, a source), so the message shows control and invisible
    characters escaped, like event text (`jobwatch.textsafe.sanitize`).
    """

    def __init__(self, file: str, where: str | int | None, problem: str, fix: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        self.fix = fix
        location = file if where is None or where == "" else f"{file}:{where}"
        message = f"{location}: {problem} ({fix})"
        super().__init__(sanitize(re.sub(r"\s*[\r\n]+\s*", " ", message)))


def shown(text: str, limit: int = 80) -> str:
    """User text (a key, a name, a source) as an error shows it: escaped and cut to `limit` characters."""
    return sanitize(text, limit)
