"""The embedding index: FAISS inner-product search over normalised chunk vectors, persisted safely."""

from index.store import FORMAT_VERSION, Manifest, VectorIndex, load_index, save_index

__all__ = ["FORMAT_VERSION", "Manifest", "VectorIndex", "load_index", "save_index"]
