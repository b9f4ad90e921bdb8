"""The centre's agents and their console sign-in sessions.

Sessions are found by the SHA-256 of their token, never by the token itself: a copy of the
database must not let anyone act as a signed-in agent. Hashing passwords and tokens is the
console's job (bot/console/); this module only keeps and compares what it is given.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.engine import session_scope
from bot.store.models import Agent, AgentSession
from bot.store.records import AgentRecord

ROLES = ("agent", "supervisor")


class LoginTaken(ValueError):
    """Another agent already signs in with this login."""


def _record(agent: Agent) -> AgentRecord:
    return AgentRecord(
        id=agent.id,
        login=agent.login,
        display_name=agent.display_name,
        role=agent.role,
        active=agent.active,
        created_at=agent.created_at,
    )


def _agent_id(session: Session, login: str) -> int | None:
    return session.execute(select(Agent.id).where(Agent.login == login)).scalar_one_or_none()


def create_agent(login: str, display_name: str, role: str, password_hash: str,
                 at: datetime, active: bool = True) -> AgentRecord:
    """A new account; LoginTaken when the login exists (the unique key decides, not a read)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    try:
        with session_scope() as session:
            agent = Agent(login=login, display_name=display_name, role=role,
                          password_hash=password_hash, active=active, created_at=at)
            session.add(agent)
            session.flush()
            return _record(agent)
    except IntegrityError as error:
        raise LoginTaken(login) from error


def find_agent_by_login(login: str) -> AgentRecord | None:
    with session_scope() as session:
        agent = session.execute(select(Agent).where(Agent.login == login)).scalar_one_or_none()
        return None if agent is None else _record(agent)


def agent_credentials(login: str) -> tuple[AgentRecord, str] | None:
    """The account and its stored password hash, for signing in; kept out of AgentRecord so
    the hash never travels with the records the console shows."""
    with session_scope() as session:
        agent = session.execute(select(Agent).where(Agent.login == login)).scalar_one_or_none()
        return None if agent is None else (_record(agent), agent.password_hash)


def set_password(login: str, password_hash: str) -> bool:
    """Replace the password and end every session of the agent, so a leaked password stops
    working everywhere at once. False when no such login."""
    with session_scope() as session:
        agent_id = _agent_id(session, login)
        if agent_id is None:
            return False
        session.execute(update(Agent).where(Agent.id == agent_id)
                        .values(password_hash=password_hash)
                        .execution_options(synchronize_session=False))
        session.execute(delete(AgentSession).where(AgentSession.agent_id == agent_id)
                        .execution_options(synchronize_session=False))
        return True


def set_agent_active(login: str, active: bool) -> bool:
    """Accounts are switched off, never deleted (tickets name who acted); switching one off
    also ends its sessions. False when no such login."""
    with session_scope() as session:
        agent_id = _agent_id(session, login)
        if agent_id is None:
            return False
        session.execute(update(Agent).where(Agent.id == agent_id).values(active=active)
                        .execution_options(synchronize_session=False))
        if not active:
            session.execute(delete(AgentSession).where(AgentSession.agent_id == agent_id)
                            .execution_options(synchronize_session=False))
        return True


def list_agents() -> list[AgentRecord]:
    """Every account, active or not, by login."""
    with session_scope() as session:
        agents = session.execute(select(Agent).order_by(Agent.login)).scalars().all()
        return [_record(agent) for agent in agents]


def create_session(agent_id: int, token_hash: str, created_at: datetime,
                   expires_at: datetime) -> None:
    with session_scope() as session:
        session.add(AgentSession(token_hash=token_hash, agent_id=agent_id, created_at=created_at,
                                 expires_at=expires_at, last_seen_at=created_at))


def session_agent(token_hash: str, now: datetime) -> AgentRecord | None:
    """The active agent behind an unexpired session, or None; records `now` as last seen."""
    with session_scope() as session:
        row = session.execute(
            select(AgentSession, Agent)
            .join(Agent, AgentSession.agent_id == Agent.id)
            .where(AgentSession.token_hash == token_hash, AgentSession.expires_at > now,
                   Agent.active.is_(True))
        ).one_or_none()
        if row is None:
            return None
        agent_session, agent = row
        if agent_session.last_seen_at < now:
            agent_session.last_seen_at = now
        return _record(agent)


def sessions_of(agent_id: int) -> list[tuple[str, datetime, datetime, datetime]]:
    """(token hash, created, expires, last seen) of an agent's stored sessions, oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(AgentSession.token_hash, AgentSession.created_at, AgentSession.expires_at,
                   AgentSession.last_seen_at)
            .where(AgentSession.agent_id == agent_id).order_by(AgentSession.id)
        ).all()
        return [(row.token_hash, row.created_at, row.expires_at, row.last_seen_at)
                for row in rows]


def end_session(token_hash: str) -> bool:
    """False when there was no such session (already ended, purged or never issued)."""
    with session_scope() as session:
        ended = session.execute(delete(AgentSession).where(AgentSession.token_hash == token_hash)
                                .execution_options(synchronize_session=False))
        return bool(ended.rowcount)


def purge_expired_sessions(now: datetime) -> int:
    """Drop sessions past their expiry; how many went."""
    with session_scope() as session:
        purged = session.execute(delete(AgentSession).where(AgentSession.expires_at <= now)
                                 .execution_options(synchronize_session=False))
        return purged.rowcount or 0
