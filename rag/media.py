"""Recordings as files: recognise audio and video by content, probe the container, decode the speech.

Detection reads the first bytes (magic numbers), then PyAV (FFmpeg, the decoder faster-whisper uses)
opens the container. Every way a recording can be unusable (empty, text under a media name, no audio
track, damaged, truncated) is one TranscriptError naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rag.errors import TranscriptError

MEDIA_SUFFIXES = (".mp3", ".wav", ".m4a", ".ogg", ".oga", ".opus", ".mp4", ".m4v", ".webm", ".mkv", ".mov",
                  ".flac", ".aac")
ACCEPTED_MEDIA = "MP3, WAV, M4A/AAC, OGG/Opus, FLAC, MP4, WebM, MKV or MOV"
SAMPLE_RATE = 16000


def sniff(head: bytes) -> str | None:
    """The container a file's first bytes announce, or None.

    >>> sniff(b"RIFF\\x24\\x00\\x00\\x00WAVEfmt "), sniff(b"ID3\\x04"), sniff(b"WEBVTT")
    ('wav', 'mp3', None)
    """
    if head.startswith(b"ID3"):
        return "mp3"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "m4a" if head[8:11] == b"M4A" else "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: WebM or Matroska
        return "webm" if b"webm" in head[:64] else "mkv"
    if len(head) >= 4 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # an MPEG audio frame header
        version, layer = head[1] >> 3 & 3, head[1] >> 1 & 3
        bitrate, rate = head[2] >> 4, head[2] >> 2 & 3
        if layer == 0 and version in (2, 3):  # ADTS (a 12-bit sync word): MPEG-4 or MPEG-2 AAC
            return "aac"
        # Layer III or II only: "Layer I" bits are what a UTF-16 byte-order mark (FF FE) looks like.
        if version != 1 and layer in (1, 2) and bitrate not in (0, 15) and rate != 3:
            return "mp3"
    return None


def is_recording(path: str | Path) -> bool:
    """True when the file's bytes say audio/video, or its name does (then probing says what is wrong)."""
    p = Path(path)
    if p.suffix.lower() in MEDIA_SUFFIXES:
        return True
    try:
        with open(p, "rb") as f:
            return sniff(f.read(64)) is not None
    except OSError:
        return False


@dataclass(frozen=True)
class Recording:
    """A probed recording: its container, how long it says its audio is (0: unknown), whether it has a picture."""

    kind: str
    duration: float
    has_video: bool


def probe(path: str | Path) -> Recording:
    """Open a recording with PyAV and check it has an audio track.

    Raises:
        TranscriptError: naming the file, when it is missing, empty, text, or not a readable recording.
    """
    import av

    p = Path(path)
    if not p.is_file():
        raise TranscriptError(f"{p}: no such file")
    if p.stat().st_size == 0:
        raise TranscriptError(f"{p}: the file is empty (0 bytes), not a recording")
    with open(p, "rb") as f:
        head = f.read(4096)
    kind = sniff(head)
    if kind is None and _is_text(head):
        raise TranscriptError(f"{p}: named like a recording, but it holds text, not audio or video "
                              "(give a transcript a transcript's name, e.g. .txt or .srt)")
    try:
        with av.open(str(p), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise TranscriptError(f"{p}: has no audio track")
            audio, video = container.streams.audio[0], bool(container.streams.video)
            if audio.duration and audio.time_base:
                duration = float(audio.duration * audio.time_base)
            else:  # the container's length is the audio's unless a video track may run longer (0: unknown)
                duration = container.duration / 1e6 if container.duration and not video else 0.0
            return Recording(kind or container.format.name.split(",")[0], duration, video)
    except av.error.FFmpegError as exc:
        raise TranscriptError(f"{p}: not a readable recording ({exc.strerror or exc}); "
                              f"accepted: {ACCEPTED_MEDIA}") from None


def _is_text(head: bytes) -> bool:
    """True for the start of a UTF-8 text file (a character cut at the end of `head` is allowed)."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3
    return True


def decode(path: str | Path, recording: Recording):
    """The audio as 16 kHz mono float32, refusing a file that decodes to much less than it declares.

    Raises:
        TranscriptError: for a damaged or truncated recording.
    """
    import av
    from faster_whisper.audio import decode_audio

    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except av.error.FFmpegError as exc:
        raise TranscriptError(f"{path}: damaged recording, decoding failed ({exc.strerror or exc})") from None
    got = len(audio) / SAMPLE_RATE
    if got < 0.1:
        raise TranscriptError(f"{path}: no audio could be decoded (damaged or truncated recording)")
    if recording.duration and got < recording.duration * 0.95 - 0.5:
        raise TranscriptError(f"{path}: truncated or damaged: it declares {recording.duration:.1f} s of audio "
                              f"but only {got:.1f} s could be decoded")
    return audio
