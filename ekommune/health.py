"""Health checks for /healthz: database, broker and a recent worker heartbeat."""

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


def worker_heartbeat_age(now: datetime) -> float | None:
    """Seconds since a worker last ran the heartbeat task, or None if none ever did."""
    try:
        raw = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:  # noqa: BLE001 - the cache being down is reported as "no heartbeat"
        return None
    if not raw:
        return None
    return (now - datetime.fromisoformat(raw)).total_seconds()


def health_report() -> tuple[bool, dict[str, object]]:
    """Return (healthy, report). Only the database is fatal: without it nothing works."""
    now = timezone.now()
    age = worker_heartbeat_age(now)
    report: dict[str, object] = {
        "database": "ok" if database_ok() else "unavailable",
        "broker": "ok" if broker_ok() else "unavailable",
        "worker": "ok" if age is not None and age <= settings.WORKER_HEARTBEAT_MAX_AGE else "stale",
        "worker_heartbeat_age_seconds": None if age is None else round(age, 1),
    }
    return report["database"] == "ok", report
