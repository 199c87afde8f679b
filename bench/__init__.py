"""Benchmarks: speed figures measured in one run on this machine (`make bench`)."""
