"""Conducting one callback: which question comes next, what an answer means, how it ends.

The state (the question reached, whether the owner was dissatisfied) lives in the database,
so a callback survives restarts, a retry the next day resumes where it stopped, and any
process can take the next answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import store, texts
from bot.handoff import escalate
from bot.store import CallbackRecord
from bot.surveys.answers import (
    SCALE,
    read_scale,
    read_yes_no,
    says_nothing_more,
    wants_no_more_calls,
)
from bot.surveys.scripts import Question, Script, load_scripts
from bot.tickets import IllegalTransition, TicketRequest, move_ticket, open_ticket

OPEN_FOR_ANSWERS = ("calling", "scheduled", "unreachable")
# A callback set aside for a new request is tried again this much later.
SET_ASIDE_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Prompt:
    text: str
    buttons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """What the owner is told after an answer: notes, then the next question or the end."""

    say: tuple[str, ...] = ()
    prompt: Prompt | None = None
    outcome: str | None = None  # answered / refused, once the callback is over


class CallbackClosed(LookupError):
    """No such callback, or it already has its outcome."""


def centre_name() -> str:
    return os.environ.get("CENTRE_NAME", "").strip() or texts.CENTRE_NAME_DEFAULT


def _placeholders(callback: CallbackRecord) -> dict[str, str]:
    values = {"centre": centre_name(), "ticket": callback.ticket_number or "",
              "category": "", "description": "", "responsible": "工作人员"}
    if callback.ticket_number:
        ticket = store.find_ticket(callback.ticket_number)
        if ticket is not None:
            description = ticket.description
            values.update(category=texts.CATEGORY_LABELS.get(ticket.category, ""),
                          description=description if len(description) <= 30
                          else description[:30] + "…",
                          responsible=ticket.responsible)
    return values


def _buttons(question: Question) -> tuple[str, ...]:
    if question.type == "scale":
        return tuple(SCALE[value] for value in sorted(SCALE, reverse=True))
    if question.type == "consent":
        return texts.CALLBACK_CONSENT_BUTTONS
    if question.type == "yesno":
        return texts.CALLBACK_YES_NO_BUTTONS
    return ()


def _script(callback: CallbackRecord) -> Script:
    return load_scripts()[callback.kind]


def _applies(question: Question, dissatisfied: bool) -> bool:
    return question.when is None or (question.when == "dissatisfied") == dissatisfied


def _next_index(script: Script, after: int, dissatisfied: bool) -> int | None:
    for index in range(after + 1, len(script.questions)):
        if _applies(script.questions[index], dissatisfied):
            return index
    return None


def _open(callback_id: int) -> CallbackRecord:
    callback = store.callback(callback_id)
    if callback is None or callback.status not in OPEN_FOR_ANSWERS:
        raise CallbackClosed(callback_id)
    return callback


def current_question(callback_id: int) -> Question:
    callback = _open(callback_id)
    return _script(callback).questions[callback.step]


def prompt(callback_id: int) -> Prompt:
    """The question the callback has reached, worded for this owner."""
    callback = _open(callback_id)
    question = _script(callback).questions[callback.step]
    return Prompt(question.ask.format(**_placeholders(callback)), _buttons(question))


def opening(callback_id: int) -> Prompt:
    """How a started (or retried) callback begins: the question it has reached."""
    callback = _open(callback_id)
    first = prompt(callback_id)
    if callback.step == 0:
        return first
    return Prompt(texts.CALLBACK_RESUMING + first.text, first.buttons)


def _hint(question: Question) -> str:
    return {"scale": texts.CALLBACK_SCALE_HINT, "yesno": texts.CALLBACK_YES_NO_HINT,
            "consent": texts.CALLBACK_CONSENT_HINT}.get(question.type, "")


def _read(question: Question, text: str) -> tuple[bool, int | None, bool] | None:
    """(agreed to go on, the scale step, whether it counts as dissatisfied), or None when
    the text does not answer this kind of question."""
    if question.type in ("consent", "yesno"):
        said = read_yes_no(text)
        if said is None:
            return None
        if question.type == "consent":
            return said, None, False
        return True, None, question.flag_if is not None and said == (question.flag_if == "yes")
    if question.type == "scale":
        scale = read_scale(text)
        return None if scale is None else (True, scale, scale <= 3)
    return (True, None, False) if text else None


def _refused(callback: CallbackRecord, question: Question, text: str, now: datetime,
             goodbye: str) -> Step:
    """The owner declines: their words are kept, the callback ends as refused."""
    store.record_answer(callback.id, question.key, None, text, now, callback.step, False)
    store.finish_callback(callback.id, "refused", now, text)
    return Step(say=(goodbye,), outcome="refused")


def answer(callback_id: int, text: str, now: datetime) -> Step:
    """Record the owner's answer to the current question and say what comes next."""
    callback = _open(callback_id)
    if callback.status != "calling":
        store.resume_callback(callback_id, now)  # a late answer is still an answer
    script = _script(callback)
    question = script.questions[callback.step]
    text = text.strip()
    closing = script.closing
    context = _placeholders(callback)

    if wants_no_more_calls(text):
        store.set_do_not_disturb(callback.contact_id)
        return _refused(callback, question, text, now, texts.CALLBACK_DO_NOT_DISTURB)
    reading = _read(question, text)
    if reading is None:
        hint = _hint(question)
        return Step(say=(texts.CALLBACK_NOT_UNDERSTOOD + hint,) if hint else (),
                    prompt=prompt(callback_id))
    agreed, scale, flagged = reading
    if not agreed:
        return _refused(callback, question, text, now, closing["refused"].format(**context))

    dissatisfied = callback.dissatisfied or flagged
    following = _next_index(script, callback.step, dissatisfied)
    store.record_answer(callback_id, question.key, scale, text, now,
                        following if following is not None else callback.step, flagged)
    if following is not None:
        return Step(prompt=prompt(callback_id))
    store.finish_callback(callback_id, "answered", now)
    if dissatisfied:
        _follow_up(store.callback(callback_id) or callback, script, now)
        return Step(say=(closing["dissatisfied"].format(**context),), outcome="answered")
    return Step(say=(closing["satisfied"].format(**context),), outcome="answered")


