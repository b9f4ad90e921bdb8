"""The secrets the assistant's own processes prove themselves with, and the tokens they carry.

Three secrets, each from its environment variable or, when that is unset, generated once
into ``var/secrets/`` (directory 0700, files 0600, never in git) so that every process on
one host shares it without anyone typing it:

- ``RASA_JWT_SECRET``: signs the JWTs Rasa's HTTP API requires (``--jwt-secret``). The
  console, the callback scheduler, the web chat server and the router carry an admin token.
- ``ACTIONS_TOKEN``: the header Rasa sends the action server, which refuses calls without it.
- ``WEBCHAT_SECRET``: signs the web chat's session cookies.

Rotating one: delete its file (or change the variable) and restart every process; tokens
and web chat sessions signed with the old secret stop working at once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

import jwt

from bot.private_files import private_dir

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRETS_DIR = PROJECT_ROOT / "var" / "secrets"
RASA_JWT_SECRET = "RASA_JWT_SECRET"
ACTIONS_TOKEN = "ACTIONS_TOKEN"
WEBCHAT_SECRET = "WEBCHAT_SECRET"
# The header the action server checks (Rasa sends it from the endpoints file).
ACTIONS_TOKEN_HEADER = "X-Actions-Token"
JWT_METHOD = "HS256"
# Admin tokens are minted per call and live briefly: a token seen in a log is soon useless.
TOKEN_LIFETIME_SECONDS = 300


def secrets_dir() -> Path:
    return Path(os.environ.get("SECRETS_DIR") or SECRETS_DIR)


def secret(name: str) -> str:
    """The named secret: the environment's, else the one generated on this host."""
    given = os.environ.get(name, "").strip()
    if given:
        if len(given) < 32:
            raise ValueError(f"{name} 太短：至少需要 32 个字符（可用 openssl rand -hex 32 生成）。")
        return given
    return _stored(secrets_dir() / name.lower().replace("_", "-"))


@functools.lru_cache(maxsize=None)
def _stored(path: Path) -> str:
    """The secret kept at `path`, made there once for the whole host. Read from disk once per
    process: every request the router and Rasa's guard check asks for it. A rotated secret
    takes effect at the restart the README asks for."""
    private_dir(path.parent, tighten=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_existing(path)
    value = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value)
    return value


def _read_existing(path: Path) -> str:
    """Another process may have created the file a moment ago: wait for its content."""
    deadline = time.monotonic() + 5
    while True:
        value = path.read_text().strip()
        if value or time.monotonic() > deadline:
            if not value:
                raise ValueError(f"{path} 是空的：删除它后重新启动即可生成新的密钥。")
            return value
        time.sleep(0.05)


def admin_token(caller: str, now: float | None = None) -> str:
    """A JWT Rasa accepts for every API call, naming the process that carries it."""
    issued = int(now if now is not None else time.time())
    payload = {"user": {"username": caller, "role": "admin"}, "iat": issued,
               "exp": issued + TOKEN_LIFETIME_SECONDS}
    return jwt.encode(payload, secret(RASA_JWT_SECRET), algorithm=JWT_METHOD)


def admin_headers(caller: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token(caller)}"}


def token_role(authorization: str | None) -> str | None:
    """The role a valid ``Authorization: Bearer`` JWT signed with our secret names ("" for a
    valid token naming none); None when there is no such token."""
    if not authorization or not authorization.startswith("Bearer "):
        return None
    try:
        payload = jwt.decode(authorization.removeprefix("Bearer ").strip(),
                             secret(RASA_JWT_SECRET), algorithms=[JWT_METHOD])
    except jwt.PyJWTError:
        return None
    user = payload.get("user") if isinstance(payload, dict) else None
    role = user.get("role") if isinstance(user, dict) else None
    return role if isinstance(role, str) else ""


def is_admin(authorization: str | None) -> bool:
    """True for an ``Authorization: Bearer`` header carrying a valid admin JWT."""
    return token_role(authorization) == "admin"


def actions_token_matches(given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(),
                                               secret(ACTIONS_TOKEN).encode())


def sign(value: str, purpose: str = WEBCHAT_SECRET) -> str:
    """``value.signature``: proof that this server issued ``value``."""
    mac = hmac.new(secret(purpose).encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{value}.{mac}"


def unsign(signed: str | None, purpose: str = WEBCHAT_SECRET) -> str | None:
    """The value a signed string carries, or None when this server did not sign it."""
    if not signed or "." not in signed:
        return None
    value = signed.rsplit(".", 1)[0]
    return value if hmac.compare_digest(sign(value, purpose), signed) else None
