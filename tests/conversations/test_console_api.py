"""The agents' console over real HTTP, against the running assistant: an owner asks for a
person, an agent takes the conversation over, the assistant falls silent while the owner's
messages are kept, the agent's reply reaches the owner (web chat included), and hand-back
brings the assistant back. Refusals: no session, a forged one, another site, another agent,
another role."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot import store, texts
from bot.console import add_agent
from tests.stack import WebVisitor

pytestmark = pytest.mark.model
PASSWORD = "console pass 2026"


class Agent:
    """One browser's worth of console session."""

    def __init__(self, base: str, login: str) -> None:
        self.login = login
        self.http = httpx.Client(base_url=base, timeout=60)
        signed = self.http.post("/api/sign-in", json={"login": login, "password": PASSWORD},
                                headers={"X-Console": "1"})
        assert signed.status_code == 200, signed.text

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.http.get(path, params=params)

    def post(self, path: str, body: dict | None = None) -> httpx.Response:
        return self.http.post(path, json=body or {}, headers={"X-Console": "1"})


@pytest.fixture
def accounts(stack, monkeypatch):
    """Two agents and a supervisor with fresh logins (the stack's database lives all run)."""
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    tag = uuid.uuid4().hex[:6]
    made = {}
    for key, name, role in (("wang", "王丽", "agent"), ("li", "李强", "agent"),
                            ("zhao", "赵敏", "supervisor")):
        made[key] = add_agent(f"{key}-{tag}", f"{name}{tag}", role, PASSWORD).login
    return made


def escalated_owner(stack) -> tuple[str, int]:
    """A new owner on the REST channel who asks for a person; the queue entry's id."""
    owner = f"owner-{uuid.uuid4().hex[:8]}"
    stack.say(owner, "你好")
    replies = stack.texts(owner, "我要找人工客服")
    assert any("客服" in reply for reply in replies), replies
    waiting = store.waiting_escalations("rest", owner)
    assert len(waiting) == 1
    return owner, waiting[0].id


def test_an_agent_takes_over_replies_and_hands_back(stack, console, webchat, accounts) -> None:
    visitor = WebVisitor(webchat)
    visitor.say("你好")
    assert any("客服" in reply for reply in visitor.say("我要找人工客服"))
    owner = visitor.session
    [waiting] = store.waiting_escalations("web", owner)
    escalation_id = waiting.id
    wang = Agent(console, accounts["wang"])
    queue = wang.get("/api/queue").json()["open"]
    entry = next(e for e in queue if e["id"] == escalation_id)
    assert (entry["reason"], entry["status"], entry["channel"]) == ("asked", "waiting", "web")
    assert entry["last_message"] == "我要找人工客服"

    # The owner's web chat page knows where the conversation stands before the agent speaks.
    cursor = visitor.updates()["cursor"]

    taken = wang.post(f"/api/escalations/{escalation_id}/take")
    assert taken.status_code == 200, taken.text
    assert taken.json()["escalation"]["holder"] == accounts["wang"]
    # The owner is greeted by the agent, by name; then the assistant is silent...
    assert any(f"客服专员王丽" in (text or "") for text in stack.bot_texts(owner, "web"))
    assert visitor.say("我家楼上漏水,已经两天了") == []
    # ...and the agent sees the owner's message in the console without doing anything.
    detail = wang.get(f"/api/escalations/{escalation_id}").json()
    owner_lines = [line["text"] for line in detail["conversation"] if line["speaker"] == "owner"]
    assert owner_lines[-1] == "我家楼上漏水,已经两天了"

    reply = wang.post(f"/api/escalations/{escalation_id}/reply",
                      {"text": "您好,我已通知工程部,师傅十分钟内上门查看。"})
    assert reply.status_code == 200, reply.text
    agent_lines = [line for line in reply.json()["conversation"] if line["speaker"] == "agent"]
    assert agent_lines[-1]["text"] == "您好,我已通知工程部,师傅十分钟内上门查看。"
    # The web chat page picks the reply up (the REST channel cannot push).
    updates = visitor.updates(after=cursor)
    assert [m["text"] for m in updates["messages"]][-1] == "您好,我已通知工程部,师傅十分钟内上门查看。"
    assert updates["messages"][-1]["agent"].startswith("王丽")

    assert wang.post(f"/api/escalations/{escalation_id}/note",
                     {"text": "业主情绪平稳"}).status_code == 200
    refused = wang.post(f"/api/escalations/{escalation_id}/hand-back", {"summary": " "})
    assert refused.status_code == 400 and "小结" in refused.json()["error"]
    back = wang.post(f"/api/escalations/{escalation_id}/hand-back",
                     {"summary": "已派工程部上门,业主同意"})
    assert back.status_code == 200, back.text
    assert back.json()["escalation"]["status"] == "returned"
    assert stack.bot_texts(owner, "web")[-1] == texts.HANDED_BACK
    # The assistant answers again.
    assert visitor.say("你好")
    kinds = [(e["kind"], e["actor"]) for e in back.json()["events"]]
    name = f"{store.find_agent_by_login(accounts['wang']).display_name}({accounts['wang']})"
    assert kinds == [("taken", name), ("reply", name), ("note", name), ("handed_back", name)]


