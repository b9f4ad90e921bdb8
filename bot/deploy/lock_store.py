"""Rasa's Redis lock store, riding out a Redis restart.

Rasa's RedisLockStore gives up at the first connection error, so a Redis restart during a
load would fail every message in flight. This is the same store (same keys, same tickets),
whose Redis client retries with a short backoff for about REDIS_RETRY_SECONDS (default 15).
"""

from __future__ import annotations

import os

import redis
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

BACKOFF_CAP = 0.5


class PatientRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)
        seconds = float(os.environ.get("REDIS_RETRY_SECONDS", "15"))
        # Connections are made lazily, so every one the pool opens gets these retries.
        self.red.connection_pool.connection_kwargs.update(
            # OSError too: a refused connection surfaces as ConnectionRefusedError before
            # redis-py wraps it, and it is exactly what a restart looks like.
            retry=Retry(ExponentialBackoff(cap=BACKOFF_CAP, base=0.05),
                        retries=max(1, int(seconds / BACKOFF_CAP)),
                        supported_errors=(redis.exceptions.ConnectionError,
                                          redis.exceptions.TimeoutError, OSError)),
            retry_on_error=[redis.exceptions.ConnectionError, redis.exceptions.TimeoutError],
        )
