"""`python -m bot <command>`: the project's command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
# heldout.yml was written apart from the training data; heldout_fresh.yml later, by a
# writer who saw neither the training data nor heldout.yml, and nobody has tuned on it.
DEFAULT_HELDOUT = (
    PROJECT_DIR / "tests" / "nlu" / "heldout.yml",
    PROJECT_DIR / "tests" / "nlu" / "heldout_fresh.yml",
)


def _settings():
    from bot.settings import load_settings

    return load_settings(PROJECT_DIR / ".env")


def _quiet_libraries() -> None:
    from bot.runner import quiet_library_env

    for name, value in quiet_library_env().items():
        os.environ.setdefault(name, value)
    logging.basicConfig(level=logging.WARNING)
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # Rasa 3.6 also logs through structlog, which writes every debug line to standard
    # output until configured: route it through `logging` (standard error) instead.
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)


def _model_or_exit(path: str | None, settings) -> Path:
    """The model given on the command line, else the served one."""
    from bot.model.store import ModelStore

    model = Path(path) if path else ModelStore(settings.models_path).served()
    if model is None or not model.exists():
        sys.exit("No trained model found in models/: run `make model` first.")
    return model


def cmd_classify(args: argparse.Namespace) -> int:
    """Classify messages from standard input, one JSON object per line on standard output."""
    _quiet_libraries()
    from bot.nlu.classify import Classifier, classify_lines

    classifier = Classifier(_model_or_exit(args.model, _settings()))
    try:
        for result in classify_lines(classifier, sys.stdin):
            print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        classifier.close()
    return 0


def cmd_triage(args: argparse.Namespace) -> int:
    """Triage JSON lines {"text": ..., "at": ...} from standard input with the model and the scripts."""
    from bot.datafiles import DataFileError
    from bot.triage.cli import triage_lines
    from bot.triage.service import load_knowledge

    try:
        knowledge = load_knowledge(PROJECT_DIR / "data")
    except DataFileError as error:
        sys.exit(str(error))
    _quiet_libraries()
    from bot.nlu.classify import Classifier

    classifier = Classifier(_model_or_exit(args.model, _settings()))
    try:
        for result in triage_lines(knowledge, classifier.parse, sys.stdin):
            print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        classifier.close()
    return 0


def _release_plan(settings):
    from bot.model.build import TrainingInputs
    from bot.model.release import Release
    from bot.model.serving import RasaServer
    from bot.model.store import ModelStore

    token = settings.rasa_auth_token.get_secret_value()
    return Release(
        inputs=TrainingInputs(PROJECT_DIR, settings.training_data_dir),
        store=ModelStore(settings.models_path),
        heldout=list(DEFAULT_HELDOUT),
        servers=[RasaServer(url, token) for url in settings.rasa_server_urls],
        max_drop=settings.promotion_max_f1_drop,
        keep=settings.models_keep,
    )


def cmd_train(args: argparse.Namespace) -> int:
    """Train when the training data changed, evaluate, compare with the served model and promote it."""
    from bot.model.release import release
    from bot.validation import validate

    settings = _settings()
    plan = _release_plan(settings)
    os.chdir(PROJECT_DIR)
    _quiet_libraries()
    return release(
        plan,
        validate=lambda inputs: validate(inputs, settings.operator_data_dir) == 0,
        again=args.again,
        force=args.force,
        finetune=args.finetune,
    )


def cmd_model(args: argparse.Namespace) -> int:
    """The served model: its path (path), the history (list), or the one before it again (rollback)."""
    from bot.model.release import roll_back
    from bot.model.serving import ServingError
    from bot.model.store import NothingToRollBackTo

    plan = _release_plan(_settings())
    if args.action == "rollback":
        try:
            target = roll_back(plan.store, plan.servers)
        except (NothingToRollBackTo, ServingError) as error:
            print(f"python -m bot model rollback: {error}", file=sys.stderr)
            return 1
        print(f"Rolled back: {target.name} is served again.")
        return 0
    served = plan.store.served()
    if args.action == "path":
        if served is None:
            print("No model is served: run `make model` first.", file=sys.stderr)
            return 1
        print(served)
        return 0
    print(f"Served: {served.name if served else 'none'}")
    for archive in sorted(plan.store.directory.glob("*.tar.gz"), reverse=True):
        print(f"  kept  {archive.name}{'  (served)' if archive == served else ''}")
    for event in plan.store.events()[: args.limit]:
        note = f"  {event.note}" if event.note else ""
        print(f"  {event.at}  {event.action:<16} {event.model}{note}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Evaluate the served model on held-out sets and enforce the macro-F1 gate on each."""
    _quiet_libraries()
    from bot.model.heldout import evaluate_model, store_results, stored_results
    from bot.nlu.evaluation import format_report

    settings = _settings()
    model = _model_or_exit(args.model, settings)
    paths = [Path(data) for data in args.data] if args.data else list(DEFAULT_HELDOUT)
    reports_dir = settings.models_path / "reports"
    results = None if args.again else stored_results(reports_dir, model, paths)
    if results is None:
        results = evaluate_model(model, paths)
        written = store_results(reports_dir, model, paths, results, None)
        print(f"Report stored with the model: {written.parent}\n")
    else:
        print(f"The evaluation stored with {model.name} was made on exactly these sets: shown again.\n")
    failed = []
    for name, result in results.items():
        report = result.report
        print(f"Held-out evaluation of {model.name} on {name} ({result.messages} messages)\n")
        print(format_report(report) + "\n")
        print(
            "Sent straight to a person by a cue (anger, distress, a death): "
            f"{len(result.cued)} of {result.messages}"
        )
        for cue, text in result.cued:
            print(f"  [{cue}] {text[:120]}")
        print()
        if args.min_macro_f1 is not None and report.category_macro_f1 < args.min_macro_f1:
            failed.append(f"{name}: category macro-F1 {report.category_macro_f1:.3f}")
    evaluations = {name: result.report for name, result in results.items()}
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(
            json.dumps(
                {name: report.__dict__ for name, report in evaluations.items()}, indent=2, ensure_ascii=False
            )
        )
    if failed:
        print(f"FAILED: below the gate of {args.min_macro_f1:.3f}: " + "; ".join(failed))
        return 1
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the operator data files, then the training data with Rasa; any warning fails."""
    from bot.model.build import TrainingInputs
    from bot.validation import validate

    settings = _settings()
    return validate(TrainingInputs(PROJECT_DIR, settings.training_data_dir), settings.operator_data_dir)


def cmd_run(args: argparse.Namespace) -> int:
    """Start the local stack (action server, Rasa and the web app) until Ctrl-C."""
    from bot.runner import Supervisor, stack_services, write_stack_files

    settings = _settings()
    os.chdir(PROJECT_DIR)
    (PROJECT_DIR / settings.var_dir).mkdir(parents=True, exist_ok=True)
    model = _model_or_exit(None, settings)
    with_demo = settings.environment != "production"
    print(f"[run] app data: {_prepare_database(settings.database_url, with_demo=with_demo)}", flush=True)
    web = f"http://{settings.host}:{settings.web_port}"
    if settings.whatsapp_is_local:
        print(f"[run] local mode (no Twilio account): chat as a tenant at {web}/simulator", flush=True)
    print(f"[run] agent console: {web}/console (add users with `python -m bot users add`)", flush=True)
    write_stack_files(settings)
    print(f"[run] profile: {_profile(settings)}", flush=True)
    return Supervisor(stack_services(settings, model), PROJECT_DIR).run_until_stopped()


def _profile(settings) -> str:
    """One line on where conversations, locks and events go (no credentials)."""
    tracker = _shown_url(settings.tracker_store_url)
    locks = _shown_url(settings.lock_store_url) if settings.lock_store_url else "inside the Rasa process"
    events = _shown_url(settings.event_broker_url) if settings.event_broker_url else "no event broker"
    replicas = f"{settings.rasa_replicas} Rasa replica(s)"
    if settings.rasa_replicas > 1:
        replicas += " behind nginx"
    return f"tracker store {tracker}; lock store {locks}; {events}; {replicas}"


def cmd_chat(args: argparse.Namespace) -> int:
    """Chat with the running stack from the terminal."""
    from bot.chat import chat

    chat(args.url or _settings().rasa_url)
    return 0


def cmd_init_env(args: argparse.Namespace) -> int:
    """Create `.env` from `.env.example` with generated secrets, if it does not exist."""
    from bot.envfile import init_env

    if init_env(PROJECT_DIR):
        print("Created .env with generated RASA_AUTH_TOKEN and WEB_API_TOKEN.")
    return 0


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Migrate the app database (DATABASE_URL) to the latest schema."""
    from bot.db import migrate

    url = _settings().database_url
    migrate(url)
    print(f"Database {_shown_url(url)} is at the latest schema.")
    return 0


