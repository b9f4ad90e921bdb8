"""Tickets: lifecycle, numbering, service-level clocks and routing, over bot/store.

The service functions (opening and following tickets) are loaded on first use, so the pure
parts (numbering, clocks) can be imported by bot.understanding and the NLU pipeline without
pulling in the data layer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from bot.tickets.clocks import Clocks, Commitment, Promise, clocks_for, commitment
from bot.tickets.lifecycle import TRANSITIONS, IllegalTransition
from bot.tickets.numbering import find_number
from bot.tickets.routing import RoutingTable, default_routing, load_routing

if TYPE_CHECKING:
    from bot.tickets.service import (
        NotYourTicket,
        OpenedTicket,
        TicketRequest,
        move_ticket,
        needs_escalation,
        open_ticket,
        open_ticket_promised,
        ticket_for_owner,
    )

_SERVICE = frozenset({
    "NotYourTicket", "OpenedTicket", "TicketRequest", "move_ticket", "needs_escalation",
    "open_ticket", "open_ticket_promised", "ticket_for_owner",
})


def __getattr__(name: str) -> Any:
    if name in _SERVICE:
        return getattr(import_module("bot.tickets.service"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "TRANSITIONS",
    "Clocks",
    "Commitment",
    "IllegalTransition",
    "NotYourTicket",
    "OpenedTicket",
    "Promise",
    "RoutingTable",
    "TicketRequest",
    "clocks_for",
    "commitment",
    "default_routing",
    "find_number",
    "load_routing",
    "move_ticket",
    "needs_escalation",
    "open_ticket",
    "open_ticket_promised",
    "ticket_for_owner",
]
