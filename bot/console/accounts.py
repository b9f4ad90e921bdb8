"""Agents' accounts and console sign-in: password hashing, the password policy, sessions.

Passwords are kept as scrypt hashes (stdlib, memory-hard, so a stolen table is slow to
attack); session tokens are handed to the browser once and kept only as SHA-256 digests
(a token is 256 random bits, so a fast digest is enough and lets us find it by index).

Signing in from the console goes through `throttled_sign_in`: after five failures within 15
minutes for one login, or from one client address, that login or address is refused for 15
minutes, right password or not (bot/store/sign_ins.py keeps the counts in the database, so
every console process sees them). Unknown logins are counted and answered like known ones.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import unicodedata
from datetime import datetime, timedelta, timezone

from bot import store, texts
from bot.store import AgentRecord, LockOut, LoginTaken, SignInRule

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
    return (0 < len(login) <= MAX_LOGIN_LENGTH
            and all(ch.isprintable() and not ch.isspace() for ch in login))


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


class SignInLocked(Exception):
    """Refused without looking at the password: too many failures for this login or from
    this address. The message (Chinese) says how many minutes to wait, rounded up."""

    def __init__(self, until: datetime, now: datetime) -> None:
        self.until = until
        self.wait = max(until - now, timedelta(0))
        self.minutes = max(1, math.ceil(self.wait.total_seconds() / 60))
        self.message = texts.CONSOLE_SIGN_IN_LOCKED.format(minutes=self.minutes)
        super().__init__(self.message)


def throttle_key(login: str) -> str:
    """What a sign-in is counted under: the login as it is looked up ("Wang " is "wang"); for
    a login no account can have (too long, spaces, control characters) a digest of it, so
    the key stays short and printable and such guesses are counted all the same."""
    normalised = _normalise_login(login)
    if _valid_login(normalised):
        return normalised
    digest = hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()
    return f"#{digest[:40]}"


def describe_lock_out(lock: LockOut, rule: SignInRule) -> str:
    """The audit trail's line for a lock-out, in Chinese."""
    template = (texts.CONSOLE_AUDIT_LOGIN_LOCKED if lock.scope == "login"
                else texts.CONSOLE_AUDIT_ADDRESS_LOCKED)
    return template.format(key=lock.key, address=lock.address, failures=lock.failures,
                           window=round(rule.window.total_seconds() / 60),
                           minutes=round((lock.until - lock.at).total_seconds() / 60))


def throttled_sign_in(login: str, password: str, address: str, now: datetime,
                      rule: SignInRule = SignInRule()) -> tuple[str, AgentRecord] | None:
    """`sign_in` behind the throttle: SignInLocked while the login or the client `address`
    is locked (the password is then not even checked), and when this failure is the one
    that locks it; None for any other failure; a session when the password is right, which
    also forgets the login's failures. Every attempt is written down before its password is
    checked, so parallel guesses in several processes are all counted."""
    key = throttle_key(login)
    attempt = store.begin_sign_in(key, address, now, rule, describe_lock_out)
    if attempt.refused_until is not None:
        raise SignInLocked(attempt.refused_until, now)
    found = sign_in(login, password, now)
    if found is None:
        until = store.sign_in_failed(key, address, now, rule, describe_lock_out)
        if until is not None:
            raise SignInLocked(until, now)
        return None
    store.sign_in_succeeded(key)
    return found


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
