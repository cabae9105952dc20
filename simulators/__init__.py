"""Tools that stand in for the systems around ConPeRe (Apogée) in tests, the demo and benchmarks.

Never imported by ``app/``: ``run.py`` adds their commands to the CLI, tests and ``bench/`` import
them directly.
"""
