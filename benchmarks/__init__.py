"""Benchmarks that measure the cleaners against hand-checked pages (not shipped behaviour)."""
