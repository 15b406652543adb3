"""FAISS search at scale: exact IndexFlatIP against HNSW and IVF on synthetic 384-dim unit vectors.

What is measured, for each corpus size and each (index, search parameter):
- build time (s): constructing, training and adding all vectors, with 2 OpenMP threads;
- memory (bytes): the index's own arrays (vectors, graph links, list ids, centroids); this matches
  `len(faiss.serialize_index(index))` to within 0.1% without making another copy of the index;
- search p50 / p95 (ms): one query per `search` call, as `index/store.py` does, k = 10, on 1 thread
  by default (`--search-threads`): for a single query only the flat scan (and IVF's centroid scan)
  is split across threads, and on a busy shared machine that split waits on a descheduled thread
  (~20 ms a query), which measures the machine rather than the index;
- recall@10: overlap of each configuration's top 10 with IndexFlatIP's top 10 (the reference).

The corpus imitates sentence embeddings rather than uniform noise (which misleads ANN benchmarks):
2,000 cluster centres of skewed popularity grouped under 64 topics, each point its centre plus noise
mostly inside a 16-dimensional subspace of its cluster (text embeddings have low intrinsic dimension)
and a little in every direction, normalised. Cosine similarity then falls off as with text: ~0.05
for unrelated points, ~0.3 within a topic, ~0.55 within a cluster, ~0.83 to the nearest neighbour.
Queries are held-out perturbations of corpus points (a question lies near its passage). Smaller
sizes are prefixes of the largest corpus, which is generated once in random order.

Run: `.venv/bin/python benchmarks/retrieval_scale.py [--quick] [--sizes 10000,100000] [--out res.json]`
(the full default, up to 1M vectors, peaks at ~3.6 GB of RAM and took 4.5 minutes on 2 shared cores).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

DIM = 384
K = 10
RECALL_TARGET = 0.99
HNSW_M = 32
HNSW_EF_SEARCH = (64, 128)
IVF_NPROBE = (8, 16, 32)
IVF_TRAIN_MAX = 100_000
HNSW_REF_SIZE = 100_000
SUBSPACE_NOISE = 0.85  # norm of a point's offset from its centre, before normalising
ISOTROPIC_NOISE = 0.25
QUERY_NOISE = 0.8  # a question is near its passage, not on it


@dataclass(frozen=True)
class ClusterModel:
    """Where synthetic points come from: unit centres, a small noise basis and a spread per cluster."""

    centres: np.ndarray  # (clusters, dim), unit rows
    bases: np.ndarray  # (clusters, rank, dim): directions a cluster varies along
    spread: np.ndarray  # (clusters,): noise scale per cluster
    weights: np.ndarray  # (clusters,): probability of a point falling in each cluster


@dataclass(frozen=True)
class Config:
    """How the benchmark runs, built once from the command line."""

    queries: int = 200
    ef_construction: int = 40  # faiss's default
    hnsw_budget_s: float = 300.0
    build_threads: int = 2
    search_threads: int = 1


@dataclass(frozen=True)
class Row:
    """One measured configuration."""

    size: int
    index: str
    param: str
    build_s: float
    memory_bytes: int
    p50_ms: float
    p95_ms: float
    recall_at_10: float


def make_model(rng: np.random.Generator, clusters: int = 2000, topics: int = 64, rank: int = 16) -> ClusterModel:
    """Cluster centres grouped under broader topics, with skewed popularity.

    Centres share a common direction (embeddings are anisotropic: unrelated texts score ~0.05) and a
    topic direction (related passages score ~0.3), so similarity falls off gradually, as with text.
    """
    unit = rng.standard_normal((1 + topics, DIM), dtype=np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    topic_of = rng.integers(topics, size=clusters)
    centres = rng.standard_normal((clusters, DIM), dtype=np.float32) / math.sqrt(DIM)
    centres += 0.5 * unit[0] + 1.4 * unit[1 + topic_of]
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    # Noise along `rank` directions with decaying variance, so a cluster has low intrinsic dimension.
    bases = rng.standard_normal((clusters, rank, DIM), dtype=np.float32) / math.sqrt(DIM)
    decay = 1.0 / np.arange(1, rank + 1, dtype=np.float32)
    bases *= np.sqrt(decay / decay.sum())[None, :, None]  # total variance 1 across the subspace
    spread = np.exp(rng.normal(0.0, 0.25, clusters)).astype(np.float32)
    weights = np.exp(rng.normal(0.0, 1.0, clusters))
    return ClusterModel(centres, bases, spread, weights / weights.sum())


def noise(model: ClusterModel, labels: np.ndarray, rng: np.random.Generator, scale: float) -> np.ndarray:
    """Per-point noise: mostly within the cluster's subspace, a little in every direction."""
    rank = model.bases.shape[1]
    z = rng.standard_normal((len(labels), rank), dtype=np.float32) * SUBSPACE_NOISE
    out = np.einsum("nr,nrd->nd", z, model.bases[labels])
    out += rng.standard_normal(out.shape, dtype=np.float32) * (ISOTROPIC_NOISE / math.sqrt(DIM))
    out *= (scale * model.spread[labels])[:, None]
    return out


