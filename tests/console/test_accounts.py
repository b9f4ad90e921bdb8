"""Agents' accounts and console sessions, on SQLite and PostgreSQL, and the `agents` command."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import store, texts
from bot.console import (
    add_agent,
    agent_for_token,
    change_password,
    check_password_policy,
    deactivate_agent,
    hash_password,
    require_role,
    sign_in,
    sign_out,
    verify_password,
)

ROOT = Path(__file__).resolve().parents[2]
CENTRE_TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=CENTRE_TZ)
PASSWORD = "qingshui-2026"


@pytest.fixture(autouse=True)
def default_lifetime(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the documented default of 8 hours."""
    monkeypatch.delenv("CONSOLE_SESSION_HOURS", raising=False)


# --- passwords, no database needed ---

def test_a_hash_verifies_its_password_and_no_other() -> None:
    stored = hash_password(PASSWORD)
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + "x", stored)
    assert not verify_password("", stored)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(bytes.fromhex(salt)) == 16
    assert PASSWORD not in stored


def test_each_hash_has_its_own_salt() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)


def test_a_damaged_or_foreign_hash_never_verifies() -> None:
    stored = hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = stored.split("$")
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    for bad in ("", "plain-text", f"{scheme}${n}${r}${p}${salt}${flipped}",
                f"bcrypt${n}${r}${p}${salt}${digest}", f"scrypt$1000${r}${p}${salt}${digest}",
                f"scrypt${n}${r}${p}${salt}$zz"):
        assert not verify_password(PASSWORD, bad), bad


def test_full_width_and_half_width_spellings_are_one_password() -> None:
    stored = hash_password("ｑｉｎｇｓｈｕｉ２０２６")
    assert verify_password("qingshui2026", stored)


@pytest.mark.parametrize("password, message", [
    ("abc123xyz", texts.PASSWORD_TOO_SHORT.format(minimum=10)),
    ("", texts.PASSWORD_TOO_SHORT.format(minimum=10)),
    ("1380013800", texts.PASSWORD_ALL_DIGITS),
    ("１３８００１３８００", texts.PASSWORD_ALL_DIGITS),  # full-width digits are still digits
])
def test_the_policy_refuses_short_and_all_digit_passwords(password: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        check_password_policy(password)
    assert str(refused.value) == message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value))  # said in Chinese


@pytest.mark.parametrize("password", ["abc123xyz0", "1234567890a", "物业客服中心的密码!"])
def test_the_policy_accepts_ten_characters_not_all_digits(password: str) -> None:
    assert check_password_policy(password) is None  # raises ValueError when refused
    assert verify_password(password, hash_password(password))


# --- accounts ---

def test_an_agent_is_created_and_listed_without_the_password(database: str) -> None:
    agent = add_agent(" Wang.Li ", "王丽", "agent", PASSWORD, now=NOW)
    assert (agent.login, agent.display_name, agent.role, agent.active) == (
        "wang.li", "王丽", "agent", True)
    assert agent.created_at == NOW
    assert store.find_agent_by_login("wang.li") == agent
    assert store.list_agents() == [agent]
    assert PASSWORD not in repr(agent)
    _, stored = store.agent_credentials("wang.li")
    assert verify_password(PASSWORD, stored) and PASSWORD not in stored


def test_a_refused_account_leaves_nothing_behind(database: str) -> None:
    with pytest.raises(ValueError, match="至少"):
        add_agent("wang.li", "王丽", "agent", "short1")
    with pytest.raises(ValueError) as bad_role:
        add_agent("wang.li", "王丽", "manager", PASSWORD)
    assert str(bad_role.value) == texts.AGENT_ROLE_INVALID
    with pytest.raises(ValueError):
        add_agent("wang li", "王丽", "agent", PASSWORD)
    assert store.list_agents() == []


