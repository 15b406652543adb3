"""Indexing throughput on a long transcript: parse, chunk and embed a synthetic 3-hour WebVTT.

The 3-hour file is the real 14-minute YouTube auto-caption fixture repeated with shifted times, so it
keeps real caption structure (rolling, overlapping cues). Prints sentences/s for each stage and peak RSS.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"


def shifted(text: str, offset: float) -> str:
    from rag.timecode import format_time, parse_time

    def move(m: re.Match) -> str:
        ms = int(round((parse_time(m.group(0)) + offset) * 1000))
        return f"{format_time(ms // 1000)}.{ms % 1000:03d}"

    return re.sub(r"\d\d:\d\d:\d\d\.\d\d\d", move, text)


def make_long_vtt(hours: float, folder: Path) -> Path:
    from rag.timecode import parse_time

    body = FIXTURE.read_text().split("\n", 2)[2]
    length = parse_time(re.findall(r"--> (\S+)", body)[-1]) + 1
    parts, offset = [], 0.0
    while offset < hours * 3600:
        parts.append(shifted(body, offset))
        offset += length
    path = folder / "long.vtt"
    path.write_text("WEBVTT\n\n" + "\n".join(parts))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=3.0)
    args = ap.parse_args()

    from rag.corpus import build_index
    from rag.embedder import SentenceTransformerEmbedder
    from rag.formats import load_transcript
    from rag.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        path = make_long_vtt(args.hours, Path(tmp))
        size_mib = path.stat().st_size / 2**20
        t = time.perf_counter()
        transcript = load_transcript(path)
        parse_s = time.perf_counter() - t
        n = len(transcript.segments)
        embedder = SentenceTransformerEmbedder().load()
        settings = Settings(paths=(str(path),), cache_dir=Path(tmp) / "cache")
        t = time.perf_counter()
        index = build_index(settings, embedder)
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        build_index(settings, embedder)
        reload_s = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nIndexing benchmark — {args.hours:g} h of YouTube captions, {size_mib:.1f} MiB, "
          f"{n} sentences, {len(index.chunks)} chunks\n")
    print("| stage | seconds | sentences/s |\n|---|---|---|")
    print(f"| parse | {parse_s:.2f} | {n / parse_s:.0f} |")
    print(f"| parse + chunk + embed + save (fresh) | {build_s:.1f} | {n / build_s:.0f} |")
    print(f"| load from cache | {reload_s:.2f} | {n / reload_s:.0f} |")
    print(f"\npeak RSS {rss:.0f} MiB; cached reload is {build_s / reload_s:.0f}x faster than a fresh build")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
