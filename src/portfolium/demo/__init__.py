"""A deterministic demo organisation for `portfolium demo`, the tests and the benchmarks.

A plain package, not a Django app: it only writes through the models of the real apps.
"""
