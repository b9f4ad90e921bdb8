"""Victims the attack replays aim at: Telegram owners with a ticket and a stored phone."""

from __future__ import annotations

import pytest

from tests.security.attacks import Victim, telegram_victim


@pytest.fixture
def victim(telegram_stack, fake) -> Victim:
    """A victim of their own, for attacks after which they must still be answered (each
    Telegram chat may send only so many messages a minute)."""
    return telegram_victim(telegram_stack, fake)


@pytest.fixture(scope="module")
def watched(telegram_stack, fake) -> Victim:
    """One victim per module for the attacks that only read or push (the victim never
    writes again)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", telegram_stack.database_url)
        return telegram_victim(telegram_stack, fake)
