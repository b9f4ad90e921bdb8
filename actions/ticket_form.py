"""The ticket dialogue: start it, fill the form, confirm, write the ticket. Rules live in
bot.tickets.intake and bot.tickets.service; this module only translates to Rasa."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.context import (
    sender_of,
    channel_of,
    form_reads_new_message,
    latest_intent,
    latest_text,
    now,
    slot_changes,
)
from actions.people import apologise_if_angry, escalate_conversation
from bot import store, texts
from bot.store import FlatAddress
from bot.handoff.complaints import complaint_escalation
from bot.tickets import OpenedTicket, TicketRequest, open_ticket_promised
from bot.tickets.intake import (
    CONFIRMATION,
    DANGER_QUESTION,
    INTENT_CATEGORIES,
    danger_question,
    first_message_slots,
    is_plain_yes,
    read_answer,
    required_fields,
    summary,
)

log = logging.getLogger(__name__)
FORM = "ticket_form"
TICKET_SLOTS = (
    "ticket_category", "emergency", "problem", "place", "phone", "visit_time",
    "desired_outcome", "confirmed", "ticket_cancelled", "ticket_facts", "request_key",
    "ticket_number", DANGER_QUESTION,
)
# Intents that, when a message fills nothing, mean the owner turned to something else.
INTERRUPTIONS = frozenset({
    "ask_procedure", "check_ticket_status", "request_human", "greet", "thank", "out_of_scope",
    *INTENT_CATEGORIES,
})


def _ticket_request(tracker: Tracker, slots: dict[str, Any]) -> TicketRequest:
    facts: dict[str, Any] = slots.get("ticket_facts") or {}
    flat = None
    if facts.get("building") and facts.get("room"):
        flat = FlatAddress(facts["building"], facts.get("unit"), facts["room"])
    area = facts.get("area")
    location = (texts.place_text(facts.get("building"), facts.get("unit"), None, area)
                if area else None)

    def moment(key: str) -> datetime | None:
        return datetime.fromisoformat(facts[key]) if facts.get(key) else None

    return TicketRequest(
        category=slots["ticket_category"],
        channel=channel_of(tracker),
        sender_id=sender_of(tracker),
        description=slots.get("problem") or latest_text(tracker),
        urgency=facts.get("urgency"),
        flat=flat,
        location=location,
        phone=slots.get("phone"),
        preferred_start=moment("visit_start"),
        preferred_end=moment("visit_end"),
        desired_outcome=slots.get("desired_outcome"),
        request_key=slots.get("request_key"),
    )


def _say_created(dispatcher: CollectingDispatcher, opened: OpenedTicket) -> None:
    """The ticket number and the promise its clocks make (bot.tickets.clocks.commitment
    chose the sentence and formatted its times from the ticket's own clocks)."""
    dispatcher.utter_message(response=opened.promise.response, number=opened.ticket.number,
                             **opened.promise.values)


def _open_emergency(dispatcher: CollectingDispatcher, tracker: Tracker,
                    slots: dict[str, Any]) -> None:
    """Safety advice first, then the ticket written at once and people told; the form then
    asks only what is missing to find the owner."""
    facts = slots.get("ticket_facts") or {}
    slots["emergency"] = True
    slots["problem"] = slots.get("problem") or latest_text(tracker)
    if facts.get("cue"):
        dispatcher.utter_message(response=f"utter_safety_{facts['cue']}")
    try:
        opened = open_ticket_promised(_ticket_request(tracker, slots), now=now())
    except SQLAlchemyError:
        log.exception("emergency ticket could not be written")
        dispatcher.utter_message(response="utter_ticket_saving_failed")
        return
    slots["ticket_number"] = opened.ticket.number
    _attach_files(tracker, opened.ticket.number)
    escalate_conversation(tracker, "emergency", opened.ticket.number)
    _say_created(dispatcher, opened)


def _attach_files(tracker: Tracker, number: str) -> None:
    """Photos and voice messages the owner sent during the conversation go with the ticket."""
    try:
        store.attach_pending_to_ticket(channel_of(tracker), sender_of(tracker), number)
    except SQLAlchemyError:
        log.exception("attachments could not be linked to %s", number)


def _remember(tracker: Tracker, slots: dict[str, Any]) -> None:
    """The flat and phone given once are known next time (and can be changed)."""
    request = _ticket_request(tracker, slots)
    store.remember_contact(request.channel, request.sender_id, phone=request.phone, flat=request.flat)


class ActionStartTicket(Action):
    """Read the first message, prefill what it and the owner's profile already say, and
    write an emergency ticket before asking anything."""

    def name(self) -> str:
        return "action_start_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        category = INTENT_CATEGORIES.get(intent or "", "repair")
        profile = None
        try:
            profile = store.contact_profile(channel_of(tracker), sender_of(tracker))
        except SQLAlchemyError:
            log.exception("could not read the contact profile; carrying on without it")
        place = None
        if profile and profile.flat:
            place = {"building": profile.flat.building, "unit": profile.flat.unit,
                     "room": profile.flat.room, "area": None}
        apologise_if_angry(dispatcher, tracker)
        slots = first_message_slots(
            latest_text(tracker), category, profile.phone if profile else None, place, now()
        )
        slots.update(ticket_category=category, request_key=uuid.uuid4().hex, confirmed=None,
                     ticket_cancelled=None, ticket_number=None, emergency=False)
        slots[DANGER_QUESTION] = None
        if slots["ticket_facts"].get("urgency") == "emergency":
            _open_emergency(dispatcher, tracker, slots)
        return slot_changes(tracker, {name: slots.get(name) for name in TICKET_SLOTS})


class ValidateTicketForm(FormValidationAction):
    def name(self) -> str:
        return "validate_ticket_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return required_fields(tracker.get_slot("ticket_category"),
                               tracker.get_slot("ticket_number"), tracker.get_slot("ticket_facts"))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Read the whole message once (not slot by slot), so a correction of any field
        works at any step."""
        if not form_reads_new_message(tracker):
            # Activation (action_start_ticket already read the message) or coming back
            # after an interruption: nothing new to read, only the next question to pick.
            next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
            return [next_slot] if next_slot else []
        requested = tracker.get_slot("requested_slot")
        text = latest_text(tracker)
        intent, _ = latest_intent(tracker)
        category = tracker.get_slot("ticket_category") or "repair"
        answer = read_answer(text, requested, category, tracker.get_slot("ticket_facts"), now(),
                             intent)
        if answer.cancelled:
            return [SlotSet("ticket_cancelled", True), SlotSet("requested_slot", None), ActiveLoop(None)]
        events: list[EventType] = [SlotSet(k, v) for k, v in answer.slots.items()]
        if answer.emergency and not tracker.get_slot("ticket_number"):
            apologise_if_angry(dispatcher, tracker)
            slots = {name: tracker.get_slot(name) for name in TICKET_SLOTS} | answer.slots
            _open_emergency(dispatcher, tracker, slots)
            events += slot_changes(tracker, {name: slots.get(name) for name in
                                             ("emergency", "problem", "ticket_number")})
        if requested == CONFIRMATION:
            if answer.slots:
                events.append(SlotSet(CONFIRMATION, None))  # re-confirm the corrected summary
            elif intent == "affirm" or is_plain_yes(text):
                events.append(SlotSet(CONFIRMATION, True))
            elif intent == "deny":
                events.append(SlotSet(CONFIRMATION, None))  # action_ask_confirmed asks what
        # Nothing read, and the owner turned to something else: let the rules answer that,
        # then the form asks again.
        if not events and intent in INTERRUPTIONS:
            return [ActionExecutionRejected(FORM)]
        if not answer.emergency:
            apologise_if_angry(dispatcher, tracker)
        for response in answer.say:
            dispatcher.utter_message(response=response)
        # Something was read (even a re-ask): keep the form going rather than rejecting it.
        events.append(SlotSet("ticket_cancelled", False))
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])


class ActionAskConfirmed(Action):
    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        category = tracker.get_slot("ticket_category") or "repair"
        bare_no = not read_answer(
            latest_text(tracker), CONFIRMATION, category, tracker.get_slot("ticket_facts"), now(),
            intent,
        ).slots
        if intent == "deny" and bare_no:
            # "不对": ask what to change; the corrected summary follows the owner's answer.
            dispatcher.utter_message(response="utter_what_to_change")
            return [SlotSet("requested_slot", CONFIRMATION)]
        slots = {name: tracker.get_slot(name) for name in TICKET_SLOTS}
        dispatcher.utter_message(
            response="utter_confirm_ticket", summary=summary(slots["ticket_category"], slots)
        )
        return [SlotSet("requested_slot", CONFIRMATION)]


class ActionAskDangerConfirmed(Action):
    """The one yes/no safety question for a doubtful danger, in the words for its kind
    (bot/texts.py), else the domain's general question."""

    def name(self) -> str:
        return "action_ask_danger_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = (tracker.get_slot("ticket_facts") or {}).get("doubt") or ""
        question = danger_question(kind)
        if question:
            dispatcher.utter_message(text=question)
        else:
            dispatcher.utter_message(response="utter_ask_danger_confirmed")
        return [SlotSet("requested_slot", DANGER_QUESTION)]


