"""Project-wide tasks: the worker heartbeat that /healthz reads, and a ping for round trips."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "ekommune:worker-heartbeat"


@shared_task(name="ekommune.heartbeat")
def heartbeat() -> str:
    """Record that a worker is consuming the queue; safe to run any number of times."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now


@shared_task(name="ekommune.ping", ignore_result=False)
def ping(payload: str) -> str:
    """Echo the payload back through the result backend (used by tests and health checks)."""
    heartbeat()
    return f"pong:{payload}"
