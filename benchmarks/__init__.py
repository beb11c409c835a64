"""Benchmarks: measured runs, not timed tests."""
