"""Which callbacks are owed and when they start, with a controllable clock, on both engines.
Owners here write on the web chat (REST), which cannot be pushed to: a started callback
becomes a phone-call task for the agents, so no Rasa server is needed to watch the timing.
(The Rasa side is in tests/conversations/test_callback_dialogue.py.)"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest

from bot import store
from bot.handoff.conversation import RasaConversations
from bot.surveys.planning import plan_due
from bot.surveys.scheduler import Scheduler
from bot.tickets import TicketRequest, move_ticket, open_ticket
from bot.tickets.clocks import CENTRE_TZ
from tools.stack import free_port

FRIDAY_10 = datetime(2027, 1, 8, 10, 0, tzinfo=CENTRE_TZ)
FRIDAY_19 = datetime(2027, 1, 8, 19, 0, tzinfo=CENTRE_TZ)
SATURDAY_9 = datetime(2027, 1, 9, 9, 0, tzinfo=CENTRE_TZ)


@pytest.fixture(autouse=True)
def no_opinion_survey(monkeypatch) -> None:
    """The half-yearly survey would call everyone in the register; these tests pick dates
    outside its months unless they mean it."""
    monkeypatch.setenv("OPINION_SURVEY_MONTHS", "6,12")
    monkeypatch.delenv("CALLBACK_DELAY_HOURS", raising=False)
    monkeypatch.delenv("CALLBACK_HOURS", raising=False)


def scheduler_at(moment: datetime, worker: str = "test") -> Scheduler:
    nowhere = RasaConversations(f"http://127.0.0.1:{free_port()}", timeout=2)
    return Scheduler(nowhere, worker=worker, clock=lambda: moment)


def resolved_repair(sender: str, resolved_at: datetime, channel: str = "rest") -> str:
    ticket = open_ticket(TicketRequest("repair", channel, sender, "厨房水龙头漏水",
                                       urgency="normal"), now=resolved_at - timedelta(hours=3))
    move_ticket(ticket.number, "accepted", "工程部", now=resolved_at - timedelta(hours=2))
    move_ticket(ticket.number, "resolved", "工程部", now=resolved_at)
    return ticket.number


def test_a_repair_resolved_on_friday_evening_is_called_back_saturday_morning(database) -> None:
    number = resolved_repair("owner-fri", FRIDAY_19)
    assert plan_due(FRIDAY_19) == 1
    [callback] = store.callbacks_for("ticket")
    assert (callback.ticket_number, callback.status) == (number, "scheduled")
    assert callback.next_attempt_at == SATURDAY_9, "21:00 is rest time: the next slot is 9:00"
    for moment in (FRIDAY_19 + timedelta(hours=3), SATURDAY_9 - timedelta(minutes=1)):
        assert scheduler_at(moment).tick().phone_tasks == []
    report = scheduler_at(SATURDAY_9).tick()
    assert report.phone_tasks == [callback.id]
    done = store.callback(callback.id)
    assert (done.status, done.attempts) == ("handed_to_person", 1)
    [task] = store.waiting_escalations("rest", "owner-fri")
    assert (task.reason, task.ticket_number) == ("callback_phone", number)
    assert plan_due(SATURDAY_9) == 0, "planned once"


def test_only_resolved_repairs_and_complaints_are_followed_up(database) -> None:
    resolved_repair("owner-a", FRIDAY_10)
    open_ticket(TicketRequest("repair", "rest", "owner-b", "灯不亮", urgency="normal"),
                now=FRIDAY_10)  # not resolved yet
    suggestion = open_ticket(TicketRequest("suggestion", "rest", "owner-c", "多种树"),
                             now=FRIDAY_10)
    move_ticket(suggestion.number, "accepted", "客服", now=FRIDAY_10)
    move_ticket(suggestion.number, "resolved", "客服", now=FRIDAY_10)
    plan_due(FRIDAY_10 + timedelta(hours=1))
    assert [c.sender_id for c in store.callbacks_for("ticket")] == ["owner-a"]


def test_monthly_and_three_month_callbacks_pick_exactly_the_right_owners(database) -> None:
    dates = {
        "delivered-dec": (date(2026, 12, 3), None),
        "moved-dec-31": (None, date(2026, 12, 31)),
        "moved-nov-30": (None, date(2026, 11, 30)),
        "delivered-jan": (date(2027, 1, 2), None),
        "moved-oct-2": (None, date(2026, 10, 2)),
        "moved-oct-1": (None, date(2026, 10, 1)),
        "moved-sep-1": (None, date(2026, 9, 1)),
        "moved-aug-30": (None, date(2026, 8, 30)),
    }
    for sender, (delivered, moved_in) in dates.items():
        store.set_owner_dates("rest", sender, delivered, moved_in)
    january_2 = datetime(2027, 1, 2, 10, 0, tzinfo=CENTRE_TZ)
    plan_due(january_2)
    delivery = {c.sender_id for c in store.callbacks_for("delivery")}
    assert delivery == {"delivered-dec", "moved-dec-31"}, "December's deliveries and move-ins"
    living = {c.sender_id for c in store.callbacks_for("living")}
    # Three months before 2 January is 2 October; a month's grace reaches back to 1 September.
    assert living == {"moved-oct-2", "moved-oct-1", "moved-sep-1"}
    assert store.callbacks_for("opinion") == []
    plan_due(january_2 + timedelta(days=1))
    assert len(store.callbacks_for("delivery")) == 2 and len(store.callbacks_for("living")) == 3


def test_the_opinion_survey_reaches_every_owner_in_the_register_twice_a_year(database) -> None:
    for sender in ("a", "b", "c"):
        store.set_owner_dates("rest", sender, date(2025, 5, 1), None)
    store.remember_contact("rest", "not-in-register", phone="13800000000")
    plan_due(datetime(2026, 12, 1, 9, 30, tzinfo=CENTRE_TZ))
    plan_due(datetime(2026, 12, 15, 9, 30, tzinfo=CENTRE_TZ))
    assert sorted(c.sender_id for c in store.callbacks_for("opinion")) == ["a", "b", "c"]
    plan_due(datetime(2027, 6, 1, 9, 30, tzinfo=CENTRE_TZ))
    assert len(store.callbacks_for("opinion")) == 6, "one more round in the next half-year"


def test_do_not_disturb_is_respected_and_recorded(database) -> None:
    resolved_repair("owner-quiet", FRIDAY_10)
    plan_due(FRIDAY_10)
    [callback] = store.callbacks_for("ticket")
    store.set_do_not_disturb(callback.contact_id)
    report = scheduler_at(FRIDAY_10 + timedelta(hours=5)).tick()
    assert report.refused == [callback.id]
    assert store.callback(callback.id).status == "refused"
    assert store.waiting_escalations("rest", "owner-quiet") == []


def test_an_unanswered_callback_is_retried_once_the_next_day_then_unreachable(database) -> None:
    resolved_repair("owner-silent", FRIDAY_10)
    plan_due(FRIDAY_10)
    [callback] = store.callbacks_for("ticket")
    # Started as a message callback (the phone path ends at once): claim it by hand.
    [claimed] = store.claim_due(FRIDAY_10 + timedelta(hours=5), "test")
    assert claimed.status == "calling"
    # Not answered by the same time the next day: tried again then (for this owner, whom
    # no message can reach now, the second try is a phone call).
    assert scheduler_at(SATURDAY_9.replace(hour=14)).tick().retried == []
    saturday = SATURDAY_9.replace(hour=15, minute=1)
    report = scheduler_at(saturday).tick()
    assert report.retried == [callback.id] and report.phone_tasks == [callback.id]
    assert store.callback(callback.id).attempts == 2


def test_a_second_unanswered_try_ends_as_unreachable(database) -> None:
    resolved_repair("owner-gone", FRIDAY_10)
    plan_due(FRIDAY_10)
    [callback] = store.callbacks_for("ticket")
    store.claim_due(FRIDAY_10 + timedelta(hours=5), "test")
    saturday = SATURDAY_9.replace(hour=15, minute=1)
    store.reschedule(callback.id, saturday)
    store.claim_due(saturday, "test")
    assert scheduler_at(saturday + timedelta(hours=23)).tick().unreachable == []
    assert scheduler_at(saturday + timedelta(days=1, minutes=1)).tick().unreachable == [callback.id]
    final = store.callback(callback.id)
    assert (final.status, final.attempts) == ("unreachable", 2)


def test_a_rasa_that_cannot_be_reached_delays_a_callback_without_using_an_attempt(database) -> None:
    resolved_repair("tg-owner", FRIDAY_10, channel="telegram")
    plan_due(FRIDAY_10)
    [callback] = store.callbacks_for("ticket")
    report = scheduler_at(FRIDAY_10 + timedelta(hours=5)).tick()
    assert report.deferred == [callback.id]
    later = store.callback(callback.id)
    assert (later.status, later.attempts) == ("scheduled", 0)
    assert later.next_attempt_at == FRIDAY_10 + timedelta(hours=5, minutes=10)


def test_two_schedulers_on_one_database_start_each_callback_once(database) -> None:
    senders = [f"owner-{n:02d}" for n in range(24)]
    for sender in senders:
        resolved_repair(sender, FRIDAY_10)
    moment = FRIDAY_10 + timedelta(hours=5)
    schedulers = [scheduler_at(moment, "replica-a"), scheduler_at(moment, "replica-b")]
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda s: s.tick(), schedulers))
    started = reports[0].phone_tasks + reports[1].phone_tasks
    callbacks = store.callbacks_for("ticket")
    assert len(callbacks) == len(senders), "each owed callback planned once"
    assert sorted(started) == sorted(c.id for c in callbacks), "each started exactly once"
    assert all(c.attempts == 1 and c.status == "handed_to_person" for c in callbacks)
    assert {c.sender_id for c in callbacks} == set(senders)


def test_a_wechat_owner_outside_the_48_hours_gets_a_phone_call_instead(database) -> None:
    resolved_repair("wx-quiet", FRIDAY_10, channel="wechat")
    resolved_repair("wx-recent", FRIDAY_10, channel="wechat")
    moment = FRIDAY_10 + timedelta(hours=5)
    store.claim_inbound("wechat", "msg-1", "wx-quiet", "text", moment - timedelta(hours=49))
    store.claim_inbound("wechat", "msg-2", "wx-recent", "text", moment - timedelta(hours=47))
    report = scheduler_at(moment).tick()
    by_owner = {c.sender_id: c for c in store.callbacks_for("ticket")}
    assert report.phone_tasks == [by_owner["wx-quiet"].id]
    assert by_owner["wx-quiet"].status == "handed_to_person"
    [task] = store.waiting_escalations("wechat", "wx-quiet")
    assert task.reason == "callback_phone"
    # Inside the window the message path is tried (here Rasa is down: tried again soon).
    assert report.deferred == [by_owner["wx-recent"].id]
