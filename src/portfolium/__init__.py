"""Portfolium: open-source project portfolio management."""

__version__ = "0.1.0"
