"""The visit-time reader against its measured accuracy: a floor that fails on a regression.

The figures are measured by tools/time_suite.py and written in docs/time-parsing.md; the
floors below are those figures less a small margin, so a change that loses more than a
case or two on either suite fails here rather than in front of owners.
"""

from __future__ import annotations

import pytest

from bot.understanding.time_grammar import parse_grammar
from bot.understanding.when import parse_when
from tools.time_suite import (
    Case,
    PeerCase,
    load_cases,
    load_peer_cases,
    measure_own,
    measure_peer,
    strict_ok,
)

# Measured 2026-12-03 (docs/time-parsing.md): own suite 245/247 strict, held-out part 45/45
# (42/45 at its first run), JioNLP peer suite 66/81.
OWN_STRICT_FLOOR = 0.97
HELD_OUT_FLOOR = 0.93
PEER_FLOOR = 0.78


@pytest.fixture(scope="module")
def own() -> list[Case]:
    return load_cases()


@pytest.fixture(scope="module")
def peer() -> list[PeerCase]:
    return load_peer_cases()


def test_the_suites_are_as_large_as_the_docs_say(own: list[Case], peer: list[PeerCase]) -> None:
    assert len(own) >= 150
    assert len({case.kind for case in own}) >= 15
    assert len(peer) >= 60


def test_own_suite_floor(own: list[Case]) -> None:
    score = measure_own(parse_when, own)
    misses = [case.text for case in own if not strict_ok(case, parse_when(case.text, case.now))]
    assert score.share >= OWN_STRICT_FLOOR, f"{score}; misses: {misses}"


def test_held_out_floor(own: list[Case]) -> None:
    held = [case for case in own if case.holdout]
    assert len(held) >= 40
    assert measure_own(parse_when, held).share >= HELD_OUT_FLOOR


def test_peer_suite_floor(peer: list[PeerCase]) -> None:
    assert measure_peer(parse_when, peer).share >= PEER_FLOOR


def test_the_policy_layer_earns_its_place(own: list[Case]) -> None:
    # The reason for the layers: the combination beats our grammar alone by a wide margin.
    combined = measure_own(parse_when, own).share
    grammar = measure_own(parse_grammar, own).share
    assert combined >= grammar + 0.2


@pytest.mark.parametrize("kind", ["fault", "refused_clause", "clause_join", "holiday", "lunar",
                                  "impossible", "too_far", "past", "not_a_time"])
def test_no_kind_collapses(own: list[Case], kind: str) -> None:
    # A floor per kind the issue named, so a regression in one kind is not hidden by the rest.
    cases = [case for case in own if case.kind == kind]
    assert cases
    assert measure_own(parse_when, cases).share >= 0.6, kind
