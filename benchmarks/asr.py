"""Speech recognition speed: real-time factor and peak memory on a 10-minute synthesized recording.

The recording is espeak-ng speech of known sentences (with a few long silences for the VAD to skip),
encoded as MP3. Each compute type runs in its own process so that peak memory (max RSS) is its own;
the word error rate against the known text is printed too, so speed is not bought with words.

Run: `nice -n 10 .venv/bin/python benchmarks/asr.py [--minutes 10] [--threads 2] [--compute int8,float32]`
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCES = (
    "Good morning and welcome to the program.",
    "Today we look at how small towns plan their water supply.",
    "Most of the water comes from two rivers in the north.",
    "In dry summers the level of both rivers falls quickly.",
    "The council built a new tank on the hill last year.",
    "It holds enough water for about three weeks.",
    "Farmers use more than half of all the water in the valley.",
    "Many of them now water their fields at night to save it.",
    "A leak in an old pipe can waste a lot of water every day.",
    "The town checks every pipe once a year.",
    "People can help by fixing taps that drip.",
    "Short showers also make a real difference.",
    "Next week we talk about the new bus line to the station.",
    "The first buses will run every twenty minutes.",
    "Thank you for listening, and have a good day.",
)


def make_recording(minutes: float, folder: Path) -> tuple[Path, list[str]]:
    """About `minutes` of speech as MP3, and the words spoken."""
    import numpy as np

    from tests.speech import RATE, encode, espeak

    voices = {s: espeak(s) for s in SENTENCES}
    pieces, words, total, n = [], [], 0.0, 0
    while total < minutes * 60:
        text = SENTENCES[n % len(SENTENCES)]
        pause = 8.0 if n % 40 == 39 else 0.7  # now and then a long silence
        pieces += [voices[text], np.zeros(int(pause * RATE), np.int16)]
        words += text.split()
        total += len(voices[text]) / RATE + pause
        n += 1
    return encode(np.concatenate(pieces), folder / "ten-minutes.mp3", bitrate=48000), words


def normalise(words: list[str]) -> list[str]:
    return [w for w in (re.sub(r"[^a-z0-9']", "", w.lower()) for w in words) if w]


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """Word-level edit distance over the reference length."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(len(ref), 1)


def run_one(audio: Path, compute_type: str, threads: int) -> dict:
    """In this process: load, transcribe, measure."""
    from rag.asr import Transcriber

    t0 = time.perf_counter()
    transcriber = Transcriber(compute_type=compute_type, threads=threads).load()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = transcriber.transcribe(audio)
    seconds = time.perf_counter() - t0  # decoding the MP3 included
    return {"compute_type": compute_type, "threads": threads, "load_s": load_s, "seconds": seconds,
            "audio_s": data["duration"], "rtf": seconds / data["duration"], "sentences": len(data["segments"]),
            "words": data["text"].split(), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--compute", default="int8,float32", help="comma-separated CTranslate2 compute types")
    p.add_argument("--one", nargs=2, metavar=("AUDIO", "COMPUTE"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        print(json.dumps(run_one(Path(args.one[0]), args.one[1], args.threads)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        audio, spoken = make_recording(args.minutes, Path(tmp))
        print(f"Synthesized {audio.stat().st_size / 2**20:.1f} MB of MP3 in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
        rows = []
        for compute in args.compute.split(","):
            done = subprocess.run([sys.executable, __file__, "--one", str(audio), compute, "--threads",
                                   str(args.threads)], capture_output=True, text=True, check=True)
            rows.append(json.loads(done.stdout.splitlines()[-1]))
    print(f"\n{rows[0]['audio_s'] / 60:.1f} minutes of synthesized speech, Whisper tiny.en, "
          f"{args.threads} threads, VAD on, word timestamps on\n")
    print("| compute | load s | transcribe s | real-time factor | x real time | peak memory MB | sentences | WER |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['compute_type']} | {r['load_s']:.1f} | {r['seconds']:.1f} | {r['rtf']:.3f} | "
              f"{1 / r['rtf']:.1f} | {r['peak_mb']:.0f} | {r['sentences']} | "
              f"{word_error_rate(spoken, r['words']):.3f} |")


if __name__ == "__main__":
    main()
