"""What each answer check buys: a saved run replayed with every check on, then without each one, in one table.

`transcript-rag eval --manifest M --replay DIR --ablation-table docs/ablation.md --half check` replays the
recorded replies of DIR (`rag.eval.rerun`) once per configuration, each into its own folder under `--out`,
and writes a Markdown table: a row per configuration, per source its headline figures (as `rag.eval.tables`
prints them), and the model calls the recording did not have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from rag.errors import EvalError
from rag.eval.suite import ManifestRun, run_manifest
from rag.eval.tables import POINT_COLUMNS, SPAN_COLUMNS, cell, figures, kind_of
from rag.settings import Settings

# the figures a row shows per source, by kind of gold (headers and decimals as the summary tables have them)
SHOWN = {"point": ("facts_right", "citation_accuracy", "false_abstention_rate", "refusal_recall"),
         "span": ("cite_in_window", "cite_precision", "rouge1_recall", "false_abstention", "refusals")}
COLUMNS = {key: (header, decimals) for key, header, decimals in POINT_COLUMNS + SPAN_COLUMNS}
BASELINE = "all checks"


def check_names() -> list[str]:
    """Every answer check that can be switched off: the registered rules, then "support" and "floor"."""
    from rag.checks import CORE, REGISTRY

    return [*REGISTRY, *CORE]


def configurations(checks: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The baseline, then one configuration per check switched off alone.

    >>> configurations(["numbers", "floor"])
    [('all checks', ()), ('without numbers', ('numbers',)), ('without floor', ('floor',))]
    """
    return [(BASELINE, ())] + [(f"without {name}", (name,)) for name in checks]


def folder_name(label: str) -> str:
    """A configuration's folder under the ablation's `--out`.

    >>> folder_name("without numbers"), folder_name("all checks")
    ('without-numbers', 'all-checks')
    """
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def render(runs: dict[str, ManifestRun], half: str | None, replay: str | Path) -> str:
    """The Markdown table of replayed runs: a row per configuration, the columns of each source, live calls."""
    first = next(iter(runs.values()))
    kinds = {name: kind_of(rows) for name, rows in first.rows.items()}
    keys = [(name, key) for name, kind in kinds.items() for key in SHOWN[kind]]
    head = ["configuration"] + [f"{name} {COLUMNS[key][0]}" for name, key in keys] + ["live q", "live calls"]
    model = first.meta["model"].removesuffix(" (replayed)")
    lines = [f"### Answer checks ablation: {half or 'all'} half, replayed from {replay} ({model})", "",
             "| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for label, run in runs.items():
        shown = {name: figures(rows) for name, rows in run.rows.items()}
        cells = [cell(shown[name].get(key), COLUMNS[key][1]) for name, key in keys]
        live = [sum(s[k] for s in run.live.values()) for k in ("questions", "calls")]
        lines.append(f"| {label} | " + " | ".join(cells + [str(n) for n in live]) + " |")
    lines += ["", "Each row replays the recorded model replies with that check switched off; live calls are the "
                  "model calls the recording did not have (asked of the model, or failing under --replay-strict)."]
    return "\n".join(lines)


def ablation_table(manifest: str | Path, settings: Settings, replay: str | Path, out_dir: str | Path,
                   checks: Sequence[str] | None = None, half: str | None = None, only: Sequence[str] = (),
                   limit: int | None = None, strict: bool = False, llm=None, embedder=None,
                   progress: bool = False) -> str:
    """Replay a saved manifest run with every check on, then without each check, and tabulate the figures.

    Args:
        manifest: the manifest the saved run answered.
        settings: the answer settings (their own `checks_off` is replaced per configuration).
        replay: the saved run's folder (`<source>.jsonl` rows with recorded replies).
        out_dir: each configuration's rows and summary go to `<out_dir>/<configuration>/`.
        checks: the checks to switch off one at a time (default: all, `check_names()`).
        half, only, limit: which questions, as `run_manifest` takes them.
        strict: fail at a call the recording lacks instead of asking the model.
        llm, embedder: the model for such calls (built once, on first need) and the embedder, shared by
            every configuration.
        progress: show progress bars.

    Returns:
        The Markdown table.

    Raises:
        EvalError: for an unknown check name, or as `run_manifest` does.
    """
    known = check_names()
    checks = list(checks) if checks else known
    if unknown := [c for c in checks if c not in known]:
        raise EvalError(f"no check named {', '.join(unknown)}; the checks are {', '.join(known)}")
    if llm is None and not strict:
        from rag.engines import make_generator
        from rag.eval.replay import LazyModel

        llm = LazyModel(lambda: make_generator(settings))  # one model for every configuration, if any needs it
    if embedder is None:
        from rag.embedder import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder(settings.embed_model)
    runs = {label: run_manifest(manifest, settings.with_(checks_off=()), Path(out_dir) / folder_name(label), only,
                                half, limit, off, llm, embedder, progress, replay, strict)
            for label, off in configurations(checks)}
    return render(runs, half, replay)
