"""Health checks for /healthz: database, cache, broker and a recent worker heartbeat.

The status is "ok" only when every component is; "degraded" when the database works but another
component does not (pages, saving and submitting keep working; mail waits as rows until the
broker and a worker are back); "error" when the database is down, since nothing works without
it. A load balancer gets 200 for "ok" and "degraded" (taking every web server out of rotation
because the shared Redis is down would only turn a degraded service into none) and 503 for
"error".
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from .celery import app as celery_app
from .tasks import HEARTBEAT_CACHE_KEY


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure to connect means "down"
        return False


def cache_ok() -> bool:
    try:
        if hasattr(cache, "ping"):  # Redis (ekommune.cache): ask it, past its outage guard
            return cache.ping()
        probe, value = "ekommune:health-probe", uuid.uuid4().hex
        cache.set(probe, value, 30)
        return cache.get(probe) == value
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


def worker_heartbeat_age(now: datetime) -> float | None:
    """Seconds since a worker last ran the heartbeat task, or None if none ever did."""
    try:
        raw = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:  # noqa: BLE001 - the cache being down is reported as "no heartbeat"
        return None
    if not raw:
        return None
    return (now - datetime.fromisoformat(raw)).total_seconds()


def health_report() -> tuple[str, dict[str, object]]:
    """Return (status, report): "ok", "degraded" or "error" (see the module docstring)."""
    now = timezone.now()
    age = worker_heartbeat_age(now)
    report: dict[str, object] = {
        "database": "ok" if database_ok() else "unavailable",
        "cache": "ok" if cache_ok() else "unavailable",
        "broker": "ok" if broker_ok() else "unavailable",
        "worker": "ok" if age is not None and age <= settings.WORKER_HEARTBEAT_MAX_AGE else "stale",
        "worker_heartbeat_age_seconds": None if age is None else round(age, 1),
    }
    components = [report[name] for name in ("database", "cache", "broker", "worker")]
    if report["database"] != "ok":
        status = "error"
    elif any(state != "ok" for state in components):
        status = "degraded"
    else:
        status = "ok"
    return status, report
