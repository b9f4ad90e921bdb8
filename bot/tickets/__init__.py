"""Tickets: lifecycle, numbering, service-level clocks and routing, over bot/store."""

from bot.tickets.clocks import Clocks, clocks_for
from bot.tickets.lifecycle import TRANSITIONS, IllegalTransition
from bot.tickets.numbering import find_number
from bot.tickets.routing import RoutingTable, default_routing, load_routing
from bot.tickets.service import (
    NotYourTicket,
    TicketRequest,
    move_ticket,
    needs_escalation,
    open_ticket,
    ticket_for_owner,
)

__all__ = [
    "TRANSITIONS",
    "Clocks",
    "IllegalTransition",
    "NotYourTicket",
    "RoutingTable",
    "TicketRequest",
    "clocks_for",
    "default_routing",
    "find_number",
    "load_routing",
    "move_ticket",
    "needs_escalation",
    "open_ticket",
    "ticket_for_owner",
]
