"""Agents' accounts and console sign-in: password hashing, the password policy, sessions.

Passwords are kept as scrypt hashes (stdlib, memory-hard, so a stolen table is slow to
attack); session tokens are handed to the browser once and kept only as SHA-256 digests
(a token is 256 random bits, so a fast digest is enough and lets us find it by index).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import unicodedata
from datetime import datetime, timedelta, timezone

from bot import store, texts
from bot.store import AgentRecord, LoginTaken

ROLES = ("agent", "supervisor")
# A supervisor may do everything an agent may.
_RANK = {"agent": 1, "supervisor": 2}

MIN_PASSWORD_LENGTH = 10
MAX_LOGIN_LENGTH = 64
MAX_NAME_LENGTH = 64
DEFAULT_SESSION_HOURS = 8.0

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32

# Checked against when the login is unknown, so that path costs one scrypt like a real
# check and answers no faster than a wrong password does. It matches no password.
_NO_SUCH_AGENT = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'00' * SALT_BYTES}${'00' * HASH_BYTES}"


def _password_bytes(plain: str) -> bytes:
    # NFKC: a password typed with a Chinese input method in full-width mode (ａｂｃ１２３)
    # is the same password as its half-width spelling.
    return unicodedata.normalize("NFKC", plain).encode("utf-8")


def _scrypt(plain: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # OpenSSL refuses to use more than maxmem bytes; allow what these parameters need.
    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
    return hashlib.scrypt(_password_bytes(plain), salt=salt, n=n, r=r, p=p, maxmem=maxmem,
                          dklen=length)


def hash_password(plain: str) -> str:
    """"scrypt$n$r$p$salt_hex$hash_hex": the parameters travel with the hash, so they can be
    raised later without invalidating the passwords already kept."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(plain, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(plain: str, stored: str) -> bool:
    """Whether `plain` is the password behind `stored`; False for anything malformed."""
    try:
        scheme, n_text, r_text, p_text, salt_hex, hash_hex = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
    except (AttributeError, ValueError):
        return False
    # Bounds keep a damaged row from asking scrypt for gigabytes.
    if (scheme != "scrypt" or not expected or not salt or n < 2 or n & (n - 1)
            or n > 2**20 or not 1 <= r <= 32 or not 1 <= p <= 16):
        return False
    return hmac.compare_digest(_scrypt(plain, salt, n, r, p, len(expected)), expected)


def check_password_policy(plain: str) -> None:
    """ValueError with the reason, in Chinese, for a password the centre does not accept."""
    normalised = unicodedata.normalize("NFKC", plain)
    if len(normalised) < MIN_PASSWORD_LENGTH:
        raise ValueError(texts.PASSWORD_TOO_SHORT.format(minimum=MIN_PASSWORD_LENGTH))
    if normalised.isdigit():
        raise ValueError(texts.PASSWORD_ALL_DIGITS)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _normalise_login(login: str) -> str:
    """Logins are compared lower-case and trimmed: "Wang.Li " and "wang.li" are one person."""
    return login.strip().lower()


def _valid_login(login: str) -> bool:
    return 0 < len(login) <= MAX_LOGIN_LENGTH and not any(ch.isspace() for ch in login)


def session_lifetime() -> timedelta:
    """CONSOLE_SESSION_HOURS (default 8), read at each sign-in so a change needs no restart."""
    raw = os.environ.get("CONSOLE_SESSION_HOURS", "").strip()
    if not raw:
        return timedelta(hours=DEFAULT_SESSION_HOURS)
    try:
        hours = float(raw)
    except ValueError:
        hours = float("nan")
    if not hours > 0 or hours == float("inf"):
        raise ValueError(texts.SESSION_HOURS_INVALID.format(value=raw))
    return timedelta(hours=hours)


def add_agent(login: str, display_name: str, role: str, password: str,
              now: datetime | None = None) -> AgentRecord:
    """A new, active account. ValueError (Chinese message) for a bad login, name, role or
    password, or a login already taken."""
    login = _normalise_login(login)
    display_name = display_name.strip()
    if not _valid_login(login):
        raise ValueError(texts.AGENT_LOGIN_INVALID.format(maximum=MAX_LOGIN_LENGTH))
    if not 0 < len(display_name) <= MAX_NAME_LENGTH:
        raise ValueError(texts.AGENT_NAME_INVALID.format(maximum=MAX_NAME_LENGTH))
    if role not in ROLES:
        raise ValueError(texts.AGENT_ROLE_INVALID)
    check_password_policy(password)
    try:
        return store.create_agent(login, display_name, role, hash_password(password),
                                  at=now or datetime.now(timezone.utc))
    except LoginTaken as error:
        raise ValueError(texts.AGENT_LOGIN_TAKEN.format(login=login)) from error


def change_password(login: str, password: str) -> None:
    """New password under the same policy; every session of the agent ends with the old one."""
    check_password_policy(password)
    if not store.set_password(_normalise_login(login), hash_password(password)):
        raise LookupError(texts.AGENT_NOT_FOUND.format(login=login))


def deactivate_agent(login: str) -> None:
    """The agent can no longer sign in, and is signed out everywhere at once."""
    if not store.set_agent_active(_normalise_login(login), False):
        raise LookupError(texts.AGENT_NOT_FOUND.format(login=login))


def sign_in(login: str, password: str, now: datetime) -> tuple[str, AgentRecord] | None:
    """A fresh session token and the agent, or None. An unknown login, a wrong password and
    a switched-off account all do one scrypt check and answer the same None, so the answer
    and its timing do not tell which logins exist."""
    lifetime = session_lifetime()
    normalised = _normalise_login(login)
    found = store.agent_credentials(normalised) if _valid_login(normalised) else None
    stored = found[1] if found is not None else _NO_SUCH_AGENT
    password_ok = verify_password(password, stored)
    if found is None or not password_ok or not found[0].active:
        return None
    agent = found[0]
    token = secrets.token_urlsafe(32)
    store.create_session(agent.id, _token_digest(token), created_at=now, expires_at=now + lifetime)
    return token, agent


def agent_for_token(token: str, now: datetime) -> AgentRecord | None:
    """The signed-in agent behind a token, or None when it is unknown, ended, expired or the
    account was switched off. Marks the session as seen at `now`."""
    if not token:
        return None
    return store.session_agent(_token_digest(token), now)


def sign_out(token: str) -> bool:
    """End the session; False when it had already ended (signing out twice is harmless)."""
    if not token:
        return False
    return store.end_session(_token_digest(token))


def require_role(agent: AgentRecord, role: str) -> None:
    """PermissionError (Chinese message) unless the agent holds `role` or a higher one."""
    if role not in _RANK:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    if not agent.active or _RANK.get(agent.role, 0) < _RANK[role]:
        raise PermissionError(texts.AGENT_NOT_ALLOWED.format(role=texts.AGENT_ROLE_LABELS[role]))