def _prepare_database(url: str, *, with_demo: bool = True) -> str:
    """Migrate the app database and, outside production, add the demo corporation's data if missing."""
    from bot.db import create_engine_from_url, migrate, session_factory, transaction
    from bot.demo import load_demo

    migrate(url)
    if not with_demo:
        return "migrated; no demo data in production"
    engine = create_engine_from_url(url)
    try:
        with transaction(session_factory(engine)) as session:
            return str(load_demo(session))
    finally:
        engine.dispose()


def cmd_load_demo(args: argparse.Namespace) -> int:
    """Migrate the app database, then add the demo corporation's data if missing."""
    url = _settings().database_url
    print(f"{_prepare_database(url)} in {_shown_url(url)}")
    return 0


def cmd_import_tenants(args: argparse.Namespace) -> int:
    """Import tenants from a CSV file (docs/import-tenants.md); any invalid row imports nothing."""
    from bot.db import migrated_engine, session_factory, transaction
    from bot.tenant_import import import_tenants

    if not Path(args.file).is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 1
    with migrated_engine(_settings().database_url) as engine:
        if engine is None:
            return 1
        with transaction(session_factory(engine)) as session:
            result = import_tenants(session, args.file)
    for error in result.errors:
        print(error.format(args.file), file=sys.stderr)
    if not result.ok:
        print(f"Nothing imported: {len(result.errors)} error(s) in {args.file}.", file=sys.stderr)
        return 1
    print(f"Imported {args.file}: {result.summary()}.")
    return 0


