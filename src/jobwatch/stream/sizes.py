"""Byte counts as people read them: sizes in decimal units (2.0 MB), configured limits in binary (1 MiB)."""

from __future__ import annotations


def decimal_size(count: int) -> str:
    """`512 bytes`, `1.5 kB`, `2.0 MB`, `1.1 GB`."""
    if count < 1000:
        return f"{count} byte" + ("" if count == 1 else "s")
    for unit, scale in (("kB", 1e3), ("MB", 1e6)):
        if count < scale * 999.95:
            return f"{count / scale:.1f} {unit}"
    return f"{count / 1e9:.1f} GB"


def binary_size(count: int) -> str:
    """A limit as it was most likely set: `1 MiB`, `64 KiB`, else `1,000 bytes`."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if count >= 1 << shift and count % (1 << shift) == 0:
            return f"{count >> shift} {unit}"
    return f"{count:,} bytes"