def test_a_login_is_taken_once(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    with pytest.raises(ValueError) as taken:
        add_agent("WANG.LI", "另一个王丽", "supervisor", PASSWORD)
    assert str(taken.value) == texts.AGENT_LOGIN_TAKEN.format(login="wang.li")
    assert [a.display_name for a in store.list_agents()] == ["王丽"]


# --- signing in ---

def test_the_right_password_signs_in(database: str) -> None:
    created = add_agent("wang.li", "王丽", "agent", PASSWORD)
    signed = sign_in("Wang.Li", PASSWORD, NOW)
    assert signed is not None
    token, agent = signed
    assert agent == created
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert agent_for_token(token, NOW + timedelta(minutes=5)) == created


def test_wrong_password_unknown_login_and_switched_off_account_are_refused(database: str) -> None:
    wang = add_agent("wang.li", "王丽", "agent", PASSWORD)
    zhao = add_agent("zhao.min", "赵敏", "agent", PASSWORD)
    deactivate_agent("zhao.min")
    assert sign_in("wang.li", PASSWORD + "!", NOW) is None
    assert sign_in("wang.li", "", NOW) is None
    assert sign_in("nobody", PASSWORD, NOW) is None
    assert sign_in("", PASSWORD, NOW) is None
    assert sign_in("zhao.min", PASSWORD, NOW) is None
    assert store.sessions_of(wang.id) == [] and store.sessions_of(zhao.id) == []
    assert [a.active for a in store.list_agents()] == [True, False]


def test_switching_an_account_off_ends_its_sessions(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    token, _ = sign_in("wang.li", PASSWORD, NOW)
    deactivate_agent("wang.li")
    assert agent_for_token(token, NOW + timedelta(minutes=1)) is None
    with pytest.raises(LookupError):
        deactivate_agent("nobody")


def test_a_new_password_replaces_the_old_one_and_ends_sessions(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    token, _ = sign_in("wang.li", PASSWORD, NOW)
    with pytest.raises(ValueError):
        change_password("wang.li", "123456789012")
    change_password("wang.li", "another-secret-9")
    assert agent_for_token(token, NOW + timedelta(minutes=1)) is None
    assert sign_in("wang.li", PASSWORD, NOW) is None
    assert sign_in("wang.li", "another-secret-9", NOW) is not None


# --- sessions ---

def test_a_session_lasts_eight_hours_by_default(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    token, agent = sign_in("wang.li", PASSWORD, NOW)
    assert agent_for_token(token, NOW + timedelta(hours=8) - timedelta(seconds=1)) == agent
    assert agent_for_token(token, NOW + timedelta(hours=8)) is None
    assert agent_for_token(token, NOW + timedelta(days=3)) is None


def test_the_lifetime_comes_from_the_environment(database: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    monkeypatch.setenv("CONSOLE_SESSION_HOURS", "1")
    token, agent = sign_in("wang.li", PASSWORD, NOW)
    assert agent_for_token(token, NOW + timedelta(minutes=59)) == agent
    assert agent_for_token(token, NOW + timedelta(minutes=61)) is None
    monkeypatch.setenv("CONSOLE_SESSION_HOURS", "soon")
    with pytest.raises(ValueError, match="CONSOLE_SESSION_HOURS"):
        sign_in("wang.li", PASSWORD, NOW)


def test_using_a_session_moves_last_seen_forward_but_not_the_expiry(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    token, agent = sign_in("wang.li", PASSWORD, NOW)
    [(_, created, expires, seen)] = store.sessions_of(agent.id)
    assert created == seen == NOW and expires == NOW + timedelta(hours=8)
    agent_for_token(token, NOW + timedelta(hours=2))
    agent_for_token(token, NOW + timedelta(hours=1))  # a late request never moves it back
    [(_, _, expires, seen)] = store.sessions_of(agent.id)
    assert seen == NOW + timedelta(hours=2)
    assert expires == NOW + timedelta(hours=8)


def test_expired_sessions_are_purged_and_live_ones_kept(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    old, agent = sign_in("wang.li", PASSWORD, NOW)
    fresh, _ = sign_in("wang.li", PASSWORD, NOW + timedelta(hours=5))
    assert store.purge_expired_sessions(NOW + timedelta(hours=9)) == 1
    assert len(store.sessions_of(agent.id)) == 1
    assert agent_for_token(fresh, NOW + timedelta(hours=9)) == agent
    assert agent_for_token(old, NOW + timedelta(hours=1)) is None  # gone, not only expired


def test_signing_out_ends_only_that_session(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    desk, agent = sign_in("wang.li", PASSWORD, NOW)
    phone, _ = sign_in("wang.li", PASSWORD, NOW)
    assert desk != phone
    assert sign_out(desk) is True
    assert agent_for_token(desk, NOW + timedelta(minutes=1)) is None
    assert agent_for_token(phone, NOW + timedelta(minutes=1)) == agent
    assert sign_out(desk) is False  # twice is harmless
    assert sign_out("") is False


def test_a_token_only_ever_yields_its_own_agent(database: str) -> None:
    wang = add_agent("wang.li", "王丽", "agent", PASSWORD)
    zhao = add_agent("zhao.min", "赵敏", "supervisor", "zhao-secret-42")
    wang_token, _ = sign_in("wang.li", PASSWORD, NOW)
    zhao_token, _ = sign_in("zhao.min", "zhao-secret-42", NOW)
    later = NOW + timedelta(minutes=1)
    assert agent_for_token(wang_token, later) == wang
    assert agent_for_token(zhao_token, later) == zhao
    assert sign_in("zhao.min", PASSWORD, NOW) is None  # wang's password does not open zhao
    sign_out(wang_token)
    assert agent_for_token(wang_token, later) is None
    assert agent_for_token(zhao_token, later) == zhao
    for forged in ("", "x", wang_token[:-1], zhao_token + "A", zhao_token.upper()):
        assert agent_for_token(forged, later) is None, forged


def test_tokens_are_kept_only_as_their_sha256(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    tokens = [sign_in("wang.li", PASSWORD, NOW)[0] for _ in range(3)]
    agent = store.find_agent_by_login("wang.li")
    stored = store.sessions_of(agent.id)
    assert len(stored) == 3
    kept = {row[0] for row in stored}
    assert kept == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}
    for token in tokens:
        assert not any(token in str(value) for row in stored for value in row)
        # The digest itself is not a key: presenting it does not sign anyone in.
        assert agent_for_token(hashlib.sha256(token.encode()).hexdigest(), NOW) is None


# --- roles ---

def test_supervisors_may_do_what_agents_may_and_more(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD)
    add_agent("zhao.min", "赵敏", "supervisor", PASSWORD)
    _, agent = sign_in("wang.li", PASSWORD, NOW)
    _, supervisor = sign_in("zhao.min", PASSWORD, NOW)
    require_role(supervisor, "supervisor")
    require_role(supervisor, "agent")
    require_role(agent, "agent")
    with pytest.raises(PermissionError) as refused:
        require_role(agent, "supervisor")
    assert str(refused.value) == texts.AGENT_NOT_ALLOWED.format(role="主管")
    with pytest.raises(ValueError):
        require_role(supervisor, "admin")


# --- the command line ---

def _bot(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # A new session has no controlling terminal, so getpass reads the typed lines from stdin.
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          start_new_session=True)


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("CONSOLE_PASSWORD", "CONSOLE_SESSION_HOURS")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'console.db'}"
    upgraded = _bot(env, "db-upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    return env


def test_the_command_adds_and_lists_agents(cli_env: dict[str, str]) -> None:
    assert texts.AGENT_NONE_YET in _bot(cli_env, "agents", "list").stdout
    added = _bot({**cli_env, "CONSOLE_PASSWORD": PASSWORD}, "agents", "add",
                 "--login", "zhao.min", "--name", "赵敏", "--role", "supervisor")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == texts.AGENT_ADDED.format(login="zhao.min", name="赵敏",
                                                            role="主管")
    listed = _bot(cli_env, "agents", "list")
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.splitlines()
    assert line.split("\t")[:4] == ["zhao.min", "赵敏", "主管", "启用"]
    assert PASSWORD not in listed.stdout


def test_the_command_refuses_a_short_password(cli_env: dict[str, str]) -> None:
    refused = _bot({**cli_env, "CONSOLE_PASSWORD": "abc123"}, "agents", "add",
                   "--login", "wang.li", "--name", "王丽")
    assert refused.returncode != 0
    assert texts.PASSWORD_TOO_SHORT.format(minimum=10) in refused.stderr
    assert "wang.li" not in _bot(cli_env, "agents", "list").stdout


def test_the_command_asks_twice_when_no_password_is_in_the_environment(
        cli_env: dict[str, str]) -> None:
    differ = _bot(cli_env, "agents", "add", "--login", "wang.li", "--name", "王丽",
                  stdin=f"{PASSWORD}\n{PASSWORD}-typo\n")
    assert differ.returncode != 0
    assert texts.AGENT_PASSWORDS_DIFFER in differ.stderr
    same = _bot(cli_env, "agents", "add", "--login", "wang.li", "--name", "王丽",
                stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert same.returncode == 0, same.stderr
    assert "wang.li\t王丽\t客服\t启用" in _bot(cli_env, "agents", "list").stdout


def test_the_command_takes_no_password_argument(cli_env: dict[str, str]) -> None:
    given = _bot({**cli_env, "CONSOLE_PASSWORD": PASSWORD}, "agents", "add", "--login", "wang.li",
                 "--name", "王丽", "--password", PASSWORD)
    assert given.returncode != 0
    assert "wang.li" not in _bot(cli_env, "agents", "list").stdout