class ActionFinishTicket(Action):
    """After the form: write the confirmed ticket, complete an emergency one, or cancel."""

    def name(self) -> str:
        return "action_finish_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = {name: tracker.get_slot(name) for name in TICKET_SLOTS}
        reset = slot_changes(tracker, dict.fromkeys(TICKET_SLOTS))
        if slots.get("ticket_cancelled"):
            dispatcher.utter_message(response="utter_cancelled")
            return reset
        try:
            if slots.get("ticket_number"):
                number = slots["ticket_number"]
                request = _ticket_request(tracker, slots)
                store.update_ticket_contact_details(
                    number, request.flat, request.location, request.phone, now()
                )
                dispatcher.utter_message(response="utter_emergency_updated", number=number)
            else:
                opened = open_ticket_promised(_ticket_request(tracker, slots), now=now())
                ticket, number = opened.ticket, opened.ticket.number
                _say_created(dispatcher, opened)
                reason = complaint_escalation(ticket, store.tickets_of(ticket.channel,
                                                                       ticket.sender_id))
                if reason:
                    escalate_conversation(tracker, reason, number)
            _attach_files(tracker, number)
            _remember(tracker, slots)
        except SQLAlchemyError:
            log.exception("ticket could not be written; the owner's answers stay in the slots")
            dispatcher.utter_message(response="utter_ticket_saving_failed")
            return [SlotSet(CONFIRMATION, None), ActiveLoop(FORM)]
        return reset
