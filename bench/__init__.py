"""Benchmarks and the synthetic report generator (``python -m bench --help``)."""
