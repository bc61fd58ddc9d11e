"""The one error type configuration loading raises: a single line naming where, what and the fix."""

from __future__ import annotations

import re

COMMAND_LINE = "command line"
"""The `file` of errors in command-line options and sources."""


class ConfigError(Exception):
    """A configuration problem, shown to the user as `<file>:<line or key>: <problem> (<fix>)`.

    Messages never contain header values or secrets; they name keys, lines and variables instead.
    """

    def __init__(self, file: str, where: str | int | None, problem: str, fix: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        self.fix = fix
        location = file if where is None or where == "" else f"{file}:{where}"
        message = f"{location}: {problem} ({fix})"
        super().__init__(re.sub(r"\s*[\r\n]+\s*", " ", message))
