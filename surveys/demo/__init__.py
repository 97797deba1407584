"""Demo data: the bundled questionnaires loaded as waves, simulated answers, and a wave in
progress that moves on by itself. Used by `make run` and the benchmarks; nothing in production
code imports it (an import-linter contract checks that).
"""
