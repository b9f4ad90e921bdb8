"""Measure visit-time readers on the same cases, so the reader is chosen by numbers.

Two suites:
- tests/data/time_cases.yml, our own visit-time cases (owners' phrasing; see its header);
- tests/data/jionlp_peer_cases.yml, the visit-relevant part of JioNLP's own test suite
  (test/test_time_parser.py of github.com/dongrixinyu/JioNLP, Apache-2.0), regenerated
  with `import-peer PATH`.

Readers ("approaches"):
- old: the project's grammar as it was before the library and the policy layer
  (bot/understanding/when.py at OLD_GRAMMAR_REV, loaded from git);
- grammar: today's grammar alone (time_grammar.parse_grammar), without library or policy;
- jionlp: jionlp.ner.extract_time alone, defaults (time_library.library_alone);
- jionlp_future: the same with ret_future=True;
- combined: parse_when, the grammar and jionlp under the policy layer (what the bot uses).

Scores:
- strict (own suite): the exact visit time: start, end and kind (moment, window, open
  span), or the refusal reason, or no time;
- lenient (own suite): the right day and a start within two hours, any refusal for a
  refusal, none for none; fair to a library that knows nothing of visit hours;
- peer: agreement with JioNLP's expected interval (see _peer_agrees).

Usage:
  .venv/bin/python -m tools.time_suite                 # both suites, all readers
  .venv/bin/python -m tools.time_suite --kinds         # and the own suite per kind
  .venv/bin/python -m tools.time_suite --misses combined
  .venv/bin/python -m tools.time_suite import-peer /path/to/JioNLP/test/test_time_parser.py
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import subprocess
import sys
import types
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.understanding.time_types import TZ, VISIT_HORIZON_DAYS as HORIZON_DAYS, When, WhenProblem

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "time_cases.yml"
PEER_CASES = ROOT / "tests" / "data" / "jionlp_peer_cases.yml"
# The last commit whose when.py was the grammar alone (before jionlp and the policy layer).
OLD_GRAMMAR_REV = "8332cb9"
APPROACHES = ("old", "grammar", "jionlp", "jionlp_future", "combined")

Reader = Callable[[str, dt.datetime], "When | WhenProblem | None"]


# --- the cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One of our own cases: what the owner wrote, when, and the visit time meant."""

    text: str
    now: dt.datetime
    kind: str
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    open: bool = False
    refused: str | None = None
    none: bool = False
    holdout: bool = False  # written after the reader was built (see the file's header)


def _moment(text: str, year: int) -> dt.datetime:
    if text.count("-") == 1:
        text = f"{year}-{text}"
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def load_cases(path: Path = CASES) -> list[Case]:
    """The own suite; raises on a case that names no expectation or an unknown base."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    bases = {name: dt.datetime.fromisoformat(value).replace(tzinfo=TZ)
             for name, value in data["bases"].items()}
    cases = []
    for raw in data["cases"]:
        now = bases[raw["now"]]
        start = _moment(raw["start"], now.year) if raw.get("start") else None
        end = _moment(raw["end"], now.year) if raw.get("end") else None
        case = Case(str(raw["text"]), now, raw["kind"], start, end, bool(raw.get("open")),
                    raw.get("refused"), bool(raw.get("none")), bool(raw.get("holdout")))
        if sum([case.start is not None, case.refused is not None, case.none]) != 1:
            raise ValueError(f"case {case.text!r} must give exactly one of start/refused/none")
        cases.append(case)
    return cases


def strict_ok(case: Case, found: When | WhenProblem | None) -> bool:
    """The exact visit time (or reason, or nothing)."""
    if case.none:
        return found is None
    if case.refused is not None:
        return isinstance(found, WhenProblem) and found.reason == case.refused
    if not isinstance(found, When):
        return False
    if case.end is not None:
        return found.is_span and found.start == case.start and found.end == case.end
    if case.open:
        return found.is_span and found.end is None and found.start == case.start
    return not found.is_span and found.start == case.start


def lenient_ok(case: Case, found: When | WhenProblem | None) -> bool:
    """The right day and about the right start; any refusal for a refusal."""
    if case.none:
        return found is None
    if case.refused is not None:
        return isinstance(found, WhenProblem)
    if not isinstance(found, When) or case.start is None:
        return False
    start = found.start.astimezone(TZ)
    return start.date() == case.start.date() and abs(start - case.start) <= dt.timedelta(hours=2)


# --- the peer suite -------------------------------------------------------------------


@dataclass(frozen=True)
class PeerCase:
    """A case of JioNLP's own suite: the string, its base time, the interval it expects."""

    text: str
    now: dt.datetime
    first: dt.datetime
    last: dt.datetime  # inclusive, to the second, as jionlp writes it
    ret_future: bool


