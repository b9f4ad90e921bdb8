"""What a signed-in agent can do with the queue and the tickets, and who may do what.

Every step that changes something is checked here (the holder alone speaks for the centre in
a held conversation; only supervisors reassign), written to the audit trails with the
agent's name, and carried to Rasa through RasaConversations (pause, speak, resume).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import httpx

from bot import store, texts
from bot.console.accounts import require_role
from bot.handoff.conversation import RasaConversations
from bot.identity import Owner
from bot.store import (
    AgentRecord,
    ContactRecord,
    EscalationEventRecord,
    EscalationRecord,
    EventRecord,
    TicketQuery,
    TicketRecord,
)
from bot.tickets import IllegalTransition, move_ticket
from bot.tickets.clocks import OPEN_STATUSES, lateness
from bot.tickets.routing import DepartmentInfo, default_routing

MAX_TEXT_CHARS = 2000
# How much of a conversation the console shows: the latest lines are what an agent needs.
HISTORY_LINES = 300


class Refused(Exception):
    """An action the console turns down, with the reason in Chinese and an HTTP status."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Refused):
    status = 404


class Conflict(Refused):
    status = 409


class Forbidden(Refused):
    status = 403


class AssistantUnavailable(Refused):
    status = 503


@dataclass(frozen=True)
class TicketView:
    ticket: TicketRecord
    late: str | None  # "response" / "resolution" / None, by the service-level clocks


@dataclass(frozen=True)
class QueueEntry:
    escalation: EscalationRecord
    holder_name: str | None
    owner: ContactRecord | None
    overdue: bool  # the owner should have heard from a person by now


@dataclass(frozen=True)
class Line:
    """One line of the conversation as the agent reads it."""

    at: datetime
    speaker: str  # owner / assistant / agent / system
    text: str
    agent: str | None = None


@dataclass(frozen=True)
class EscalationDetail:
    entry: QueueEntry
    tickets: list[TicketView]
    conversation: list[Line]
    events: list[EscalationEventRecord]
    conversation_error: str | None  # Rasa could not be asked; everything else still shows


def _owner(escalation: EscalationRecord) -> Owner:
    """The conversation an escalation is about, on the owner's own channel."""
    return Owner(escalation.channel, escalation.sender_id)


def actor_name(agent: AgentRecord) -> str:
    """How an agent appears in the audit trails: the name people know, and the login."""
    return f"{agent.display_name}({agent.login})"


def _clean_text(text: object) -> str:
    cleaned = str(text or "").strip()
    if not cleaned:
        raise Refused(texts.CONSOLE_EMPTY_TEXT)
    if len(cleaned) > MAX_TEXT_CHARS:
        raise Refused(texts.CONSOLE_TEXT_TOO_LONG.format(maximum=MAX_TEXT_CHARS))
    return cleaned


def conversation_lines(events: list[dict]) -> list[Line]:
    """Rasa's tracker events as the lines an agent reads, with pauses and resumes marked."""
    lines: list[Line] = []
    for event in events:
        kind = event.get("event")
        at = datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)
        if kind == "user" and event.get("text"):
            lines.append(Line(at, "owner", str(event["text"])))
        elif kind == "bot" and event.get("text"):
            metadata = event.get("metadata") or {}
            if metadata.get("agent"):
                lines.append(Line(at, "agent", str(event["text"]), str(metadata["agent"])))
            else:
                lines.append(Line(at, "assistant", str(event["text"])))
        elif kind == "pause":
            lines.append(Line(at, "system", texts.ESCALATION_EVENT_LABELS["taken"]))
        elif kind == "resume":
            lines.append(Line(at, "system", texts.ESCALATION_EVENT_LABELS["handed_back"]))
    return lines[-HISTORY_LINES:]


