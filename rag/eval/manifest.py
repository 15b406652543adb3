"""The evaluation manifest: which gold sets `transcript-rag eval --manifest` runs, each over its own transcripts.

A JSON file (`evalsets/manifest.json`):
`{"sources": [{"name": "interview", "qa": "seeds/qa.jsonl", "source": "seeds/cto-ai-era.txt"},
{"name": "qmsum", "qa": "evalsets/qmsum-dev.jsonl", "root": "../shared/devsets/qmsum-dev"}]}`.
A source with "source" is point gold (`rag.eval.gold`: gold moments and key facts) asked of that one
transcript; one with "root" is span gold (`rag.eval.spans`: gold windows), each question asked of its own
transcript in that folder. Relative paths are read from the manifest folder's parent (the project root).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.errors import EvalError

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # it names the rows file, reports/eval/<name>.jsonl
KEYS = {"name", "qa", "source", "root"}


@dataclass(frozen=True)
class EvalSource:
    """One gold set of the manifest and the transcripts it is asked of."""

    name: str
    qa: Path
    source: Path | None = None  # point gold: the transcript
    root: Path | None = None  # span gold: the folder its questions' transcripts are in

    @property
    def kind(self) -> str:
        """Which gold: "point" (gold moments and facts) or "span" (gold windows and a written answer)."""
        return "span" if self.root is not None else "point"


def resolve(path: str, base: Path) -> Path:
    """An absolute path, or one relative to `base` (normalised, symbolic links kept).

    >>> str(resolve("../shared/qa.jsonl", Path("/p/main"))), str(resolve("/abs/qa.jsonl", Path("/p")))
    ('/p/shared/qa.jsonl', '/abs/qa.jsonl')
    """
    p = Path(path).expanduser()
    return Path(os.path.normpath(p if p.is_absolute() else base / p))


def _entry(entry, where: str, base: Path) -> EvalSource:
    """One validated manifest entry (its files are checked by `check_files`)."""
    if not isinstance(entry, dict):
        raise EvalError(f"{where}: expected an object with 'name', 'qa' and 'source' or 'root'")
    if set(entry) - KEYS:
        raise EvalError(f"{where}: unknown field(s) {sorted(set(entry) - KEYS)}; known: {sorted(KEYS)}")
    for key in ("name", "qa"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise EvalError(f"{where}: field {key!r} must be a non-empty string")
    if not NAME.fullmatch(entry["name"]):
        raise EvalError(f"{where}: name {entry['name']!r} must be letters, digits, '.', '_' or '-' (it names a file)")
    if ("source" in entry) == ("root" in entry):
        raise EvalError(f"{where} ({entry['name']}): give either 'source' (one transcript, point gold) "
                        "or 'root' (the folder of a span-gold set's transcripts), not both or neither")
    place = entry.get("source", entry.get("root"))
    if not isinstance(place, str) or not place.strip():
        raise EvalError(f"{where} ({entry['name']}): 'source' or 'root' must be a non-empty path")
    paths = {k: resolve(entry[k], base) for k in ("qa", "source", "root") if k in entry}
    return EvalSource(entry["name"], paths["qa"], paths.get("source"), paths.get("root"))


def check_files(source: EvalSource, manifest: Path) -> None:
    """Raise EvalError naming the first of a source's files or folders that is missing, and what to do."""
    if not source.qa.is_file():
        raise EvalError(f"{source.name}: gold file {source.qa} not found; fix 'qa' in {manifest} "
                        "(relative paths start at the project root)")
    if source.source is not None and not source.source.is_file():
        raise EvalError(f"{source.name}: transcript {source.source} not found; fix 'source' in {manifest}")
    if source.root is not None and not source.root.is_dir():
        raise EvalError(f"{source.name}: folder {source.root} not found. A shared devset lives beside the project "
                        f"(../shared/devsets/<name> from the project root): put it there, fix 'root' in {manifest}, "
                        f"or leave this source out with --only")


def load_manifest(path: str | Path, only: Sequence[str] = ()) -> list[EvalSource]:
    """Read a manifest and check the files of the sources it runs (those named in `only`, or all).

    Raises:
        EvalError: for a missing or malformed manifest, an unknown name in `only`, or a missing file.
    """
    p = Path(path)
    if not p.is_file():
        raise EvalError(f"{path}: no such manifest (the project's is evalsets/manifest.json)")
    try:
        data = json.loads(p.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise EvalError(f'{path}: expected {{"sources": [...]}} with at least one source')
    base = p.resolve().parent.parent
    sources = [_entry(e, f"{path}: sources[{i}]", base) for i, e in enumerate(data["sources"])]
    names = [s.name for s in sources]
    if len(set(names)) < len(names):
        raise EvalError(f"{path}: two sources share the name {next(n for n in names if names.count(n) > 1)!r}")
    unknown = [n for n in only if n not in names]
    if unknown:
        raise EvalError(f"--only {' '.join(unknown)}: not in {path} (its sources: {', '.join(names)})")
    chosen = [s for s in sources if not only or s.name in only]
    for s in chosen:
        check_files(s, p)
    return chosen
