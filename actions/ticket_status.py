"""`check_ticket_status`: by number or "my latest", and only the owner's own tickets."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.context import channel_of, sender_of, latest_text
from actions.people import apologise_if_angry
from bot import texts
from bot.tickets import NotYourTicket, find_number, ticket_for_owner
from bot.tickets.clocks import CENTRE_TZ

log = logging.getLogger(__name__)


class ActionCheckTicketStatus(Action):
    def name(self) -> str:
        return "action_check_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        apologise_if_angry(dispatcher, tracker)
        number = find_number(latest_text(tracker))
        try:
            ticket = ticket_for_owner(channel_of(tracker), sender_of(tracker), number)
        except NotYourTicket:
            dispatcher.utter_message(response="utter_ticket_not_yours", number=number)
            return []
        except SQLAlchemyError:
            log.exception("ticket look-up failed")
            dispatcher.utter_message(response="utter_ticket_saving_failed")
            return []
        if ticket is None:
            if number:
                dispatcher.utter_message(response="utter_ticket_not_found", number=number)
            else:
                dispatcher.utter_message(response="utter_no_tickets")
            return []
        created = ticket.created_at.astimezone(CENTRE_TZ)
        dispatcher.utter_message(
            response="utter_ticket_status",
            number=ticket.number,
            category_label=texts.CATEGORY_LABELS[ticket.category],
            created=f"{created.month}月{created.day}日 {created:%H:%M} 登记",
            status_label=texts.STATUS_LABELS[ticket.status],
            department=ticket.department_name,
            responsible=ticket.responsible,
            next_step=texts.NEXT_STEPS[ticket.status].format(
                department=ticket.department_name, responsible=ticket.responsible
            ),
        )
        return []
