"""A non-editable install works: the wheel holds every module and the seeds, and finds them installed."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rag.settings import seed_dir, seed_paths
from tests.conftest import ROOT

SEED_FILES = ("cto-ai-era.txt", "cto-ai-era.txt.meta.json", "qa.jsonl", "qa-captions.jsonl")


def test_seed_dir_in_a_checkout_is_the_seeds_folder():
    assert seed_dir() == ROOT / "seeds"
    assert seed_paths() == (str(ROOT / "seeds" / "cto-ai-era.txt"),)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the source tree (the build writes `build/` next to its sources)."""
    if importlib.util.find_spec("pip") is None or importlib.util.find_spec("setuptools") is None:
        pytest.skip("building a wheel offline needs pip and setuptools in this environment")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("rag", "index", "ui", "seeds"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    str(src), "-w", str(out)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("transcript_rag-*.whl")
    return built


def test_the_wheel_holds_every_module_and_the_seeds(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for top in ("rag", "index", "ui") for p in (ROOT / top).rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules and modules <= names, sorted(modules - names)
    assert {f"rag/seeds/{name}" for name in SEED_FILES} <= names
    assert not any(n.startswith(("seeds/", "tests/", "benchmarks/")) for n in names)


def test_an_installed_copy_finds_its_seeds(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = "import rag.settings as s; print(s.__file__); print(s.seed_dir()); print(*s.seed_paths(), sep='\\n')"
    env = {**os.environ, "PYTHONPATH": str(site)}  # before the checkout's editable install on sys.path
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    module, folder, *paths = result.stdout.splitlines()
    assert Path(module) == site / "rag" / "settings.py"
    assert Path(folder) == site / "rag" / "seeds"
    assert paths == [str(site / "rag" / "seeds" / "cto-ai-era.txt")]
