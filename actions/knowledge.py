"""`ask_procedure`: answer from the knowledge base, keep the entry as context for follow-ups,
and turn an unanswerable question into an inquiry ticket for a person."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.context import channel_of, sender_of, latest_text, now
from actions.people import apologise_if_angry
from bot import texts
from bot.knowledge import default_knowledge
from bot.tickets import TicketRequest, open_ticket

log = logging.getLogger(__name__)
CONTEXT_SLOT = "knowledge_entry"


class ActionAnswerProcedure(Action):
    def name(self) -> str:
        return "action_answer_procedure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        apologise_if_angry(dispatcher, tracker)
        question = latest_text(tracker)
        reply = default_knowledge().answer(question, tracker.get_slot(CONTEXT_SLOT))
        if reply.found:
            dispatcher.utter_message(text=reply.text)
            return [SlotSet(CONTEXT_SLOT, reply.entry_id)]
        if not question.strip():
            dispatcher.utter_message(text=reply.text)
            return []
        message = reply.text
        try:
            ticket = open_ticket(
                TicketRequest(category="inquiry", channel=channel_of(tracker),
                              sender_id=sender_of(tracker), description=question),
                now=now(),
            )
            message += texts.KNOWLEDGE_INQUIRY_OPENED.format(number=ticket.number)
        except SQLAlchemyError:
            log.exception("inquiry ticket could not be written")
        dispatcher.utter_message(text=message)
        return [SlotSet(CONTEXT_SLOT, None)]
