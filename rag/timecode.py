"""Parse and format transcript timestamps (`hh:mm:ss`, `mm:ss`, with optional `,mmm`/`.mmm`)."""

from __future__ import annotations

import re

TIME_RE = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


def parse_time(text: str) -> float:
    """Turn a timestamp into seconds.

    >>> parse_time("01:02:03,500")
    3723.5

    Raises:
        ValueError: if the text is not a timestamp, or minutes/seconds are 60 or more.
    """
    m = TIME_RE.match(text.strip())
    if not m:
        raise ValueError(f"not a timestamp: {text!r} (expected hh:mm:ss or mm:ss)")
    hours, minutes, seconds, frac = m.groups()
    if int(minutes) >= 60 or int(seconds) >= 60:
        raise ValueError(f"minutes and seconds must be below 60 in {text!r}")
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if frac:
        total += int(frac.ljust(3, "0")) / 1000
    return float(total)


def format_time(seconds: float) -> str:
    """Format seconds as `hh:mm:ss` (fractions are dropped).

    >>> format_time(3723.9)
    '01:02:03'
    """
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