def load_peer_cases(path: Path = PEER_CASES) -> list[PeerCase]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        PeerCase(
            str(raw["text"]),
            dt.datetime.fromisoformat(raw["base"]).replace(tzinfo=TZ),
            dt.datetime.fromisoformat(raw["expect"][0]).replace(tzinfo=TZ),
            dt.datetime.fromisoformat(raw["expect"][1]).replace(tzinfo=TZ),
            bool(raw.get("ret_future")),
        )
        for raw in data["cases"]
    ]


def _peer_agrees(case: PeerCase, found: When | WhenProblem | None) -> bool:
    """Whether a visit time agrees with JioNLP's expected interval.

    JioNLP gives whole days as 00:00-23:59:59 and a bare 上午 as 07:00-11:59:59; our visit
    policy gives 09:00-18:00 and 09:00-12:00. So agreement is: the visit time lies inside
    the expected interval (one hour of slack each side, the interval clipped to the base
    moment since a visit cannot be earlier), on its days, and where JioNLP expects a moment
    (an interval of an hour or less) the visit starts at that moment. A day beyond the
    visit horizon also agrees with a too_far refusal.
    """
    if (case.first.date() - case.now.date()).days > HORIZON_DAYS:
        # Beyond the visit horizon the policy answers too_far, which is a reading of the day.
        if isinstance(found, WhenProblem) and found.reason == "too_far":
            return True
    if not isinstance(found, When):
        return False
    first = max(case.first, case.now)
    end = case.last + dt.timedelta(seconds=1)
    start = found.start.astimezone(TZ)
    until = (found.end or found.start).astimezone(TZ)
    if case.last - case.first < dt.timedelta(hours=1):
        return start == case.first
    slack = dt.timedelta(hours=1)
    if not (first - slack <= start and until <= end + slack):
        return False
    return case.first.date() <= start.date() <= case.last.date()


_VISIT_TYPES = ("time_point", "time_span")


def _visit_relevant(text: str, base: dt.datetime, first: dt.datetime, last: dt.datetime) -> bool:
    """What an owner could say about a visit: day- or hour-level, not in the past (nor a
    window that ends now: 过去的50分钟), within a year (beyond the horizon a reader may
    answer too_far), at most about ten days long, no quarters, and not a whole week (下周
    alone is vague for us)."""
    if last <= base + dt.timedelta(minutes=1) or first.date() < base.date():
        return False
    if (first.date() - base.date()).days > 366:
        return False
    length = last + dt.timedelta(seconds=1) - first
    if length > dt.timedelta(days=11):
        return False
    whole_week = (length == dt.timedelta(days=7) and first.weekday() == 0
                  and first.time() == dt.time(0))
    return not whole_week and "季" not in text