def _details(callback_id: int) -> str:
    """What the owner said was wrong, in their words."""
    said = [a.text for a in store.answers_of(callback_id)
            if a.scale is None and a.question != "consent" and not says_nothing_more(a.text)]
    return ";".join(said) or texts.CALLBACK_NO_DETAILS


def _follow_up(callback: CallbackRecord, script: Script, now: datetime) -> None:
    """Not satisfied: the matter goes back to people — the ticket reopened (or a linked
    complaint opened), and the conversation queued for an agent."""
    details = _details(callback.id)
    kind = texts.CALLBACK_KIND_LABELS.get(callback.kind, callback.kind)
    ticket_number = callback.ticket_number
    if script.follow_up == "reopen_ticket" and ticket_number:
        try:
            move_ticket(ticket_number, "reopened", texts.CALLBACK_ACTOR,
                        texts.CALLBACK_REOPEN_NOTE.format(details=details), now)
        except IllegalTransition:
            pass  # already reopened by someone: the escalation below still reaches people
    else:
        complaint = open_ticket(TicketRequest(
            category="complaint", channel=callback.channel, sender_id=callback.sender_id,
            description=texts.CALLBACK_COMPLAINT_DESCRIPTION.format(kind=kind, details=details),
            request_key=f"callback:{callback.id}"), now=now)
        ticket_number = complaint.number
    escalate(callback.channel, callback.sender_id, "callback_dissatisfied",
             texts.CALLBACK_DISSATISFIED_TASK.format(kind=kind, details=details), now,
             ticket_number)
