"""`--log-file`: a debug log of every connection attempt, response, delay chosen and why, redacted."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path


class RedactingFilter(logging.Filter):
    """Masks secrets in the fully formatted message, so no argument or exception text can leak one."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.msg += "\n" + self._redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
            record.exc_text = None
        return True


def open_log_file(path: Path, redact: Callable[[str], str]) -> logging.Handler:
    """Attach a DEBUG file handler to the `jobwatch` loggers; OSError if the file cannot be opened."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter(redact))
    logger = logging.getLogger("jobwatch")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return handler
