"""The agents' console: accounts, passwords and sign-in sessions, over bot/store."""

from bot.console.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    add_agent,
    agent_for_token,
    change_password,
    check_password_policy,
    deactivate_agent,
    hash_password,
    require_role,
    session_lifetime,
    sign_in,
    sign_out,
    verify_password,
)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "add_agent",
    "agent_for_token",
    "change_password",
    "check_password_policy",
    "deactivate_agent",
    "hash_password",
    "require_role",
    "session_lifetime",
    "sign_in",
    "sign_out",
    "verify_password",
]
