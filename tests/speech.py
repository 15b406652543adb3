"""Synthesized test speech: espeak-ng says known sentences at known times; PyAV encodes any container.

Whisper tiny.en mishears robotic proper nouns (and espeak's "water" as "wager"), so the sentences use
common words it hears right. Each sentence is
spoken separately and placed on a timeline with a pause after it, so every sentence's true start and end
are known to the sample. `python tests/speech.py` regenerates the committed recording in tests/data/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

RATE = 22050  # espeak-ng's output rate
DATA = Path(__file__).resolve().parent / "data"
GARDEN = DATA / "garden-show.mp3"
GARDEN_TRUTH = DATA / "garden-show.sentences.json"
GARDEN_SENTENCES = (
    "Welcome to the weekly garden show.",
    "Today we talk about growing tomatoes at home.",
    "Tomatoes need at least six hours of sun every day.",
    "Give the plants a long drink early in the morning, never at night.",
    "The best fertilizer is compost from your own kitchen.",
    "Now a few words about pests.",
    "Spray the leaves with soap to keep the insects away.",
    "Pick the fruit when it is deep red and slightly soft.",
    "Thank you for listening, and see you next week.",
)
LONG_PAUSE_AFTER = 4  # a six-second silence after this sentence: VAD has to skip it


@dataclass(frozen=True)
class Spoken:
    """A sentence as placed on the timeline, in seconds."""

    text: str
    start: float
    end: float


def espeak(text: str, voice: str = "en-us", speed: int = 135) -> np.ndarray:
    """`text` spoken by espeak-ng as int16 samples at RATE, leading and trailing silence cut off."""
    if not shutil.which("espeak-ng"):
        raise RuntimeError("espeak-ng is missing: run `make speech` (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), text], check=True)
        with wave.open(str(out)) as w:
            assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
            samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
    return samples[loud[0] : loud[-1] + 1] if loud.size else samples[:0]


def synthesize(sentences: Sequence[str], gap: float = 0.8, lead: float = 0.5,
               pauses: dict[int, float] | None = None) -> tuple[np.ndarray, list[Spoken]]:
    """Speak sentences one after another; returns the samples and where each sentence lies."""
    pauses = pauses or {}
    pieces = [np.zeros(int(lead * RATE), np.int16)]
    spoken, t = [], lead
    for i, text in enumerate(sentences):
        voice = espeak(text)
        spoken.append(Spoken(text, round(t, 3), round(t + len(voice) / RATE, 3)))
        silence = np.zeros(int(pauses.get(i, gap) * RATE), np.int16)
        pieces += [voice, silence]
        t += (len(voice) + len(silence)) / RATE
    return np.concatenate(pieces), spoken


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.int16)


def encode(samples: np.ndarray, path: Path, bitrate: int = 32000, video: bool = False) -> Path:
    """Write mono int16 samples in the container that `path`'s suffix names (mp3 wav m4a ogg mp4 webm flac)."""
    import av

    suffix = path.suffix.lower()
    codec, rate = {".mp3": ("libmp3lame", RATE), ".wav": ("pcm_s16le", RATE), ".m4a": ("aac", RATE),
                   ".mp4": ("aac", RATE), ".ogg": ("libopus", 48000), ".webm": ("libopus", 48000),
                   ".flac": ("flac", RATE)}[suffix]
    with av.open(str(path), "w") as out:
        if video:  # a tiny still picture, so the file is a real video with an audio track
            vs = out.add_stream("libvpx" if suffix == ".webm" else "mpeg4", rate=1)
            vs.width, vs.height, vs.pix_fmt = 32, 32, "yuv420p"
        stream = out.add_stream(codec, rate=rate, layout="mono")
        if codec not in ("pcm_s16le", "flac"):
            stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
        for chunk in resampler.resample(frame) + resampler.resample(None):
            out.mux(stream.encode(chunk))
        out.mux(stream.encode(None))
        if video:
            for second in range(int(len(samples) / RATE)):
                picture = av.VideoFrame.from_ndarray(np.full((32, 32, 3), 90, np.uint8), format="rgb24")
                picture.pts = second
                out.mux(vs.encode(picture.reformat(format="yuv420p")))
            out.mux(vs.encode(None))
    return path


def make_garden_show(folder: Path = DATA) -> tuple[Path, Path]:
    """The committed recording (MP3, about 45 s) and its truth file (each sentence's start and end)."""
    samples, spoken = synthesize(GARDEN_SENTENCES, pauses={LONG_PAUSE_AFTER: 6.0})
    audio = encode(samples, folder / GARDEN.name)
    truth = folder / GARDEN_TRUTH.name
    truth.write_text(json.dumps({"duration": round(len(samples) / RATE, 3),
                                 "sentences": [asdict(s) for s in spoken]}, indent=1) + "\n")
    return audio, truth


if __name__ == "__main__":
    for p in make_garden_show(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA):
        print(p, p.stat().st_size, "bytes")