def _iso_date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def cmd_tickets(args: argparse.Namespace) -> int:
    """List tickets for the back office as a table, CSV or JSON lines (no names or phones)."""
    from bot.db import migrated_engine, session_factory
    from bot.ticket_export import export_tickets

    with migrated_engine(_settings().database_url) as engine:
        if engine is None:
            return 1
        try:
            with session_factory(engine)() as session:
                export_tickets(
                    session,
                    sys.stdout,
                    format=args.format,
                    statuses=args.status or (),
                    urgency=args.urgency,
                    complex_code=args.complex,
                    since=args.since,
                    until=args.until,
                )
        except ValueError as error:
            print(f"python -m bot tickets: {error}", file=sys.stderr)
            return 1
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Manage console users: add (password asked, or read from stdin), list, disable."""
    from bot.console.users import UserError, add_user, disable_user, list_users
    from bot.db import migrated_engine, session_factory, transaction

    with migrated_engine(_settings().database_url) as engine:
        if engine is None:
            return 1
        try:
            with transaction(session_factory(engine)) as session:
                if args.action == "add":
                    password = _read_password(args.password_stdin)
                    user = add_user(session, username=args.username, password=password, role=args.role)
                    print(f"Added {user.username} ({user.role.value}).")
                elif args.action == "disable":
                    user = disable_user(session, args.username)
                    print(f"Disabled {user.username}; their sessions have ended.")
                else:
                    for user in list_users(session):
                        state = "active" if user.active else "disabled"
                        last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "never"
                        print(f"{user.username:<24} {user.role.value:<9} {state:<9} last log-in {last}")
        except UserError as error:
            print(f"python -m bot users: {error}", file=sys.stderr)
            return 1
    return 0


def _read_password(from_stdin: bool) -> str:
    """The new password: one line on stdin, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("python -m bot users: the passwords differ")
    return first


def _add_users_command(commands) -> None:
    users = commands.add_parser("users", help=cmd_users.__doc__)
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--role", choices=["agent", "operator", "admin"], default="agent")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin (scripts)")
    actions.add_parser("list", help="list the users")
    disable = actions.add_parser("disable", help="disable a user and end their sessions")
    disable.add_argument("username")
    users.set_defaults(handler=cmd_users)