class Desk:
    def __init__(self, conversations: RasaConversations,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.conversations = conversations
        self.clock = clock

    # --- reading ---

    def _agent_name(self, login: str | None) -> str | None:
        if login is None:
            return None
        agent = store.find_agent_by_login(login)
        return agent.display_name if agent else login

    def _entry(self, escalation: EscalationRecord, now: datetime) -> QueueEntry:
        return QueueEntry(
            escalation=escalation,
            holder_name=self._agent_name(escalation.holder),
            owner=store.contact_profile(escalation.channel, escalation.sender_id),
            overdue=escalation.status == "waiting" and now > escalation.due_at,
        )

    def queue(self, agent: AgentRecord) -> list[QueueEntry]:
        """Waiting and held conversations, most urgent first; every agent sees who holds
        what, so nobody calls an owner a colleague is already talking to."""
        now = self.clock()
        return [self._entry(escalation, now) for escalation in store.open_escalations()]

    def recently_returned(self, agent: AgentRecord) -> list[QueueEntry]:
        """Supervisors look back over conversations already handed back."""
        require_role(agent, "supervisor")
        now = self.clock()
        return [self._entry(escalation, now) for escalation in store.returned_escalations()]

    def _escalation(self, escalation_id: int) -> EscalationRecord:
        found = store.escalation(escalation_id)
        if found is None:
            raise NotFound(texts.CONSOLE_ESCALATION_NOT_FOUND)
        return found

    def ticket_view(self, ticket: TicketRecord, now: datetime | None = None) -> TicketView:
        return TicketView(ticket, lateness(ticket.status, ticket.first_response_due,
                                           ticket.resolution_due, now or self.clock()))

    def detail(self, agent: AgentRecord, escalation_id: int) -> EscalationDetail:
        escalation = self._escalation(escalation_id)
        now = self.clock()
        tickets = store.search_tickets(
            TicketQuery(sender=(escalation.channel, escalation.sender_id), limit=20))
        try:
            lines = conversation_lines(self.conversations.history(_owner(escalation)))
            error = None
        except httpx.HTTPError:
            lines, error = [], texts.CONSOLE_RASA_DOWN
        return EscalationDetail(
            entry=self._entry(escalation, now),
            tickets=[self.ticket_view(ticket, now) for ticket in tickets],
            conversation=lines,
            events=store.escalation_events(escalation_id),
            conversation_error=error,
        )

    def search(self, agent: AgentRecord, query: TicketQuery,
               overdue_only: bool = False) -> list[TicketView]:
        now = self.clock()
        if overdue_only:
            query = replace(query, statuses=query.statuses or OPEN_STATUSES)
        views = [self.ticket_view(ticket, now) for ticket in store.search_tickets(query)]
        return [view for view in views if view.late] if overdue_only else views

    def ticket(self, agent: AgentRecord, number: str) -> tuple[TicketView, list[EventRecord]]:
        found = store.find_ticket(number)
        if found is None:
            raise NotFound(texts.CONSOLE_TICKET_NOT_FOUND.format(number=number))
        return self.ticket_view(found), store.ticket_events(found.number)

    def departments(self) -> list[DepartmentInfo]:
        return list(default_routing().departments.values())

    def agents(self, agent: AgentRecord) -> list[AgentRecord]:
        """Who a supervisor can reassign to."""
        require_role(agent, "supervisor")
        return [someone for someone in store.list_agents() if someone.active]

    # --- acting on a conversation ---

    def _trail(self, escalation: EscalationRecord, agent: AgentRecord, kind: str,
               text: str | None, ticket_note: str | None = None) -> None:
        """Both audit trails: the escalation's, and its ticket's when it has one."""
        now = self.clock()
        store.add_escalation_event(escalation.id, actor_name(agent), kind, text, now)
        if ticket_note and escalation.ticket_number:
            store.add_note(escalation.ticket_number, actor_name(agent), now, ticket_note,
                           kind="handoff")

    def _held_by(self, agent: AgentRecord, escalation_id: int) -> EscalationRecord:
        escalation = self._escalation(escalation_id)
        if escalation.status == "returned":
            raise Conflict(texts.CONSOLE_ALREADY_RETURNED)
        if escalation.status != "held":
            raise Conflict(texts.CONSOLE_NOT_HELD)
        if escalation.holder != agent.login:
            raise Forbidden(texts.CONSOLE_NOT_HOLDER.format(
                name=self._agent_name(escalation.holder)))
        return escalation

    def take_over(self, agent: AgentRecord, escalation_id: int) -> EscalationRecord:
        """Claim the conversation (one holder, even when two agents press together), then
        pause the assistant and greet the owner; undone if Rasa cannot be reached."""
        escalation = self._escalation(escalation_id)
        if not store.take_over(escalation_id, agent.login, self.clock()):
            current = self._escalation(escalation_id)
            if current.status == "returned":
                raise Conflict(texts.CONSOLE_ALREADY_RETURNED)
            raise Conflict(texts.CONSOLE_ALREADY_HELD.format(
                name=self._agent_name(current.holder)))
        try:
            self.conversations.pause(_owner(escalation))
            self.conversations.say(_owner(escalation),
                                   texts.AGENT_JOINED.format(name=agent.display_name),
                                   agent.display_name)
        except httpx.HTTPError as error:
            store.release(escalation_id, agent.login)
            raise AssistantUnavailable(texts.CONSOLE_RASA_DOWN) from error
        self._trail(escalation, agent, "taken", None, texts.TICKET_EVENT_TAKEN)
        return self._escalation(escalation_id)

    def reply(self, agent: AgentRecord, escalation_id: int, text: object) -> None:
        """The holder's words, on the owner's own channel and in the conversation history."""
        message = _clean_text(text)
        escalation = self._held_by(agent, escalation_id)
        try:
            self.conversations.say(_owner(escalation), message, agent.display_name)
        except httpx.HTTPError as error:
            raise AssistantUnavailable(texts.CONSOLE_RASA_DOWN) from error
        self._trail(escalation, agent, "reply", message)

    def note(self, agent: AgentRecord, escalation_id: int, text: object) -> None:
        """An internal note: never shown to the owner."""
        message = _clean_text(text)
        escalation = self._escalation(escalation_id)
        self._trail(escalation, agent, "note", message, message)

    def hand_back(self, agent: AgentRecord, escalation_id: int, summary: object) -> None:
        """Back to the assistant with a summary; the owner is told, the assistant resumes."""
        try:
            summary_text = _clean_text(summary)
        except Refused as error:
            raise Refused(texts.CONSOLE_SUMMARY_NEEDED) from error
        escalation = self._held_by(agent, escalation_id)
        try:
            self.conversations.say(_owner(escalation), texts.HANDED_BACK, None)
            self.conversations.resume(_owner(escalation))
        except httpx.HTTPError as error:
            raise AssistantUnavailable(texts.CONSOLE_RASA_DOWN) from error
        if not store.hand_back(escalation_id, agent.login, summary_text, self.clock()):
            raise Conflict(texts.CONSOLE_ALREADY_RETURNED)
        self._trail(escalation, agent, "handed_back", summary_text,
                    texts.TICKET_EVENT_HANDED_BACK.format(summary=summary_text))

    def reassign(self, supervisor: AgentRecord, escalation_id: int, to_login: object) -> None:
        """A supervisor gives the conversation to another agent, who then holds it."""
        require_role(supervisor, "supervisor")
        login = str(to_login or "").strip().lower()
        target = store.find_agent_by_login(login) if login else None
        if target is None or not target.active:
            raise Refused(texts.CONSOLE_UNKNOWN_AGENT.format(login=login))
        escalation = self._escalation(escalation_id)
        was_waiting = escalation.status == "waiting"
        if not store.reassign(escalation_id, target.login, self.clock()):
            raise Conflict(texts.CONSOLE_ALREADY_RETURNED)
        if was_waiting:
            try:
                self.conversations.pause(_owner(escalation))
            except httpx.HTTPError as error:
                store.release(escalation_id, target.login)
                raise AssistantUnavailable(texts.CONSOLE_RASA_DOWN) from error
        note = texts.TICKET_EVENT_REASSIGNED.format(name=actor_name(target))
        self._trail(escalation, supervisor, "reassigned", note, note)

    # --- acting on a ticket ---

    def _ticket_number(self, number: str) -> str:
        found = store.find_ticket(number)
        if found is None:
            raise NotFound(texts.CONSOLE_TICKET_NOT_FOUND.format(number=number))
        return found.number

    def set_status(self, agent: AgentRecord, number: str, status: object,
                   note: object = None) -> TicketRecord:
        number = self._ticket_number(number)
        wanted = str(status or "")
        comment = str(note).strip() if note else None
        try:
            return move_ticket(number, wanted, actor_name(agent), comment, self.clock())
        except IllegalTransition as error:
            raise Conflict(texts.CONSOLE_ILLEGAL_STATUS.format(
                current=texts.STATUS_LABELS.get(error.current, error.current),
                wanted=texts.STATUS_LABELS.get(wanted, wanted))) from error

    def set_department(self, agent: AgentRecord, number: str, code: object,
                       note: object = None) -> TicketRecord:
        number = self._ticket_number(number)
        comment = str(note).strip() if note else None
        try:
            return store.change_department(number, str(code or ""), actor_name(agent),
                                           self.clock(), comment)
        except LookupError as error:
            raise Refused(texts.CONSOLE_UNKNOWN_DEPARTMENT.format(code=code)) from error

    def note_ticket(self, agent: AgentRecord, number: str, text: object) -> None:
        message = _clean_text(text)
        store.add_note(self._ticket_number(number), actor_name(agent), self.clock(), message)
