"""`python -m bot <command>`: the service's command line, one sub-command per capability."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot import texts
from bot.understanding import Reading, read_message

CENTRE_TZ = ZoneInfo("Asia/Shanghai")


def _parse_now(value: str) -> datetime:
    """An ISO 8601 instant; one without an offset is read as the centre's local time."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"--now 需要 ISO 8601 时间,例如 2026-11-23T10:00:00+08:00 (got {value!r})"
        ) from error
    return parsed.replace(tzinfo=CENTRE_TZ) if parsed.tzinfo is None else parsed


def _describe(reading: Reading) -> str:
    """One human-readable line, for a person trying the assistant at a terminal."""
    intent = texts.INTENT_LABELS.get(reading.intent or "", texts.UNKNOWN)
    parts = [f"意图: {intent} ({reading.confidence:.2f})"]
    if reading.urgency:
        parts.append(f"紧急程度: {texts.URGENCY_LABELS[reading.urgency]}")
    flat = "".join(
        f"{value}{suffix}"
        for value, suffix in (
            (reading.building, "栋"),
            (reading.unit, "单元"),
            (reading.room, "室"),
        )
        if value
    )
    parts.append(f"房屋: {flat or texts.NOT_GIVEN}")
    parts.append(f"电话: {reading.phone or texts.NOT_GIVEN}")
    if reading.when:
        span = f" 至 {reading.when_end:%H:%M}" if reading.when_end else ""
        parts.append(f"时间: {reading.when:%Y-%m-%d %H:%M}{span}")
    elif reading.when_problem:
        parts.append(f"时间: {texts.WHEN_PROBLEM_LABELS.get(reading.when_problem, reading.when_problem)}")
    return " | ".join(parts)


