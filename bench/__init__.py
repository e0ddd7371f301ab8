"""Benchmarks: each module runs on its own (``python -m bench.<name>``) and
``python -m bench`` runs them all into ``bench/results/latest.json``."""