def import_peer(test_file: Path, out: Path = PEER_CASES) -> int:
    """Copy the visit-relevant cases of JioNLP's test_time_parser.py into out (YAML).

    The file's lists of [string, time_base, expected] are read with ast (never imported:
    it imports jionlp and runs its test); timestamps are read in Asia/Shanghai, where the
    suite was written (its _ts_1 is commented 2021-06-14 01:06:40).
    """
    tree = ast.parse(test_file.read_text(encoding="utf-8"))
    names: dict[str, Any] = {"datetime": dt, "_ts_1": 1623604000, "_ts_2": 1630480532}
    blocks = [node.value for node in ast.walk(tree)
              if isinstance(node, ast.Assign) and isinstance(node.value, ast.List)
              and any(isinstance(t, ast.Name) and t.id == "time_string_list" for t in node.targets)]
    kept = []
    # Block 0 is parsed with defaults, block 1 with ret_future=True; later blocks are periodic
    # times and the lunar switch, which no visit needs.
    for index, block in enumerate(blocks[:2]):
        for element in block.elts:
            try:
                code = compile(ast.Expression(element), "<jionlp>", "eval")
                item = eval(code, names)  # noqa: S307 - literals of a file we chose to read
            except NameError:
                continue  # based on time.time(): its expectation depends on the day it runs
            text, base_value, expected = item[0], item[1], item[-1]
            base = _peer_base(base_value)
            if base is None or expected.get("type") not in _VISIT_TYPES:
                continue
            times = expected.get("time")
            pair = isinstance(times, list) and len(times) == 2
            if not (pair and all(isinstance(t, str) for t in times)):
                continue
            try:
                first, last = (dt.datetime.fromisoformat(t) for t in times)
            except ValueError:
                continue  # '-inf' / 'inf': open-ended history, never a visit
            if not _visit_relevant(text, base, first, last):
                continue
            kept.append({"text": text, "base": base.isoformat(sep=" "), "ret_future": index == 1,
                         "expect": times})
    header = "".join(f"# {line}\n" for line in (
        "The visit-relevant part of JioNLP's own time-parser test suite, copied with attribution:",
        "JioNLP (https://github.com/dongrixinyu/JioNLP), test/test_time_parser.py, Apache License",
        "2.0, by dongrixinyu. Inputs and expected outputs are theirs; the selection is ours: day-",
        "and hour-level times after the base time, within a year, at most about ten days long,",
        "no quarters or whole weeks (tools/time_suite.py _visit_relevant).",
        "Regenerate: .venv/bin/python -m tools.time_suite import-peer PATH/test_time_parser.py",
    ))
    body = yaml.safe_dump({"cases": kept}, allow_unicode=True, sort_keys=False, width=120)
    out.write_text(header + body, encoding="utf-8")
    return len(kept)


def _peer_base(value: Any) -> dt.datetime | None:
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, TZ).replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, list) and len(value) >= 3:
        return dt.datetime(*(list(value) + [0, 0, 0])[:6])
    return None  # {'year': 1837}: no day to be relative to


# --- the readers ----------------------------------------------------------------------


def _old_reader(rev: str = OLD_GRAMMAR_REV) -> Reader | None:
    """parse_when as it was at rev, loaded from git; None where git or the rev is missing."""
    try:
        source = subprocess.run(
            ["git", "show", f"{rev}:bot/understanding/when.py"], cwd=ROOT, check=True,
            capture_output=True, text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("old_when")
    module.__dict__["__name__"] = "old_when"
    sys.modules["old_when"] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:bot/understanding/when.py", "exec"), module.__dict__)  # noqa: S102

    def read(text: str, now: dt.datetime) -> When | WhenProblem | None:
        # The old module has its own When classes: give its answers ours.
        found = module.parse_when(text, now)
        if found is None:
            return None
        if hasattr(found, "start"):
            return When(found.start, found.end, found.text, found.is_span)
        return WhenProblem(found.reason, found.text)

    return read


def readers(names: Iterable[str] = APPROACHES) -> dict[str, Reader]:
    from bot.understanding.time_grammar import parse_grammar
    from bot.understanding.time_library import library_alone
    from bot.understanding.when import parse_when

    available: dict[str, Reader | None] = {
        "old": _old_reader(),
        "grammar": parse_grammar,
        "jionlp": library_alone,
        "jionlp_future": lambda text, now: library_alone(text, now, ret_future=True),
        "combined": parse_when,
    }
    return {name: reader for name in names if (reader := available[name]) is not None}


# --- measuring ------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    right: int
    total: int

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.right}/{self.total} ({100 * self.share:.1f} %)"