def understand(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """One output line per input line, in order, whatever the line holds."""
    from bot.nlu import ModelNotFound, NluModel

    now = args.now or datetime.now(CENTRE_TZ)
    print("正在加载模型 (loading the newest model) ...", file=sys.stderr, flush=True)
    try:
        model = NluModel.newest(Path(args.models))
    except ModelNotFound as error:
        print(error, file=sys.stderr)
        return 1
    try:
        for line in stdin:
            text = line.rstrip("\r\n").strip()
            guess = model.guess_intent(text)
            reading = read_message(text, guess.name, guess.confidence, now)
            if args.json:
                stdout.write(json.dumps(reading.to_contract(), ensure_ascii=False) + "\n")
            else:
                stdout.write(_describe(reading) + "\n")
            stdout.flush()
    finally:
        model.close()
    return 0


def answer(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """Procedural questions answered from data/knowledge/; no Rasa model needed."""
    from bot.knowledge import default_knowledge

    knowledge = default_knowledge()
    for line in stdin:
        reply = knowledge.answer(line.rstrip("\r\n"))
        if args.json:
            record = {"question": reply.question, "answer": reply.text,
                      "entry": reply.entry_id, "score": reply.score}
            stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            stdout.write(reply.text + "\n\n")
        stdout.flush()
    return 0


def evaluate(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.nlu.evaluation import cross_validate

    from bot.knowledge.evaluation import evaluate_retrieval

    from bot.nlu.blind_evaluation import evaluate_blind

    summary = cross_validate(
        config=Path(args.config), data=Path(args.data), out=Path(args.out), folds=args.folds
    )
    stdout.write(summary + "\n\n" + evaluate_retrieval(Path(args.out)) + "\n")
    # What the trained assistant makes of messages nobody on the team wrote.
    stdout.write("\n" + evaluate_blind(Path(args.models), Path(args.out)) + "\n")
    return 0


def webchat(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.webchat.server import serve

    serve(args.host, args.port)
    return 0


def rasa_server(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.deploy.rasa_server import run

    return run(list(args.rasa_arguments))


def actions_server(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.deploy.action_server import run

    return run(args.port, args.actions)


def console(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.console.server import serve

    serve(args.host, args.port)
    return 0


def write_endpoints(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """Rasa's endpoints for the engines the environment names, after checking each answers."""
    from bot.deploy.engines import (
        EngineUnreachable,
        Engines,
        check_reachable,
        write_endpoints_file,
    )

    engines = Engines.from_environment()
    try:
        check_reachable(engines)
    except EngineUnreachable as error:
        sys.stderr.write(texts.ENGINE_UNREACHABLE.format(problem=error) + "\n")
        return 1
    # Private (0o600) from its first byte: it holds the engines' passwords.
    write_endpoints_file(args.out, engines)
    for line in engines.describe():
        stdout.write(line + "\n")
    return 0


def route(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.deploy.router import replicas_from_environment, serve

    serve(args.host, args.port, replicas_from_environment())
    return 0


def analytics(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """Consume Rasa's events from RabbitMQ into the conversation analytics."""
    from bot.analytics.consumer import run
    from bot.bootstrap import prepare_database
    from bot.deploy.engines import Engines

    engines = Engines.from_environment()
    if not engines.rabbitmq_url:
        sys.stderr.write(texts.ANALYTICS_NO_BROKER + "\n")
        return 2
    prepare_database()
    stdout.write(texts.ANALYTICS_STARTED.format(queue=engines.events_queue) + "\n")
    stdout.flush()
    run(engines.rabbitmq_url, engines.events_queue)
    return 0


def nginx_config(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.deploy.nginx import ProxySettings, render

    stdout.write(render(ProxySettings(
        listen=args.listen, routers=tuple(r.strip() for r in args.routers.split(",") if r.strip()),
        webchats=tuple(w.strip() for w in args.webchats.split(",") if w.strip()),
        certificate=args.certificate, certificate_key=args.certificate_key,
        runtime_dir=args.runtime_dir, user=args.user)))
    return 0


def upgrade_database(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.bootstrap import prepare_database
    from bot.store import database_url

    prepare_database()
    stdout.write(f"数据库已就绪: {database_url().split('@')[-1]}\n")
    return 0


def report(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """The month's report: a short summary here, the page and its charts as files in --out."""
    from bot.reports import Month, monthly_report, render_charts, render_html, summary_lines

    try:
        month = Month.parse(args.month) if args.month else Month.before(datetime.now(CENTRE_TZ))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    monthly = monthly_report(month)
    charts = render_charts(monthly)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, png in charts.items():
        (out / f"report-{month}-{name}.png").write_bytes(png)
    page = out / f"report-{month}.html"
    page.write_text(render_html(monthly, charts), encoding="utf-8")
    for line in summary_lines(monthly):
        stdout.write(line + "\n")
    stdout.write(texts.REPORT_WRITTEN.format(path=page) + "\n")
    return 0


def _new_agent_password() -> str | None:
    """From CONSOLE_PASSWORD (for scripts), else typed twice; never from the command line,
    where it would stay in the shell history and the process list. None when the two differ."""
    if "CONSOLE_PASSWORD" in os.environ:
        return os.environ["CONSOLE_PASSWORD"]
    first = getpass.getpass(texts.AGENT_PASSWORD_PROMPT)
    second = getpass.getpass(texts.AGENT_PASSWORD_AGAIN)
    return first if first == second else None


def agents_add(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.console import add_agent

    password = _new_agent_password()
    if password is None:
        print(texts.AGENT_PASSWORDS_DIFFER, file=sys.stderr)
        return 1
    try:
        agent = add_agent(args.login, args.name, args.role, password)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    stdout.write(texts.AGENT_ADDED.format(login=agent.login, name=agent.display_name,
                                          role=texts.AGENT_ROLE_LABELS[agent.role]) + "\n")
    return 0


def agents_list(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.store import list_agents

    agents = list_agents()
    if not agents:
        stdout.write(texts.AGENT_NONE_YET + "\n")
    for agent in agents:
        stdout.write(texts.AGENT_LIST_LINE.format(
            login=agent.login, name=agent.display_name,
            role=texts.AGENT_ROLE_LABELS.get(agent.role, agent.role),
            status=texts.AGENT_ACTIVE if agent.active else texts.AGENT_INACTIVE,
            created=f"{agent.created_at.astimezone(CENTRE_TZ):%Y-%m-%d %H:%M}",
        ) + "\n")
    return 0


def callbacks_tick(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """One scheduler tick (at --now, for trying a date), or ticking forever with `run`."""
    import logging

    from bot.bootstrap import prepare_database
    from bot.surveys.scheduler import Scheduler

    prepare_database()
    moment = args.now
    scheduler = Scheduler(clock=lambda: moment) if moment else Scheduler()
    if args.callbacks_command == "tick":
        stdout.write(texts.CALLBACK_TICK_DONE.format(report=scheduler.tick()) + "\n")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stdout.write(texts.CALLBACK_SCHEDULER_STARTED.format(seconds=args.interval) + "\n")
    stdout.flush()
    scheduler.run_forever(args.interval)
    return 0


def owners_dates(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """The owner register's dates a callback needs: handed over (交付) and moved in (入住)."""
    from bot.bootstrap import prepare_database
    from bot.store import set_owner_dates

    prepare_database()
    set_owner_dates(args.channel, args.sender, args.delivered, args.moved_in)
    stdout.write(texts.OWNER_DATES_SAVED.format(channel=args.channel, sender=args.sender) + "\n")
    return 0


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"日期格式应为 2026-11-23 (got {value!r})") from error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="物业客服助手")
    commands = parser.add_subparsers(dest="command", required=True)

    reader = commands.add_parser(
        "understand", help="read owner messages from stdin, one per line, and say what they mean"
    )
    reader.add_argument("--json", action="store_true", help="one JSON object per line")
    reader.add_argument(
        "--now", type=_parse_now, default=None, help="ISO 8601 reference time (default: now)"
    )
    reader.add_argument(
        "--models", default=os.environ.get("MODELS_DIR", "models"), help="trained models folder"
    )
    reader.set_defaults(handler=understand)

    answerer = commands.add_parser(
        "answer", help="answer procedural questions from the knowledge base, one per line"
    )
    answerer.add_argument("--json", action="store_true", help="one JSON object per line")
    answerer.set_defaults(handler=answer)

    evaluator = commands.add_parser("eval", help="cross-validated NLU evaluation report")
    evaluator.add_argument("--config", default="config.yml")
    evaluator.add_argument("--data", default="data/nlu")
    evaluator.add_argument("--out", default="reports/eval")
    evaluator.add_argument("--folds", type=int, default=5)
    evaluator.add_argument("--models", default=os.environ.get("MODELS_DIR", "models"),
                           help="the trained model the blind corpus is read with")
    evaluator.set_defaults(handler=evaluate)

    chat = commands.add_parser("webchat", help="serve the local web chat page")
    chat.add_argument("--host", default=os.environ.get("WEBCHAT_HOST", "127.0.0.1"))
    chat.add_argument("--port", type=int, default=int(os.environ.get("WEBCHAT_PORT", "8080")))
    chat.set_defaults(handler=webchat)

    rasa = commands.add_parser(
        "rasa-server", help="Rasa's server with its API behind JWT, on RASA_INTERFACE (loopback)")
    rasa.add_argument("rasa_arguments", nargs=argparse.REMAINDER,
                      help="passed on to `rasa run` (--model, --port, --endpoints ...)")
    rasa.set_defaults(handler=rasa_server)

    acting = commands.add_parser(
        "actions-server", help="the action server, token-checked, on ACTIONS_INTERFACE (loopback)")
    acting.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    acting.add_argument("--actions", default="actions")
    acting.set_defaults(handler=actions_server)

    desk = commands.add_parser("console", help="serve the agents' console")
    desk.add_argument("--host", default=os.environ.get("CONSOLE_HOST", "127.0.0.1"))
    desk.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", "8081")))
    desk.set_defaults(handler=console)

    callbacks = commands.add_parser("callbacks", help="the callback (回访) scheduler")
    callback_commands = callbacks.add_subparsers(dest="callbacks_command", required=True)
    ticker = callback_commands.add_parser("tick", help="plan and start what is due, once")
    ticker.add_argument("--now", type=_parse_now, default=None,
                        help="ISO 8601 time to act as (default: now)")
    ticker.set_defaults(handler=callbacks_tick)
    runner = callback_commands.add_parser("run", help="tick every --interval seconds")
    runner.add_argument("--interval", type=float,
                        default=float(os.environ.get("CALLBACK_TICK_SECONDS", "60")))
    runner.set_defaults(handler=callbacks_tick, now=None)

    owners = commands.add_parser("owners", help="the owner register")
    owner_commands = owners.add_subparsers(dest="owners_command", required=True)
    dates = owner_commands.add_parser("dates", help="record when a flat was handed over / moved into")
    dates.add_argument("--channel", required=True, help="telegram / wechat / rest")
    dates.add_argument("--sender", required=True, help="the owner's id on that channel")
    dates.add_argument("--delivered", type=_parse_day, default=None, help="交付日期 YYYY-MM-DD")
    dates.add_argument("--moved-in", type=_parse_day, default=None, help="入住日期 YYYY-MM-DD")
    dates.set_defaults(handler=owners_dates)

    monthly = commands.add_parser(
        "report", help="the monthly report: summary here, HTML page and charts in --out"
    )
    monthly.add_argument("--month", help="YYYY-MM in the centre's time (default: last month)")
    monthly.add_argument("--out", default="reports/monthly", help="folder for the page and charts")
    monthly.set_defaults(handler=report)

    endpoints = commands.add_parser(
        "endpoints", help="write Rasa's endpoints for DATABASE_URL / REDIS_URL / RABBITMQ_URL")
    endpoints.add_argument("--out", default=os.environ.get("ENDPOINTS_FILE", "var/endpoints.yml"))
    endpoints.set_defaults(handler=write_endpoints)

    router = commands.add_parser(
        "router", help="one address for several Rasa replicas, each conversation on one")
    router.add_argument("--host", default=os.environ.get("ROUTER_HOST", "127.0.0.1"))
    router.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    router.set_defaults(handler=route)

    consumer = commands.add_parser(
        "analytics", help="consume Rasa's events (RABBITMQ_URL) into the conversation analytics")
    consumer.set_defaults(handler=analytics)

    proxy = commands.add_parser("nginx-config", help="print an nginx reverse-proxy configuration")
    proxy.add_argument("--listen", default="443 ssl")
    proxy.add_argument("--routers", default="127.0.0.1:5005", help="host:port,host:port")
    proxy.add_argument("--webchats", default="127.0.0.1:8080",
                       help="the web chat servers, host:port,host:port")
    proxy.add_argument("--certificate", default="/etc/ssl/certs/assistant.pem")
    proxy.add_argument("--certificate-key", default="/etc/ssl/private/assistant.key")
    proxy.add_argument("--runtime-dir", default="/var/lib/property-assistant/nginx")
    proxy.add_argument("--user", default="www-data")
    proxy.set_defaults(handler=nginx_config)

    database = commands.add_parser("db-upgrade", help="create or migrate the database")
    database.set_defaults(handler=upgrade_database)

    agents = commands.add_parser("agents", help="the agents' console accounts")
    agent_commands = agents.add_subparsers(dest="agents_command", required=True)
    adder = agent_commands.add_parser(
        "add", help="create an account; the password comes from CONSOLE_PASSWORD or is prompted"
    )
    adder.add_argument("--login", required=True)
    adder.add_argument("--name", required=True, help="the name colleagues see")
    adder.add_argument("--role", choices=("agent", "supervisor"), default="agent")
    adder.set_defaults(handler=agents_add)
    lister = agent_commands.add_parser("list", help="every account, active or not")
    lister.set_defaults(handler=agents_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["rasa-server"] and arguments[1:2] not in (["-h"], ["--help"]):
        # Everything after the command is `rasa run`'s (argparse cannot pass options on).
        from bot.deploy.rasa_server import run

        return run(arguments[1:])
    args = build_parser().parse_args(arguments)
    # Owners write Chinese; never let a C locale turn that into an encoding error.
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    return int(args.handler(args, sys.stdin, sys.stdout))
