"""Developer tooling kept out of the shipped wheel: the corpus generator and the benchmarks.

Run from the project root: ``python -m bench.check`` (``nox -s bench``), ``python -m
bench.examples``, ``python -m bench.corpus OUT --files N --seed S``.
"""