def _safe(reader: Reader, text: str, now: dt.datetime) -> When | WhenProblem | None:
    try:
        return reader(text, now)
    except Exception:  # noqa: BLE001 - a reader that crashes has simply not read the case
        return None


def measure_own(reader: Reader, cases: list[Case], strict: bool = True) -> Score:
    judge = strict_ok if strict else lenient_ok
    return Score(sum(judge(c, _safe(reader, c.text, c.now)) for c in cases), len(cases))


def measure_peer(reader: Reader, cases: list[PeerCase]) -> Score:
    return Score(sum(_peer_agrees(c, _safe(reader, c.text, c.now)) for c in cases), len(cases))


def by_kind(reader: Reader, cases: list[Case]) -> dict[str, Score]:
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for case in cases:
        total[case.kind] += 1
        right[case.kind] += strict_ok(case, _safe(reader, case.text, case.now))
    return {kind: Score(right[kind], total[kind]) for kind in total}


def _describe(found: When | WhenProblem | None) -> str:
    if isinstance(found, When):
        end = found.end.strftime("%m-%d %H:%M") if found.end else ("open" if found.is_span else "-")
        return f"{found.start:%m-%d %H:%M} .. {end} [{found.text}]"
    return repr(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="measure", choices=["measure", "import-peer"])
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--kinds", action="store_true", help="own suite, strict, per kind")
    parser.add_argument("--misses", metavar="APPROACH", help="list the cases APPROACH gets wrong")
    parser.add_argument("--only", nargs="*", default=list(APPROACHES), choices=APPROACHES)
    args = parser.parse_args(argv)
    if args.command == "import-peer":
        if args.path is None:
            parser.error("import-peer needs the path of JioNLP's test/test_time_parser.py")
        print(f"kept {import_peer(args.path)} cases in {PEER_CASES.relative_to(ROOT)}")
        return 0
    own, peer = load_cases(), load_peer_cases()
    chosen = readers(args.only)
    held = [case for case in own if case.holdout]
    print(f"{'approach':<14} {'own strict':>18} {'own lenient':>18} {'held out, strict':>18}"
          f" {'JioNLP peer':>18}")
    for name, reader in chosen.items():
        print(f"{name:<14} {measure_own(reader, own)!s:>18} {measure_own(reader, own, False)!s:>18}"
              f" {measure_own(reader, held)!s:>18} {measure_peer(reader, peer)!s:>18}")
    if args.kinds:
        tables = {name: by_kind(reader, own) for name, reader in chosen.items()}
        kinds = sorted({kind for table in tables.values() for kind in table})
        print("\nown suite, strict, per kind")
        print(f"{'kind':<16}" + "".join(f"{name:>15}" for name in tables))
        for kind in kinds:
            cells = (f"{tables[n][kind].right}/{tables[n][kind].total}" for n in tables)
            print(f"{kind:<16}" + "".join(f"{cell:>15}" for cell in cells))
    if args.misses:
        reader = readers([args.misses])[args.misses]
        print(f"\nmisses of {args.misses}, own suite (strict):")
        for case in own:
            found = _safe(reader, case.text, case.now)
            if not strict_ok(case, found):
                print(f"  [{case.kind}] {case.text} @ {case.now:%m-%d %H:%M}: {_describe(found)}")
        print(f"\nmisses of {args.misses}, JioNLP peer suite:")
        for case in peer:
            found = _safe(reader, case.text, case.now)
            if not _peer_agrees(case, found):
                print(f"  {case.text} @ {case.now:%Y-%m-%d %H:%M}: {_describe(found)}"
                      f"  (expected {case.first:%m-%d %H:%M} .. {case.last:%m-%d %H:%M})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
