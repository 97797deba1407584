"""Settings of a long-running web worker process that Django has no place for."""

import gc
import os

# (young, middle, old): CPython's default is (700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 100)


def tune_garbage_collector() -> None:
    """Collect less often, and never scan again what the process loaded at start.

    A 100-question section page allocates a few hundred thousand objects. With CPython's
    default thresholds that is hundreds of young collections per page and, now and then, a
    full scan of all the process holds (Django, the cached questionnaires): 2-4 ms of the
    page's median and over 100 ms at its 95th percentile (benchmarks/RESULTS.md). Cyclic
    garbage is still collected, just in larger batches. GC_TUNING=0 keeps the defaults.
    """
    if os.environ.get("GC_TUNING", "1") == "0":
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