def test_nothing_is_open_without_signing_in(console) -> None:
    anonymous = httpx.Client(base_url=console, timeout=30)
    for path in ("/api/me", "/api/queue", "/api/escalations/1", "/api/tickets",
                 "/api/tickets/BX-20261123-0001"):
        answer = anonymous.get(path)
        assert answer.status_code == 401, path
        assert answer.json()["error"] == texts.CONSOLE_SIGN_IN_FIRST
    answer = anonymous.post("/api/escalations/1/take", json={}, headers={"X-Console": "1"})
    assert answer.status_code == 401
    anonymous.cookies.set("console_session", "forged-token")
    assert anonymous.get("/api/queue").status_code == 401
    wrong = anonymous.post("/api/sign-in", json={"login": "nobody", "password": "whatever123"},
                           headers={"X-Console": "1"})
    assert wrong.status_code == 401 and wrong.json()["error"] == texts.CONSOLE_SIGN_IN_FAILED
    assert anonymous.post("/api/sign-in", content=b"{not json",
                          headers={"X-Console": "1"}).status_code == 400


def test_other_sites_and_other_roles_are_refused(stack, console, accounts) -> None:
    _, escalation_id = escalated_owner(stack)
    wang, li = Agent(console, accounts["wang"]), Agent(console, accounts["li"])
    # A form posted from another site carries the cookie but not the console's header.
    cross_site = wang.http.post(f"/api/escalations/{escalation_id}/take", json={})
    assert cross_site.status_code == 403
    assert store.escalation(escalation_id).status == "waiting"
    assert wang.post(f"/api/escalations/{escalation_id}/take").status_code == 200
    # Another agent sees who holds it and cannot speak for them or hand it back.
    held = li.post(f"/api/escalations/{escalation_id}/take")
    assert held.status_code == 409 and "王丽" in held.json()["error"]
    assert li.post(f"/api/escalations/{escalation_id}/reply", {"text": "我来"}).status_code == 403
    assert li.post(f"/api/escalations/{escalation_id}/hand-back",
                   {"summary": "结束"}).status_code == 403
    # Only supervisors reassign, and see conversations already handed back.
    assert li.post(f"/api/escalations/{escalation_id}/reassign",
                   {"agent": accounts["li"]}).status_code == 403
    assert li.get("/api/queue").json()["returned"] == []
    zhao = Agent(console, accounts["zhao"])
    moved = zhao.post(f"/api/escalations/{escalation_id}/reassign", {"agent": accounts["li"]})
    assert moved.status_code == 200 and moved.json()["escalation"]["holder"] == accounts["li"]
    assert li.post(f"/api/escalations/{escalation_id}/hand-back",
                   {"summary": "主管转派后处理完毕"}).status_code == 200
    returned = zhao.get("/api/queue").json()["returned"]
    assert escalation_id in [entry["id"] for entry in returned]
    # A signed-out session is over.
    assert wang.post("/api/sign-out").status_code == 200
    assert wang.get("/api/queue").status_code == 401


def test_two_agents_pressing_take_over_together_end_with_one_holder(stack, console,
                                                                   accounts) -> None:
    _, escalation_id = escalated_owner(stack)
    agents = [Agent(console, accounts["wang"]), Agent(console, accounts["li"])]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(
            lambda agent: agent.post(f"/api/escalations/{escalation_id}/take").status_code,
            agents))
    assert sorted(answers) == [200, 409]
    winner = agents[answers.index(200)].login
    assert store.escalation(escalation_id).holder == winner
    taken = [e for e in store.escalation_events(escalation_id) if e.kind == "taken"]
    assert len(taken) == 1


def test_tickets_are_searched_and_changed_from_the_console(stack, console, accounts) -> None:
    owner = f"owner-{uuid.uuid4().hex[:8]}"
    stack.say(owner, "你好,我家卫生间漏水了")
    stack.say(owner, "9号楼1单元1201,明天上午都在,电话13612345678")
    done = " ".join(stack.texts(owner, "对"))
    number = next(word for word in done.replace(",", " ").replace("。", " ").split()
                  if word.startswith("BX-"))
    number = number[:16]
    wang = Agent(console, accounts["wang"])
    by_flat = wang.get("/api/tickets", flat="9栋1单元1201").json()["tickets"]
    assert number in [t["number"] for t in by_flat]
    by_phone = wang.get("/api/tickets", phone="13612345678").json()["tickets"]
    assert [t["number"] for t in by_phone] == [number]
    assert wang.get("/api/tickets", flat="不是房号").status_code == 400
    moved = wang.post(f"/api/tickets/{number}/status", {"status": "accepted", "note": "已派单"})
    assert moved.status_code == 200 and moved.json()["ticket"]["status"] == "accepted"
    illegal = wang.post(f"/api/tickets/{number}/status", {"status": "new"})
    assert illegal.status_code == 409
    routed = wang.post(f"/api/tickets/{number}/department", {"department": "cleaning"})
    assert routed.json()["ticket"]["department_name"] == "环境部"
    trail = routed.json()["events"]
    assert {e["kind"] for e in trail if e["actor"].endswith(f"({accounts['wang']})")} == {
        "status", "department"}