def _add_tickets_command(commands) -> None:
    from bot.ticket_export import FORMATS
    from bot.tickets import TicketStatus, Urgency

    tickets = commands.add_parser("tickets", help=cmd_tickets.__doc__)
    tickets.add_argument(
        "--status", action="append", choices=[s.value for s in TicketStatus], help="repeatable; default: all"
    )
    tickets.add_argument("--urgency", choices=[u.value for u in Urgency])
    tickets.add_argument("--complex", metavar="CODE", help="complex code, e.g. DL-GAL")
    tickets.add_argument(
        "--since", type=_iso_date, metavar="YYYY-MM-DD", help="created on or after (NL time)"
    )
    tickets.add_argument(
        "--until", type=_iso_date, metavar="YYYY-MM-DD", help="created on or before (NL time)"
    )
    tickets.add_argument("--format", choices=list(FORMATS), default="table", help="default: table")
    tickets.set_defaults(handler=cmd_tickets)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    classify = commands.add_parser("classify", help=cmd_classify.__doc__)
    classify.add_argument("--model", help="model archive (default: the latest in models/)")
    classify.set_defaults(handler=cmd_classify)

    triage = commands.add_parser("triage", help=cmd_triage.__doc__)
    triage.add_argument("--model", help="model archive (default: the newest in models/)")
    triage.set_defaults(handler=cmd_triage)

    train = commands.add_parser("train", help=cmd_train.__doc__)
    train.add_argument("--again", action="store_true", help="train even if the training data did not change")
    train.add_argument(
        "--force", action="store_true", help="serve the new model even if the gate refuses it (macro-F1 drop)"
    )
    train.add_argument(
        "--finetune",
        type=float,
        metavar="FRACTION",
        help="continue from the served model for this fraction of the epochs (e.g. 0.2), not from scratch",
    )
    train.set_defaults(handler=cmd_train)

    model = commands.add_parser("model", help=cmd_model.__doc__)
    model.add_argument("action", choices=["path", "list", "rollback"])
    model.add_argument("--limit", type=int, default=20, help="history entries to show (list)")
    model.set_defaults(handler=cmd_model)

    evaluate = commands.add_parser("evaluate", help=cmd_evaluate.__doc__)
    evaluate.add_argument(
        "--data", action="append", help="labelled NLU file; repeatable (default: both held-out sets)"
    )
    evaluate.add_argument("--model", help="model archive (default: the latest in models/)")
    evaluate.add_argument("--min-macro-f1", type=float, help="fail below this category macro-F1")
    evaluate.add_argument("--report", help="also write the report as JSON to this file")
    evaluate.add_argument(
        "--again", action="store_true", help="classify again even if an evaluation on these sets is stored"
    )
    evaluate.set_defaults(handler=cmd_evaluate)

    commands.add_parser("validate", help=cmd_validate.__doc__).set_defaults(handler=cmd_validate)
    commands.add_parser("run", help=cmd_run.__doc__).set_defaults(handler=cmd_run)

    chat = commands.add_parser("chat", help=cmd_chat.__doc__)
    chat.add_argument("--url", help="Rasa server URL (default: from settings)")
    chat.set_defaults(handler=cmd_chat)

    commands.add_parser("init-env", help=cmd_init_env.__doc__).set_defaults(handler=cmd_init_env)

    commands.add_parser("db-upgrade", help=cmd_db_upgrade.__doc__).set_defaults(handler=cmd_db_upgrade)
    commands.add_parser("load-demo", help=cmd_load_demo.__doc__).set_defaults(handler=cmd_load_demo)
    import_tenants = commands.add_parser("import-tenants", help=cmd_import_tenants.__doc__)
    import_tenants.add_argument("file", help="CSV file with the columns of docs/import-tenants.md")
    import_tenants.set_defaults(handler=cmd_import_tenants)
    _add_tickets_command(commands)
    _add_users_command(commands)
    from bot.review.cli import add_command as add_review_command

    add_review_command(commands)
    from bot.privacy_cli import add_command as add_privacy_command

    add_privacy_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)
