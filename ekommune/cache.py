"""A Redis cache that treats Redis being down as a cache miss, never as an error.

The cache holds nothing that only lives there: sessions are written through to the database
(`cached_db`), rate-limit counters and the worker heartbeat may be lost. So when Redis stops,
every read is a miss, every write is skipped and the request goes on (sessions come from the
database); Redis is a speed-up, not a single point of failure.

Two details keep an outage cheap and correct:
- After a failure the cache is not tried again for `CACHE_RETRY_SECONDS`, so a Redis that hangs
  costs one socket timeout per process and interval, not one per call.
- A key written or deleted while Redis was unreachable may hold an older value in Redis (a
  session changed during the outage, a session ended by logging out). Such keys are remembered
  and deleted as soon as Redis answers again, before anything else is read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# Keys to delete once Redis is back, per process; bounded (sessions expire in Redis anyway).
MAX_PENDING_DELETES = 10_000


class _Outage:
    """Per-process state: until when Redis is considered down, and keys to clean up after."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.pending_deletes: set[str] = set()

    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, error: Exception) -> None:
        with self.lock:
            was_up = self.down_until == 0.0
            self.down_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
        if was_up:
            logger.warning("Cache (Redis) unavailable, working without it: %s", error)

    def remember(self, keys: Iterable[str]) -> None:
        with self.lock:
            for key in keys:
                if len(self.pending_deletes) >= MAX_PENDING_DELETES:
                    break
                self.pending_deletes.add(key)

    def recovered(self, client: RedisCacheClient) -> None:
        """Redis answered: delete the keys that may be stale, then carry on normally."""
        if self.down_until == 0.0:
            return
        keys = list(self.pending_deletes)
        redis = client.get_client(None, write=True)
        # Raises while Redis is still down: the keys stay remembered.
        redis.delete(*keys) if keys else redis.ping()
        with self.lock:
            self.pending_deletes.difference_update(keys)
            self.down_until = 0.0
        logger.warning("Cache (Redis) available again; %d possibly stale keys deleted", len(keys))


# One state per Redis location, shared by the threads of a process.
_outages: dict[tuple[str, ...], _Outage] = {}
_outages_lock = threading.Lock()


def outage_of(servers: list[str]) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(tuple(servers), _Outage())


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self.outage = outage_of(servers)

    def _guarded(self, call: Callable[[], Any], fallback: Any, written: Iterable[str] = ()) -> Any:
        errors = (self._lib.exceptions.ConnectionError, self._lib.exceptions.TimeoutError)
        outage = self.outage
        if outage.is_down():
            outage.remember(written)
            return fallback
        try:
            outage.recovered(self)
            return call()
        except errors as error:
            outage.failed(error)
            outage.remember(written)
            return fallback

    def add(self, key: str, value: Any, timeout: int | None) -> bool:
        return self._guarded(lambda: RedisCacheClient.add(self, key, value, timeout), False, [key])

    def get(self, key: str, default: Any) -> Any:
        return self._guarded(lambda: RedisCacheClient.get(self, key, default), default)

    def set(self, key: str, value: Any, timeout: int | None) -> None:
        self._guarded(lambda: RedisCacheClient.set(self, key, value, timeout), None, [key])

    def touch(self, key: str, timeout: int | None) -> bool:
        return self._guarded(lambda: RedisCacheClient.touch(self, key, timeout), False, [key])

    def delete(self, key: str) -> bool:
        return self._guarded(lambda: RedisCacheClient.delete(self, key), False, [key])

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        return self._guarded(lambda: RedisCacheClient.get_many(self, keys), {})

    def has_key(self, key: str) -> bool:
        return self._guarded(lambda: RedisCacheClient.has_key(self, key), False)

    def incr(self, key: str, delta: int) -> int:
        # A counter that cannot be read counts from zero: callers (rate limits) go on.
        return self._guarded(lambda: RedisCacheClient.incr(self, key, delta), delta, [key])

    def set_many(self, data: dict[str, Any], timeout: int | None) -> None:
        self._guarded(lambda: RedisCacheClient.set_many(self, data, timeout), None, list(data))

    def delete_many(self, keys: list[str]) -> None:
        self._guarded(lambda: RedisCacheClient.delete_many(self, keys), None, list(keys))

    def clear(self) -> bool:
        return self._guarded(lambda: RedisCacheClient.clear(self), False)

    def ping(self) -> bool:
        """Ask Redis itself (no guard): for the health check."""
        return bool(self.get_client(None).ping())


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, with Redis being unreachable handled as described above."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

    def ping(self) -> bool:
        return self._cache.ping()
