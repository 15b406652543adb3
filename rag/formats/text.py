"""Plain-text transcripts: prose with `[hh:mm:ss]` markers after sentences, or one timed line each.

Two layouts are read:

* **Prose with markers** (the seed's layout): a marker such as `[00:01:04]` follows the sentence it
  supports. Every sentence takes the last marker inside it. A sentence without a marker (a heading,
  a list item, a sentence between marked ones) takes the time of the *next* marker after it, because
  markers close the text they support; text after the last marker takes the last marker's time.
* **Timed lines**: `[hh:mm:ss] Speaker: text`, `hh:mm:ss text` or `mm:ss text`. Each line's sentences
  take the line's time; an untimed line continues the line before it. `Name:` becomes the speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from rag.errors import TranscriptError
from rag.segments import Segment, split_sentences, tidy_spacing
from rag.timecode import parse_time

# Anything in brackets that looks like a time, valid or not, so bad ones are reported, not kept as text.
# A leading minus is matched too, so `[-1:00:00]` is reported instead of staying in the text.
_TIME = r"-?\d+(?::\d+)+(?:[.,]\d+)?"
TIMESTAMP_RE = re.compile(rf"\[\s*({_TIME})\s*\]")
_LEADING_TIMESTAMPS = re.compile(rf"^(\s*\[\s*{_TIME}\s*\]\s*)+")
LINE_TIME_RE = re.compile(rf"^\s*(\[?)\s*({_TIME})\s*(\]?)\s*(?:[-–—|]\s*)?")
SPEAKER_RE = re.compile(r"^([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}|SPEAKER[_ ]\d+|Speaker \d+):\s+")
_BLOCK_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|[-*+•‣◦▪]\s+|\d+[.)]\s+|>\s*)")
_HEADING_PREFIX = re.compile(r"^\s*#{1,6}\s+")
# An Obsidian callout, `[!info]+ Title`, optionally quoted with `>`.
_CALLOUT = re.compile(r"^\s*(?:>\s*)?\[![A-Za-z-]+\][+-]?[ \t]*(.*)$")
_HEADER_LINE = re.compile(r"^(From|By|Author|Channel|Source|Published|Date|Url|Link|Guest|Host):[ \t]*(\S.*)$", re.I)
_TITLE_JOINERS = frozenset("of the and for in on a an to with at by vs or".split())
_CLOSING = tuple(".!?:;,…\"”’)")
_MARKUP = re.compile(r"\*\*|__|`")


def looks_like_timed_lines(text: str) -> bool:
    """True when most non-empty lines start with a timestamp."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    timed = sum(1 for ln in lines if LINE_TIME_RE.match(ln) and _line_time_ok(ln))
    return bool(lines) and timed >= max(2, len(lines) // 2)


def has_markers(text: str) -> bool:
    """True when the text holds at least one bracketed time marker."""
    return TIMESTAMP_RE.search(text) is not None


def _line_time_ok(line: str) -> bool:
    m = LINE_TIME_RE.match(line)
    return bool(m) and bool(m.group(1)) == bool(m.group(3))


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _line_starts(text: str) -> list[int]:
    """Offsets where lines begin, for `bisect_right(starts, offset)` = the 1-based line of an offset.

    Counting newlines per sentence would be quadratic: a 5 MB one-line file took minutes.

    >>> bisect_right(_line_starts("a\\nb\\nc"), 2)
    2
    """
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _time(raw: str, path: str, text: str, offset: int) -> float:
    try:
        return parse_time(raw)
    except ValueError as exc:
        raise TranscriptError(f"{path}:{_line_of(text, offset)}: bad timestamp [{raw}]: {exc}") from None


def _clean(fragment: str) -> str:
    """Remove markers and markup from a sentence and tidy its spacing."""
    return tidy_spacing(_MARKUP.sub("", _BLOCK_PREFIX.sub("", TIMESTAMP_RE.sub("", fragment))))


def parse_header(text: str) -> tuple[dict[str, str], int]:
    """Leading `Key: value` lines (`From: redpointai`) are metadata, not sentences to cite.

    Returns the metadata (lower-case keys) and the offset where the transcript proper begins.

    >>> parse_header("From: redpointai\\n\\nIt starts [00:00:01].")
    ({'from': 'redpointai'}, 18)
    """
    meta: dict[str, str] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        m = _HEADER_LINE.match(line)
        if m and not TIMESTAMP_RE.search(line):
            meta[m.group(1).lower()] = m.group(2).strip()
        elif line.strip() or not meta:
            break
        offset += len(line)
    return (meta, offset) if meta else ({}, 0)


def parse_prose(text: str, source: str, path: str) -> list[Segment]:
    """Parse prose whose sentences are followed by `[hh:mm:ss]` markers.

    A marker belongs to the sentence it ends, also when it stands before the closing full stop
    (`... climate change [00:00:35].`) or after a closing quote (`... way” [00:40:20].`). Each bullet
    item is a sentence of its own. Headings (a `#` line, an Obsidian callout title, or a lone short
    line without a marker or closing punctuation) become `kind="heading"` segments: context, never a
    claim. Leading `Key: value` lines are metadata (see `parse_header`).

    Raises:
        TranscriptError: on a malformed marker (with file and line) or when there is no marker.
    """
    pending: list[dict] = []  # sentences in order; "time" is None until a marker closes them
    for block_start, block_end, kind in _blocks(text, parse_header(text)[1]):
        block = text[block_start:block_end]
        if kind == "heading":
            for m in TIMESTAMP_RE.finditer(block):  # a malformed marker is reported even here
                _time(m.group(1), path, text, block_start + m.start())
            clean = _clean(block)
            if clean:
                pending.append({"block": block_start, "start": block_start, "end": block_end, "text": clean,
                                "time": None, "kind": "heading"})
            continue
        for a, b in split_sentences(block):
            start, end = block_start + a, block_start + b
            frag = text[start:end]
            lead = _LEADING_TIMESTAMPS.match(frag)
            if lead and pending and pending[-1]["block"] == block_start:
                # "Sentence. [00:01:00] Next" — the leading marker closes the previous sentence.
                for m in TIMESTAMP_RE.finditer(lead.group(0)):
                    pending[-1]["time"] = _time(m.group(1), path, text, start + m.start())
                start += lead.end()
                frag = text[start:end]
            times = [_time(m.group(1), path, text, start + m.start()) for m in TIMESTAMP_RE.finditer(frag)]
            clean = _clean(frag)
            if not clean:
                if times and pending:
                    pending[-1]["time"] = times[-1]
                continue
            pending.append({"block": block_start, "start": start, "end": end, "text": clean,
                            "time": times[-1] if times else None, "kind": "sentence"})
    if not any(p["time"] is not None for p in pending):
        raise TranscriptError(f"{path}: no timestamps found; expected [hh:mm:ss] markers or timed lines")
    # Unmarked sentences and headings take the next marker's time; the tail takes the last one's.
    next_time = None
    for p in reversed(pending):
        if p["time"] is not None:
            next_time = p["time"]
            p["timed"] = True
        else:
            p["timed"] = False
            p["time"] = next_time
    for before, p in zip([None, *pending], pending):
        p["time"] = p["time"] if p["time"] is not None or before is None else before["time"]
    starts = _line_starts(text)
    return [Segment(source=source, start=p["time"], text=p["text"], line=bisect_right(starts, p["start"]),
                    char_start=p["start"], char_end=p["end"], timed=p["timed"], kind=p["kind"]) for p in pending]


def _callout_title(rest: str) -> int:
    """Length of the title at the start of a callout line whose body follows on the same line.

    The title is the run of capitalised words (and short joining words) before the body's first
    sentence, which starts with the run's last capitalised word: `Role of Open Source Meta’s strategy`
    → `Role of Open Source`. Returns 0 when no title can be told apart.

    >>> rest = "Role of Open Source Meta’s strategy of open-sourcing"
    >>> rest[:_callout_title(rest)]
    'Role of Open Source'
    """
    words = list(re.finditer(r"\S+", rest))
    run = 0
    while run < len(words) and (words[run].group(0)[0].isupper() or words[run].group(0) in _TITLE_JOINERS):
        run += 1
    if run == len(words):
        return len(rest)
    capitals = [i for i in range(run) if words[i].group(0)[0].isupper()]
    body = capitals[-1] if capitals else 0
    return words[body - 1].end() if body > 0 else 0


def _blocks(text: str, begin: int = 0) -> list[tuple[int, int, str]]:
    """`(start, end, kind)` of every paragraph, list item and heading; kind is "text" or "heading"."""
    blocks: list[tuple[int, int, str]] = []
    start = None
    offset = begin

    def close(end: int) -> None:
        nonlocal start
        if start is not None:
            blocks.append((start, end, "text"))
            start = None

    for line in text[begin:].splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        callout = _CALLOUT.match(body)
        if not stripped:
            close(offset)
        elif callout:
            close(offset)
            rest_at = offset + callout.start(1)
            rest = callout.group(1)
            title_len = _callout_title(rest) if TIMESTAMP_RE.search(rest) else len(rest.rstrip())
            if title_len:
                blocks.append((rest_at, rest_at + title_len, "heading"))
            if rest[title_len:].strip():
                start = rest_at + title_len + (len(rest[title_len:]) - len(rest[title_len:].lstrip()))
        elif _HEADING_PREFIX.match(body):
            close(offset)
            blocks.append((offset, offset + len(body), "heading"))
        elif _BLOCK_PREFIX.match(body):
            close(offset)
            blocks.append((offset, offset + len(body), "text"))
        elif start is None:
            start = offset
        offset += len(line)
    close(offset)
    return [(a, b, "heading" if kind == "text" and _looks_like_heading(text[a:b]) else kind)
            for a, b, kind in blocks]


def _looks_like_heading(block: str) -> bool:
    """A lone short line with no marker and no closing punctuation (`Strategic Hardware Decisions`)."""
    line = block.strip()
    return ("\n" not in line and not TIMESTAMP_RE.search(line) and not _BLOCK_PREFIX.match(block)
            and not line.endswith(_CLOSING) and len(line.split()) <= 14)


def parse_timed_lines(text: str, source: str, path: str) -> list[Segment]:
    """Parse one-timestamp-per-line transcripts (`[hh:mm:ss] Speaker: text`).

    Raises:
        TranscriptError: on a malformed timestamp (with file and line) or when no line is timed.
    """
    segments: list[Segment] = []
    current: float | None = None
    speaker: str | None = None
    offset = 0
    for lineno, line in enumerate(text.splitlines(keepends=True), start=1):
        body_start = offset
        body = line.rstrip("\r\n")
        offset += len(line)
        if not body.strip() or body.lstrip().startswith("#"):
            continue
        m = LINE_TIME_RE.match(body)
        timed = False
        if m:
            try:
                current = parse_time(m.group(2))
            except ValueError as exc:
                raise TranscriptError(f"{path}:{lineno}: bad timestamp {m.group(2)!r}: {exc}") from None
            body_start += m.end()
            body = body[m.end():]
            timed = True
            sm = SPEAKER_RE.match(body)
            speaker = sm.group(1) if sm else None
            if sm:
                body_start += sm.end()
                body = body[sm.end():]
        if current is None:
            raise TranscriptError(f"{path}:{lineno}: text before the first timestamp: {body.strip()[:60]!r}")
        for a, b in split_sentences(body):
            clean = _clean(body[a:b])
            if clean:
                segments.append(Segment(source=source, start=current, text=clean, line=lineno,
                                        char_start=body_start + a, char_end=body_start + b,
                                        speaker=speaker, timed=timed))
    if not segments:
        raise TranscriptError(f"{path}: no timed lines with text found")
    return segments
