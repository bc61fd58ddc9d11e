"""Shared by every test folder: the test kits in tests/ (streamkit, prockit, tlskit, ...) and the interop
servers are importable, and one test CA serves every TLS test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import trustme

TESTS = Path(__file__).resolve().parent
for folder in (TESTS, TESTS / "interop"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    """A certificate authority only the tests trust (servers on 127.0.0.1 get certificates from it)."""
    return trustme.CA()
