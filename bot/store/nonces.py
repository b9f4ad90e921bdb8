"""The nonces of WeChat pushes, so a signed query seen once cannot carry another message.

WeChat signs the token, the timestamp and the nonce (in safe mode the cipher text too);
the channel refuses a timestamp outside its window, and this module remembers, across
processes and replicas, every (timestamp, nonce) accepted within it together with a digest
of the message it carried.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.store.engine import session_scope
from bot.store.models import WeChatNonce

# new: first seen, go on; retry: seen with the same message (WeChat repeating itself), go
# on to the delivery's own claim; replayed: seen with another message, refuse it.
NonceClaim = Literal["new", "retry", "replayed"]


def claim_wechat_nonce(pushed_at: datetime, nonce: str, digest: str, now: datetime,
                       window: timedelta) -> NonceClaim:
    """Claim a push's (timestamp, nonce) for the message whose digest is given.

    Rows whose push is older than `window` before `now` are forgotten on the same write (a
    range on the unique key's leading column): the channel refuses such a push by its
    timestamp, so nothing is lost. A refused claim writes nothing."""
    try:
        with session_scope() as session:
            session.add(WeChatNonce(pushed_at=pushed_at, nonce=nonce, digest=digest,
                                    seen_at=now))
            session.flush()
            session.execute(
                delete(WeChatNonce).where(WeChatNonce.pushed_at < now - window)
                .execution_options(synchronize_session=False))
        return "new"
    except IntegrityError:
        pass
    with session_scope() as session:
        seen = session.execute(
            select(WeChatNonce.digest).where(WeChatNonce.pushed_at == pushed_at,
                                             WeChatNonce.nonce == nonce)
        ).scalar_one_or_none()
    # Gone between the two reads only if another process pruned it, i.e. its clock thinks
    # the push is out of the window: refusing is the safe answer.
    return "retry" if seen == digest else "replayed"