def normalise(x: np.ndarray) -> np.ndarray:
    """Scale rows to unit length in place and return x."""
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def make_corpus(model: ClusterModel, n: int, rng: np.random.Generator,
                block: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """n unit vectors and their cluster labels, in random order, filled block by block into one array."""
    labels = rng.choice(len(model.weights), size=n, p=model.weights).astype(np.int32)
    xb = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, block):
        part = labels[start:start + block]
        xb[start:start + block] = normalise(model.centres[part] + noise(model, part, rng, 1.0))
    return xb, labels


def make_queries(model: ClusterModel, xb: np.ndarray, labels: np.ndarray, n: int, count: int,
                 rng: np.random.Generator) -> np.ndarray:
    """`count` unit queries, each a perturbation of a random point among the first n (its passage)."""
    source = rng.choice(n, size=count, replace=False)
    return normalise(xb[source] + noise(model, labels[source], rng, QUERY_NOISE))


def build_flat(xb: np.ndarray):
    import faiss

    index = faiss.IndexFlatIP(DIM)
    index.add(xb)
    return index


def build_hnsw(xb: np.ndarray, ef_construction: int):
    import faiss

    index = faiss.IndexHNSWFlat(DIM, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.add(xb)
    return index


def build_ivf(xb: np.ndarray):
    import faiss

    nlist = ivf_nlist(len(xb))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    index.train(xb[:IVF_TRAIN_MAX])  # corpus order is random, so a prefix is a fair sample
    index.add(xb)
    return index


def ivf_nlist(n: int) -> int:
    """About 4·sqrt(n) lists, e.g. 400 for 10k, 4,000 for 1M."""
    return max(1, round(4 * math.sqrt(n)))


def index_bytes(index) -> int:
    """Bytes held by the index's main arrays, without serialising (which would copy 1.5 GB at 1M)."""
    import faiss

    index = faiss.downcast_index(index)
    if isinstance(index, faiss.IndexHNSW):
        graph = index.hnsw.neighbors.size() * 4 + index.hnsw.levels.size() * 4 + index.hnsw.offsets.size() * 8
        return index_bytes(index.storage) + graph
    if isinstance(index, faiss.IndexIVF):
        lists = index.invlists
        stored = sum(lists.list_size(i) for i in range(index.nlist))
        return stored * (index.code_size + 8) + index_bytes(index.quantizer)
    return index.ntotal * index.code_size


def search_one_by_one(index, xq: np.ndarray, warmup: int = 5) -> tuple[np.ndarray, list[float]]:
    """Top-K ids and per-query latency in ms, one query per call, after a few untimed calls."""
    for q in xq[:warmup]:
        index.search(q[None, :], K)
    ids = np.empty((len(xq), K), dtype=np.int64)
    times = []
    for i, q in enumerate(xq):
        t = time.perf_counter()
        _, found = index.search(q[None, :], K)
        times.append((time.perf_counter() - t) * 1000)
        ids[i] = found[0]
    return ids, times


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of the true top k found, e.g. [[1,2]] vs [[2,3]] -> 0.5."""
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def measure(name: str, param: str, index, build_s: float, xq: np.ndarray, truth: np.ndarray | None,
            config: Config) -> tuple[Row, np.ndarray]:
    """Search xq one query at a time and summarise; recall is 1 for the reference (truth None)."""
    import faiss

    faiss.omp_set_num_threads(config.search_threads)
    try:
        ids, times = search_one_by_one(index, xq)
    finally:
        faiss.omp_set_num_threads(config.build_threads)
    p50, p95 = np.percentile(times, [50, 95])
    recall = 1.0 if truth is None else recall_at_k(ids, truth)
    row = Row(index.ntotal, name, param, round(build_s, 3), index_bytes(index), round(float(p50), 4),
              round(float(p95), 4), round(recall, 4))
    return row, ids


def timed(build, xb: np.ndarray, *args):
    """The index `build(xb, *args)` returns and the seconds it took."""
    t = time.perf_counter()
    index = build(xb, *args)
    seconds = time.perf_counter() - t
    print(f"  {type(index).__name__} on {len(xb):,} built in {seconds:.1f} s", file=sys.stderr)
    return index, seconds


def hnsw_estimate_s(n: int, ref_n: int, ref_s: float) -> float:
    """HNSW insertion costs ~log n per vector, so time grows as n·log n."""
    return ref_s * (n / ref_n) * (math.log(n) / math.log(ref_n))


def bench_flat(xb: np.ndarray, xq: np.ndarray, config: Config) -> tuple[Row, np.ndarray]:
    """The exact reference row and its top-K ids (the ground truth for recall)."""
    index, build_s = timed(build_flat, xb)
    return measure("Flat", "exact", index, build_s, xq, None, config)


def bench_hnsw(xb: np.ndarray, xq: np.ndarray, truth: np.ndarray, config: Config) -> list[Row]:
    index, build_s = timed(build_hnsw, xb, config.ef_construction)
    rows = []
    for ef in HNSW_EF_SEARCH:
        index.hnsw.efSearch = ef
        param = f"efC={config.ef_construction}, efSearch={ef}"
        rows.append(measure(f"HNSW{HNSW_M}", param, index, build_s, xq, truth, config)[0])
    return rows


def bench_ivf(xb: np.ndarray, xq: np.ndarray, truth: np.ndarray, config: Config) -> list[Row]:
    index, build_s = timed(build_ivf, xb)
    rows = []
    for nprobe in IVF_NPROBE:
        index.nprobe = nprobe
        rows.append(measure(f"IVF{index.nlist},Flat", f"nprobe={nprobe}", index, build_s, xq, truth, config)[0])
    return rows


def hnsw_too_slow(xb: np.ndarray, ref: dict[str, float], config: Config) -> str | None:
    """Why HNSW is skipped at this size, or None to build it; `ref["s"]` caches the build time at 100k."""
    n = len(xb)
    if n <= HNSW_REF_SIZE:
        return None
    if "s" not in ref:  # no 100k size was run: time a 100k prefix to extrapolate from
        _, ref["s"] = timed(build_hnsw, xb[:HNSW_REF_SIZE], config.ef_construction)
    estimate = hnsw_estimate_s(n, HNSW_REF_SIZE, ref["s"])
    print(f"  HNSW build on {n:,} estimated at {estimate:.0f} s", file=sys.stderr)
    if estimate <= config.hnsw_budget_s:
        return None
    return (f"{n:,}: HNSW build skipped: estimated {estimate:.0f} s (from {ref['s']:.1f} s at {HNSW_REF_SIZE:,}, "
            f"scaled by n·log n) is over the {config.hnsw_budget_s:.0f} s budget")


def bench_size(xb: np.ndarray, xq: np.ndarray, hnsw_ref: dict[str, float],
               config: Config) -> tuple[list[Row], list[str]]:
    """All configurations at one corpus size, and notes on anything skipped."""
    flat, truth = bench_flat(xb, xq, config)
    rows, notes = [flat], []
    skipped = hnsw_too_slow(xb, hnsw_ref, config)
    if skipped:
        notes.append(skipped)
    else:
        rows += bench_hnsw(xb, xq, truth, config)
        if len(xb) == HNSW_REF_SIZE:
            hnsw_ref["s"] = rows[-1].build_s
    rows += bench_ivf(xb, xq, truth, config)
    return rows, notes


def markdown_table(rows: list[Row]) -> str:
    lines = ["| N | index | param | build (s) | memory (MiB) | p50 (ms) | p95 (ms) | recall@10 |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.size:,} | {r.index} | {r.param} | {r.build_s:.2f} | {r.memory_bytes / 2**20:.1f} "
                     f"| {r.p50_ms:.3f} | {r.p95_ms:.3f} | {r.recall_at_10:.3f} |")
    return "\n".join(lines)


def recommendation(rows: list[Row], size: int) -> str:
    """The fastest configuration (by p50) at this size whose recall@10 meets the target."""
    here = [r for r in rows if r.size == size]
    flat = next(r for r in here if r.index == "Flat")
    ok = [r for r in here if r.recall_at_10 >= RECALL_TARGET]
    best = min(ok, key=lambda r: r.p50_ms)
    return (f"N={size:,}: fastest with recall@10 ≥ {RECALL_TARGET}: {best.index} {best.param} "
            f"(p50 {best.p50_ms:.3f} ms, recall@10 {best.recall_at_10:.3f}); "
            f"speed-up over flat {flat.p50_ms / best.p50_ms:.1f}×")


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(s) for s in text.split(",") if s.strip()})
    except ValueError:
        raise SystemExit(f"--sizes must be comma-separated integers, got {text!r}") from None
    if not sizes or sizes[0] < K:
        raise SystemExit(f"--sizes must be at least {K} each, got {text!r}")
    return sizes


def parse_args() -> tuple[list[int], Config, Path | None, int]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated corpus sizes")
    ap.add_argument("--quick", action="store_true", help="sizes 10k and 100k only")
    ap.add_argument("--queries", type=int, default=Config.queries)
    ap.add_argument("--ef-construction", type=int, default=Config.ef_construction, help="HNSW build beam")
    ap.add_argument("--hnsw-budget", type=float, default=Config.hnsw_budget_s,
                    help="skip an HNSW build estimated to take longer than this (s)")
    ap.add_argument("--search-threads", type=int, default=Config.search_threads)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = ap.parse_args()
    sizes = [10_000, 100_000] if args.quick else parse_sizes(args.sizes)
    if not 0 < args.queries <= sizes[0]:
        raise SystemExit(f"--queries must be between 1 and the smallest size {sizes[0]}, got {args.queries}")
    config = Config(args.queries, args.ef_construction, args.hnsw_budget, search_threads=args.search_threads)
    return sizes, config, args.out, args.seed


def report(sizes: list[int], rows: list[Row], notes: list[str], config: Config, total_s: float) -> str:
    import faiss

    lines = [f"FAISS search at scale — dim {DIM}, k={K}, {config.queries} single queries, faiss {faiss.__version__}, "
             f"{config.build_threads} build / {config.search_threads} search thread(s)", "", markdown_table(rows), ""]
    lines += [recommendation(rows, n) for n in sizes] + notes + [f"total run time: {total_s:.0f} s"]
    return "\n".join(lines)


def main() -> int:
    sizes, config, out, seed = parse_args()
    import faiss

    faiss.omp_set_num_threads(config.build_threads)
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    model = make_model(rng)
    xb, labels = make_corpus(model, sizes[-1], rng)
    print(f"generated {sizes[-1]:,} × {DIM} vectors in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    rows, notes, hnsw_ref = [], [], {}
    for n in sizes:
        xq = make_queries(model, xb, labels, n, config.queries, rng)
        more, skipped = bench_size(xb[:n], xq, hnsw_ref, config)
        rows += more
        notes += skipped
        print(f"size {n:,} done at {time.perf_counter() - started:.0f} s", file=sys.stderr)
    total_s = time.perf_counter() - started
    print("\n" + report(sizes, rows, notes, config, total_s))
    if out:
        result = {"dim": DIM, "k": K, "seed": seed, "faiss": faiss.__version__, "sizes": sizes,
                  "config": asdict(config), "rows": [asdict(r) for r in rows], "notes": notes,
                  "total_s": round(total_s, 1)}
        out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
