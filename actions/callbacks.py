"""The callback (回访) dialogue: started by the scheduler's external event, run as Rasa's
callback form one question at a time; bot.surveys.conduct decides what every answer means."""

from __future__ import annotations

import logging

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    EventType,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import form_reads_new_message, latest_intent, latest_text, now
from actions.people import queue_for_a_person
from bot import store, texts
from bot.surveys import conduct
from bot.surveys.answers import read_scale, read_yes_no
from bot.surveys.conduct import CallbackClosed, Prompt
from bot.surveys.calendar import next_allowed

log = logging.getLogger(__name__)
FORM = "callback_form"
SLOT = "survey_answer"
# What turns the owner away from the survey: answered by the rules, then the survey goes on
# (questions) or is set aside (a new request, a person).
INTERRUPTIONS = frozenset({
    "ask_procedure", "check_ticket_status", "request_human", "report_repair",
    "file_complaint", "make_suggestion", "greet", "thank", "out_of_scope",
})
CONFIDENT = 0.8


def _callback_id(tracker: Tracker) -> int | None:
    value = tracker.get_slot("callback_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _show(dispatcher: CollectingDispatcher, question: Prompt) -> None:
    dispatcher.utter_message(text=question.text,
                             buttons=[{"title": b, "payload": b} for b in question.buttons])


def _readable(text: str, question_type: str) -> bool:
    """Whether the message answers a question of this type, whatever NLU thinks it is."""
    if question_type == "scale":
        return read_scale(text) is not None
    if question_type in ("consent", "yesno"):
        return read_yes_no(text) is not None
    return bool(text.strip())


class ActionStartCallback(Action):
    def name(self) -> str:
        return "action_start_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        entities = (tracker.latest_message or {}).get("entities") or []
        raw = next((e.get("value") for e in entities if e.get("entity") == "callback_id"), None)
        try:
            callback_id = int(raw) if raw is not None else None
            conduct.opening(callback_id) if callback_id is not None else None
        except (ValueError, CallbackClosed):
            callback_id = None
        if callback_id is None:
            log.warning("start_callback for %s without a live callback (%r)", tracker.sender_id, raw)
            return [SlotSet("callback_id", None), ActiveLoop(None)]
        # The form asks the first question (action_ask_survey_answer).
        return [SlotSet("callback_id", str(callback_id)), SlotSet(SLOT, None)]


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        callback_id = _callback_id(tracker)
        if callback_id is None:
            return [SlotSet("requested_slot", None), ActiveLoop(None)]
        if not form_reads_new_message(tracker):
            return [SlotSet("requested_slot", SLOT)]
        text = latest_text(tracker)
        intent, confidence = latest_intent(tracker)
        try:
            question = conduct.current_question(callback_id)
        except CallbackClosed:
            # Over already (ended by an agent, or answered elsewhere): leave the message to
            # the rules.
            return [SlotSet("callback_id", None), ActionExecutionRejected(FORM)]
        if (intent in INTERRUPTIONS and confidence >= CONFIDENT
                and (intent == "request_human" or not _readable(text, question.type))):
            return [ActionExecutionRejected(FORM)]
        step = conduct.answer(callback_id, text, now())
        for line in step.say:
            dispatcher.utter_message(text=line)
        if step.outcome is not None:
            return [SlotSet(SLOT, text), SlotSet("requested_slot", None)]
        return [SlotSet(SLOT, None), SlotSet("requested_slot", SLOT)]


class ActionAskSurveyAnswer(Action):
    def name(self) -> str:
        return "action_ask_survey_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        callback_id = _callback_id(tracker)
        try:
            if callback_id is None:
                raise CallbackClosed(callback_id)
            _show(dispatcher, conduct.opening(callback_id) if _just_started(tracker)
                  else conduct.prompt(callback_id))
        except CallbackClosed:
            return [SlotSet("callback_id", None), SlotSet("requested_slot", None),
                    ActiveLoop(None)]
        return []


def _just_started(tracker: Tracker) -> bool:
    """The question follows action_start_callback: the callback's opening words."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") not in (
                FORM, "action_ask_survey_answer", "validate_callback_form"):
            return event.get("name") == "action_start_callback"
    return False


class ActionFinishCallback(Action):
    def name(self) -> str:
        return "action_finish_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        return [SlotSet("callback_id", None), SlotSet(SLOT, None)]


def _leave_the_callback() -> list[EventType]:
    """The form ends and forgets the callback; the database keeps what was answered."""
    return [SlotSet("callback_id", None), SlotSet(SLOT, None),
            SlotSet("requested_slot", None), ActiveLoop(None)]


class ActionSetAsideCallback(Action):
    """A new request in the middle of a callback: handle that first, call back tomorrow."""

    def name(self) -> str:
        return "action_set_aside_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        callback_id = _callback_id(tracker)
        if callback_id is not None:
            store.reschedule(callback_id, next_allowed(now() + conduct.SET_ASIDE_FOR),
                             count_attempt=False)
        dispatcher.utter_message(text=texts.CALLBACK_SET_ASIDE)
        return _leave_the_callback()


class ActionCallbackToPerson(Action):
    """The owner asks for a person during a callback: an agent finishes it."""

    def name(self) -> str:
        return "action_callback_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        callback_id = _callback_id(tracker)
        if callback_id is not None:
            store.finish_callback(callback_id, "handed_to_person", now(), "asked_for_person")
        queue_for_a_person(dispatcher, tracker)
        return _leave_the_callback()


class ActionSessionStart(Action):
    """A new session (after an hour's silence) carries the slots over, as configured, and
    an unfinished callback stays open: an owner answering the next day is still heard."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(name, value) for name, value in tracker.slots.items()
                   if value is not None and name != "requested_slot"]
        callback_id = _callback_id(tracker)
        if callback_id is not None:
            try:
                conduct.current_question(callback_id)
                events += [ActiveLoop(FORM), SlotSet("requested_slot", SLOT)]
            except CallbackClosed:
                events.append(SlotSet("callback_id", None))
        events.append(ActionExecuted("action_listen"))
        return events
