"""Offline evaluation of answer quality: a gold set, deterministic metrics, reports with plots."""
