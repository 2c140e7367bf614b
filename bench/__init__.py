"""Benchmarks at county scale (`python -m bench`): separate from the tests, printed as a table."""
