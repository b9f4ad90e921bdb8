"""The web chat page in headless Chromium (Debian's package), end to end: an owner types,
the assistant answers, a ticket is written."""

from __future__ import annotations

import re
import time

import pytest

from bot import store
from bot.deploy.credentials import unsign

pytestmark = pytest.mark.model


def bot_messages(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#log li.bot .bubble")]


def type_and_wait(driver, text: str, timeout: float = 60) -> str:
    """Send one message and return what the assistant added in answer."""
    from selenium.webdriver.common.by import By

    before = len(bot_messages(driver))
    box = driver.find_element(By.ID, "message")
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = bot_messages(driver)
        if len(messages) > before:
            time.sleep(0.3)  # let the rest of a multi-message answer arrive
            return "\n".join(bot_messages(driver)[before:])
        time.sleep(0.1)
    raise AssertionError(f"no answer to {text!r}")


def test_an_owner_reports_a_leak_in_the_browser(stack, webchat: str, browser, tmp_path,
                                                monkeypatch) -> None:
    from selenium.webdriver.common.by import By

    browser.get(webchat + "/")
    assert "物业" in browser.title
    assert "楼栋" in type_and_wait(browser, "你好,我家卫生间漏水了")
    summary = type_and_wait(browser, "5号楼2单元302,明天下午三点以后都在,电话13800138000")
    assert "5栋2单元302室" in summary
    # Confirm with the button, as an owner would.
    buttons = browser.find_elements(By.CSS_SELECTOR, "#log li.bot .buttons button")
    assert [b.text for b in buttons][-2:] == ["对,提交", "需要修改"]
    before = len(bot_messages(browser))
    buttons[-2].click()
    deadline = time.monotonic() + 60
    while len(bot_messages(browser)) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    done = "\n".join(bot_messages(browser)[before:])
    number = re.search(r"BX-\d{8}-\d{4}", done)
    assert number, done
    browser.save_screenshot(str(tmp_path / "webchat.png"))
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None and ticket.channel == "web" and ticket.phone == "13800138000"
    # The conversation is the browser's own session, which the page never sees.
    cookie = browser.get_cookie("webchat_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert ticket.sender_id == unsign(cookie["value"])
