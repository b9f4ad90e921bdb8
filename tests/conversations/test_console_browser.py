"""The agents' console in headless Chromium (Debian's package): sign in, take over a live
conversation, reply, see the owner's answer appear without reloading, hand back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from bot import store, texts
from bot.console import add_agent

pytestmark = pytest.mark.model
PASSWORD = "browser pass 2026"


def wait_for(condition: Callable[[], object], what: str, seconds: float = 30) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = condition()
        except Exception:  # noqa: BLE001 - the page is still changing under us
            found = None
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_agent_works_a_conversation_in_the_browser(stack, console, browser, monkeypatch,
                                                      tmp_path) -> None:
    from selenium.webdriver.common.by import By

    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    login = f"chen-{uuid.uuid4().hex[:6]}"
    add_agent(login, "陈静", "agent", PASSWORD)
    owner = f"owner-{uuid.uuid4().hex[:8]}"
    stack.say(owner, "我要找人工客服")
    escalation_id = store.waiting_escalations("rest", owner)[0].id

    browser.get(console + "/")
    wait_for(lambda: browser.find_element(By.ID, "login").is_displayed(), "the sign-in form")
    browser.find_element(By.ID, "login").send_keys(login)
    browser.find_element(By.ID, "password").send_keys("wrong password")
    browser.find_element(By.ID, "sign-in-button").click()
    wait_for(lambda: browser.find_element(By.ID, "sign-in-error").text, "the refusal")
    assert browser.find_element(By.ID, "sign-in-error").text == texts.CONSOLE_SIGN_IN_FAILED
    browser.find_element(By.ID, "password").clear()
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "sign-in-button").click()
    wait_for(lambda: browser.find_element(By.ID, "app").is_displayed(), "the console")
    assert "陈静" in browser.find_element(By.ID, "me").text

    item = wait_for(lambda: browser.find_element(
        By.CSS_SELECTOR, f"#queue li[data-id='{escalation_id}']"), "the queue entry")
    assert texts.ESCALATION_REASON_LABELS["asked"] in item.text
    item.click()
    take = wait_for(lambda: browser.find_element(By.ID, "take").is_displayed()
                    and browser.find_element(By.ID, "take"), "the take-over button")
    take.click()
    wait_for(lambda: browser.find_element(By.ID, "reply-text").is_displayed(), "the reply box")
    assert store.escalation(escalation_id).holder == login

    browser.find_element(By.ID, "reply-text").send_keys("您好,请问您遇到了什么问题?")
    browser.find_element(By.ID, "reply-send").click()
    wait_for(lambda: any("请问您遇到了什么问题" in li.text for li in browser.find_elements(
        By.CSS_SELECTOR, "#conversation li.agent")), "the reply in the conversation")
    assert stack.bot_texts(owner)[-1] == "您好,请问您遇到了什么问题?"

    # The owner answers; the assistant stays silent and the agent sees it appear.
    assert stack.say(owner, "物业费账单好像多收了两百块") == []
    wait_for(lambda: any("多收了两百块" in li.text for li in browser.find_elements(
        By.CSS_SELECTOR, "#conversation li.owner")), "the owner's answer, without reloading")

    browser.find_element(By.ID, "summary").send_keys("账单问题已转财务部核对")
    browser.find_element(By.ID, "hand-back").click()
    wait_for(lambda: "已交还助手" in browser.find_element(By.ID, "holder-info").text,
             "the hand-back")
    browser.save_screenshot(str(tmp_path / "console.png"))
    assert store.escalation(escalation_id).status == "returned"
    assert stack.texts(owner, "你好"), "the assistant answers again"
