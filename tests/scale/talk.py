"""Talking to the scaled-out assistant over REST, and reading back what its tracker kept."""

from __future__ import annotations

import httpx

REPAIR = ("你好,我家卫生间漏水了", "5号楼2单元302,明天下午三点以后都在,电话13800138000", "对")


def say(url: str, sender: str, text: str) -> list[str]:
    reply = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                       timeout=120)
    reply.raise_for_status()
    return [item.get("text", "") for item in reply.json()]


def user_texts(url: str, sender: str) -> list[str]:
    events = httpx.get(f"{url}/conversations/{sender}/tracker", timeout=60).json()["events"]
    return [e["text"] for e in events if e.get("event") == "user"]


def turns(url: str, sender: str) -> list[tuple[str, int]]:
    """(owner message, how many assistant messages followed it before the next one)."""
    events = httpx.get(f"{url}/conversations/{sender}/tracker", timeout=60).json()["events"]
    seen: list[list] = []
    for event in events:
        if event.get("event") == "user":
            seen.append([event["text"], 0])
        elif event.get("event") == "bot" and seen:
            seen[-1][1] += 1
    return [(text, count) for text, count in seen]
