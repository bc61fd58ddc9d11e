"""Lets the check tests import the shared test kits one level up (tlskit) and the interop servers."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
for folder in (TESTS, TESTS / "interop"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
