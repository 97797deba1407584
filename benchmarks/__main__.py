"""`make bench`: generate synthetic data sets and measure (see benchmarks/RESULTS.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench
    make bench BENCH_ARGS="--only export --sizes 10000"
    python -m benchmarks generate --sizes 450 10000 100000
    python -m benchmarks list

Needs PostgreSQL (the targets are PostgreSQL's; COPY and gunicorn are part of the
measurements). Data sets are generated on first use and kept in that database for the next
run (`--regenerate` makes them again). Every run prints its tables and writes them, with the
machine, database and versions, to benchmarks/results/<UTC time>.md and .json.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

# Benchmarks run like production (DEBUG off) but on plain HTTP on loopback.
BENCH_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "ekommune.settings",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "PLAIN_STATIC_STORAGE": "1",
    "LOG_LEVEL": "WARNING",
}


def setup_django() -> None:
    for name, value in BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "make bench needs PostgreSQL, e.g.\n"
            "  createdb -h 127.0.0.1 -U postgres bench\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench"
        )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from ekommune.runtime import tune_garbage_collector

    # As ekommune/wsgi.py does in every web worker: the in-process page timings then see
    # the collector a production worker has.
    tune_garbage_collector()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)


def main(argv: list[str] | None = None) -> None:
    from benchmarks import suites

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "generate", "list"],
        help="default: run",
    )
    parser.add_argument(
        "--only",
        help="comma-separated benchmarks to run (see `list`); default: all",
        default=",".join(suites.SUITES),
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        help="organisations per data set, replacing each benchmark's default sizes",
    )
    parser.add_argument("--seed", type=int, default=None, help="generator seed (default 2011)")
    parser.add_argument("--regenerate", action="store_true", help="generate data sets again")
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions and shorter load tests"
    )
    args = parser.parse_args(argv)

    if args.command == "list":
        for name, suite in suites.SUITES.items():
            print(f"{name:<14} sizes {suite.default_sizes or '-'}  {suite.description}")
        return
    setup_django()
    from benchmarks import generator, report

    seed = args.seed if args.seed is not None else generator.DEFAULT_SEED
    if args.command == "generate":
        for size in args.sizes or [450, 10_000, 100_000]:
            generator.ensure_dataset(size, seed=seed, regenerate=args.regenerate)
        return

    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in names if name not in suites.SUITES]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; see `python -m benchmarks list`")
    options = suites.Options(seed=seed, regenerate=args.regenerate, quick=args.quick)
    env = report.environment()
    print("\n".join(f"{name}: {value}" for name, value in env.items()), end="\n\n")
    tables = []
    for name in names:
        suite = suites.SUITES[name]
        sizes = args.sizes or suite.default_sizes
        for table in suite.run(sizes, options):
            print(table.text(), flush=True)
            tables.append(table)
    command = "python -m benchmarks " + shlex.join(argv if argv is not None else sys.argv[1:])
    path = report.write_results(env, tables, command=command)
    print(f"Written to {path.relative_to(path.parent.parent.parent)}")
    missed = [t.line() for table in tables for t in table.targets if not t.met]
    if missed:
        print("Targets missed:\n  " + "\n  ".join(missed))


if __name__ == "__main__":
    main()
