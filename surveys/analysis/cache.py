"""A wave's results, counted once per data version and kept in the shared cache.

The data version changes whenever the results can: a submit adds a submitted answer set, a
reopen removes one, and every save moves its answer set's `updated_at` (the answering
services touch the set with each write), so the number of submitted sets with the latest
`updated_at` among them, plus the questionnaire's `definition_token`, name the data the
results were counted from. Reading the version is one indexed aggregate; the report, the
results pages, the chart downloads, the prize ranking and the report PDF then reuse one
object instead of counting again. Labels are translated, so the language is part of the key.
Changes to the register (a county renamed) are picked up when the entry expires
(RESULTS_CACHE_SECONDS).
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import translation

from surveys.models import AnswerSet, Wave

T = TypeVar("T")


def data_version(wave: Wave) -> str:
    """A short name for the state of the wave's submitted answers (one query)."""
    figures = AnswerSet.objects.filter(wave=wave, status=AnswerSet.Status.SUBMITTED).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    last = figures["last"].timestamp() if figures["last"] else 0
    return f"{wave.definition_token}-{figures['n']}-{last:.6f}"


def cache_key(wave: Wave, name: str, version: str) -> str:
    return f"analysis:{name}:{wave.pk}:{version}:{translation.get_language() or ''}"


def for_version(wave: Wave, name: str, compute: Callable[[], T], *, version: str = "") -> T:
    """`compute()`'s value for the wave's current data version, from the cache when it is
    there (one query for the version, none for the value)."""
    key = cache_key(wave, name, version or data_version(wave))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.RESULTS_CACHE_SECONDS)
    return value
