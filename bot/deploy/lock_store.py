"""Rasa's Redis lock store, riding out a Redis restart and a replica that died holding a lock.

- Rasa's RedisLockStore gives up at the first connection error, so a Redis restart during
  a load would fail every message in flight. Here the Redis client retries with a short
  backoff for about REDIS_RETRY_SECONDS (default 15).
- When a replica dies while handling a conversation, its ticket stays in the lock until it
  expires (TICKET_LOCK_LIFETIME). The next message's ticket, issued just after with the same
  lifetime, expires at the same moment; Rasa then finds its own ticket gone and waits for
  it forever (until the channel times out). Here a waiter whose ticket expired while
  everything before it expired too takes its turn with a fresh ticket.
Same keys, same ticket format: replicas with Rasa's own store can run beside these.
"""

from __future__ import annotations

import asyncio
import os
import time

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
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

    async def _acquire_lock(self, conversation_id: str, ticket: int,
                            wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            lock.remove_expired_tickets()
            if all(other.number > ticket for other in lock.tickets):
                # Ours expired while we waited, and so did everything before it (a holder
                # that died): our turn, with a fresh lifetime.
                lock.tickets.insert(0, Ticket(ticket, time.time() + LOCK_LIFETIME))
                self.save_lock(lock)
                continue
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)
