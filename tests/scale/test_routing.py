"""How the router names the conversation a request belongs to: the same owner's webhook and
the console's API calls about them name the same conversation, so they meet on one replica;
one channel's id never names another channel's owner."""

from __future__ import annotations

import json

from bot.deploy.router import ranked, sender_of


def test_a_channel_and_the_api_name_the_same_conversation() -> None:
    update = {"update_id": 1, "message": {"chat": {"id": 4242}, "text": "你好"}}
    assert sender_of("/webhooks/telegram/webhook", {}, json.dumps(update).encode()) == "telegram:4242"
    assert sender_of("/conversations/telegram:4242/tracker/events", {}, b"[]") == "telegram:4242"
    assert sender_of("/conversations/telegram%3A4242/tracker", {}, b"") == "telegram:4242"
    assert sender_of("/webhooks/wechat/webhook", {"openid": "oAbc"}, b"<xml/>") == "wechat:oAbc"
    assert sender_of("/conversations/wechat:oAbc/tracker", {}, b"") == "wechat:oAbc"


def test_a_rest_sender_never_names_another_channels_owner() -> None:
    body = json.dumps({"sender": "4242", "input_channel": "telegram", "message": "你好"}).encode()
    assert sender_of("/webhooks/rest/webhook", {}, body) == "rest:4242"
    assert sender_of("/webhooks/web/webhook", {}, json.dumps({"sender": "s1"}).encode()) == "web:s1"


def test_what_belongs_to_no_conversation_is_unnamed() -> None:
    assert sender_of("/", {}, b"") == ""
    assert sender_of("/status", {}, b"") == ""
    assert sender_of("/webhooks/telegram/webhook", {}, b"{not json") == ""


def test_the_ranking_is_stable_and_moves_only_a_removed_replicas_conversations() -> None:
    replicas = ["http://a", "http://b", "http://c"]
    owners = [f"rest:owner-{n}" for n in range(60)]
    before = {owner: ranked(replicas, owner)[0] for owner in owners}
    after = {owner: ranked(replicas[:2], owner)[0] for owner in owners}
    assert {before[o] for o in owners} == set(replicas), "every replica gets some"
    assert all(after[o] == before[o] for o in owners if before[o] != "http://c")
