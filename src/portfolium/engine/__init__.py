"""Portfolium's computation engine: pure Python and NumPy, no Django, no database.

Frozen dataclasses in, frozen dataclasses out; integer working-time units inside algorithms and dates only at
the edges; ``seed=`` on everything random. An import-linter contract (pyproject.toml) keeps Django out.
The scheduling, leveling, capacity, Monte Carlo, EVM and selection modules arrive with their issues.
"""
