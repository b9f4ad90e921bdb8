"""A ticket's life, from the seeds' loop: accept, act, resolve, close; reopen when it isn't."""

from __future__ import annotations

from typing import Literal

Status = Literal["new", "accepted", "in_progress", "resolved", "closed", "reopened"]

# Which status may follow which. Anything not listed is refused: a resolved ticket is not
# quietly set back to "new", and a closed one comes back only by being reopened.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"accepted"}),
    "accepted": frozenset({"in_progress", "resolved"}),
    "in_progress": frozenset({"resolved"}),
    "resolved": frozenset({"closed", "reopened"}),
    "closed": frozenset({"reopened"}),
    "reopened": frozenset({"accepted", "in_progress"}),
}


class IllegalTransition(ValueError):
    """A status change the loop does not allow."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a ticket cannot go from {current!r} to {wanted!r}")
        self.current = current
        self.wanted = wanted


def check_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(current, wanted)
