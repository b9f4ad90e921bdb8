"""The event broker's consumer: reads Rasa's events from RabbitMQ and keeps what the
analytics need. A message is acknowledged only after it is written, so a consumer that
dies loses nothing (RabbitMQ delivers it again; the unique key absorbs the repeat), and
aio-pika's robust connection reconnects by itself when RabbitMQ restarts."""

from __future__ import annotations

import asyncio
import json
import logging

import aio_pika
from sqlalchemy.exc import SQLAlchemyError

from bot import store
from bot.analytics.events import observe

log = logging.getLogger(__name__)


async def _keep(message: aio_pika.abc.AbstractIncomingMessage) -> None:
    try:
        event = json.loads(message.body)
    except ValueError:
        log.warning("not JSON, dropped: %r", message.body[:200])
        await message.ack()
        return
    observed = observe(event) if isinstance(event, dict) else None
    if observed is not None:
        try:
            await asyncio.to_thread(store.record_conversation_event, observed)
        except SQLAlchemyError:
            # The database is away: give the event back and try again shortly.
            log.warning("database unavailable; event returned to the queue")
            await asyncio.sleep(1)
            await message.nack(requeue=True)
            return
    await message.ack()


async def consume(url: str, queue_name: str, stop: asyncio.Event | None = None) -> None:
    """Keep what the events say until `stop` is set (forever by default)."""
    connection = await aio_pika.connect_robust(url)
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=50)
        # Declared as Rasa's pika broker declares it, so either may start first.
        queue = await channel.declare_queue(queue_name, durable=True)
        await queue.consume(_keep)
        await (stop or asyncio.Event()).wait()


def run(url: str, queue_name: str) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(consume(url, queue_name))
