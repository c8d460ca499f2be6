"""Benchmarks: one command (`python benchmarks/run.py`) that prints ratios against a baseline run beside them."""
