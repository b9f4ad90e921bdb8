"""Console sign-in throttling: failures per login and per client address, the lock-outs they
earn, and the console's own audit trail where each lock-out is written.

Several console processes may serve one database, so the counts live here, not in memory.
An attempt is written down as a failure before its password is checked and deleted when the
password proves right: a burst of parallel guesses is then counted in full, whichever process
takes each, and at most `SignInRule.failures` of them reach a password check.

Every time is given by the caller (the console's clock), so the rule is tested without
waiting. The keys come from the console already normalised: this module compares them only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.engine import session_scope
from bot.store.models import ConsoleEvent, SignInFailure, SignInLock

SCOPES = ("login", "address")
LOCKED_KIND = "sign_in_locked"


@dataclass(frozen=True)
class SignInRule:
    """After `failures` failed sign-ins within `window`, for one login or from one address,
    that login or address is refused for `lock`, right password or not."""

    failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)


DEFAULT_RULE = SignInRule()


@dataclass(frozen=True)
class Attempt:
    """A sign-in under way: `id` of its row (kept as a failure unless it succeeds), or
    `refused_until` when it must be refused without looking at the password."""

    id: int | None
    refused_until: datetime | None = None


@dataclass(frozen=True)
class LockOut:
    """A login or address just locked, as the audit entry describes it."""

    scope: str  # login / address
    key: str
    address: str  # the client whose failure tipped it over
    failures: int  # failures counted within the window
    at: datetime
    until: datetime


@dataclass(frozen=True)
class ConsoleEventRecord:
    at: datetime
    actor: str
    kind: str
    subject: str | None
    text: str | None


Describe = Callable[[LockOut, SignInRule], str]


def _keys(login: str, address: str) -> dict[str, str]:
    return {"login": login, "address": address}


_COLUMNS = {"login": SignInFailure.login, "address": SignInFailure.address}


def _locked_until(session: Session, login: str, address: str, now: datetime) -> datetime | None:
    """The later end of the login's and the address's locks still running at `now`."""
    return session.execute(
        select(func.max(SignInLock.until)).where(
            or_((SignInLock.scope == "login") & (SignInLock.key == login),
                (SignInLock.scope == "address") & (SignInLock.key == address)),
            SignInLock.until > now)
    ).scalar_one_or_none()


def _failures(login: str, address: str, now: datetime, rule: SignInRule) -> dict[str, int]:
    since = now - rule.window
    with session_scope() as session:
        return {scope: session.execute(
            select(func.count(SignInFailure.id)).where(_COLUMNS[scope] == key,
                                                       SignInFailure.at > since)
        ).scalar_one() for scope, key in _keys(login, address).items()}


def _lock(scope: str, key: str, address: str, failures: int, now: datetime, rule: SignInRule,
          describe: Describe | None) -> datetime:
    """Lock `key` from `now` for `rule.lock` and write the audit entry, in one transaction;
    when another process locked it first (the unique key says so), its lock stands and
    nothing more is written. When the lock ends."""
    until = now + rule.lock
    try:
        with session_scope() as session:
            session.execute(delete(SignInLock).where(SignInLock.scope == scope,
                                                     SignInLock.key == key,
                                                     SignInLock.until <= now)
                            .execution_options(synchronize_session=False))
            session.add(SignInLock(scope=scope, key=key, at=now, until=until))
            session.flush()
            lock_out = LockOut(scope, key, address, failures, now, until)
            session.add(ConsoleEvent(at=now, actor=address, kind=LOCKED_KIND,
                                     subject=f"{scope}:{key}",
                                     text=describe(lock_out, rule) if describe else None))
        return until
    except IntegrityError:
        pass
    with session_scope() as session:
        current = session.execute(
            select(SignInLock.until).where(SignInLock.scope == scope, SignInLock.key == key)
        ).scalar_one_or_none()
    return current if current is not None and current > now else until


def sign_in_locked_until(login: str, address: str, now: datetime) -> datetime | None:
    """Until when a sign-in for `login` from `address` is refused, or None when it is not."""
    with session_scope() as session:
        return _locked_until(session, login, address, now)


def begin_sign_in(login: str, address: str, now: datetime,
                  rule: SignInRule = DEFAULT_RULE, describe: Describe | None = None) -> Attempt:
    """Start an attempt: refused (with until when) while the login or the address is locked;
    otherwise written down as a failure, then counted. The count runs after the write is
    committed, so of several attempts racing in other processes each sees at least those
    written before it: one with `rule.failures` others already in the window is refused (and
    locks) without its password being checked. Failures older than the window are forgotten
    on the same write."""
    with session_scope() as session:
        until = _locked_until(session, login, address, now)
        if until is not None:
            return Attempt(None, until)
        session.execute(delete(SignInFailure).where(SignInFailure.at <= now - rule.window)
                        .execution_options(synchronize_session=False))
        row = SignInFailure(login=login, address=address, at=now)
        session.add(row)
        session.flush()
        attempt_id = row.id
    counts = _failures(login, address, now, rule)
    over = [scope for scope in SCOPES if counts[scope] > rule.failures]
    if not over:
        return Attempt(attempt_id)
    ends = [_lock(scope, _keys(login, address)[scope], address, counts[scope], now, rule,
                  describe) for scope in over]
    return Attempt(attempt_id, max(ends))


def sign_in_failed(login: str, address: str, now: datetime, rule: SignInRule = DEFAULT_RULE,
                   describe: Describe | None = None) -> datetime | None:
    """The attempt begun for `login` from `address` failed (its row stays). When that makes
    `rule.failures` within the window for the login or the address, it is locked (and the
    lock-out audited): until when; None while neither is."""
    counts = _failures(login, address, now, rule)
    ends = [_lock(scope, key, address, counts[scope], now, rule, describe)
            for scope, key in _keys(login, address).items() if counts[scope] >= rule.failures]
    return max(ends) if ends else None


def sign_in_succeeded(login: str) -> None:
    """The right password: the login's failures are forgotten (its attempt row with them).
    The address's other failures stay, so one valid account does not open the door to
    guessing at others from the same place."""
    with session_scope() as session:
        session.execute(delete(SignInFailure).where(SignInFailure.login == login)
                        .execution_options(synchronize_session=False))


def sign_in_failure_count(login: str | None = None, address: str | None = None) -> int:
    """How many failures are kept for a login or an address (any age still kept)."""
    with session_scope() as session:
        query = select(func.count(SignInFailure.id))
        if login is not None:
            query = query.where(SignInFailure.login == login)
        if address is not None:
            query = query.where(SignInFailure.address == address)
        return session.execute(query).scalar_one()


def add_console_event(at: datetime, actor: str, kind: str, subject: str | None = None,
                      text: str | None = None) -> None:
    with session_scope() as session:
        session.add(ConsoleEvent(at=at, actor=actor, kind=kind, subject=subject, text=text))


def console_events(kind: str | None = None, since: datetime | None = None,
                   subject: str | None = None) -> list[ConsoleEventRecord]:
    """The console's audit trail, oldest first, optionally of one kind, subject or period."""
    with session_scope() as session:
        query = select(ConsoleEvent)
        if kind is not None:
            query = query.where(ConsoleEvent.kind == kind)
        if since is not None:
            query = query.where(ConsoleEvent.at >= since)
        if subject is not None:
            query = query.where(ConsoleEvent.subject == subject)
        rows = session.execute(query.order_by(ConsoleEvent.at, ConsoleEvent.id)).scalars()
        return [ConsoleEventRecord(row.at, row.actor, row.kind, row.subject, row.text)
                for row in rows]
