"""`python -m bot review`: the review inbox from the command line.

- `review list [--limit N]`: the messages that need a look (JSON lines: event id, text with
  personal data already replaced, predicted intent, confidence, reasons);
- `review label EVENT INTENT [--text TEXT]`: save it as a training example of INTENT (the
  text, e.g. with entity markup, instead of the message itself), personal data replaced;
- `review out-of-scope EVENT [--text TEXT]`, `review ignore EVENT`.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.review.models import IGNORED, LABELLED, OUT_OF_SCOPE

ACTIONS = {"label": LABELLED, "out-of-scope": OUT_OF_SCOPE, "ignore": IGNORED}


def add_command(commands) -> None:
    """Register `review` and its actions on the top-level command parser."""
    review = commands.add_parser("review", help="the NLU review inbox: list, label, out-of-scope, ignore")
    actions = review.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="messages that need a look, newest first (JSON lines)")
    listing.add_argument("--limit", type=int, default=50)
    label = actions.add_parser("label", help="save a message as a training example of INTENT")
    label.add_argument("event", type=int)
    label.add_argument("intent")
    label.add_argument("--text", help="the example to save instead of the message (entity markup allowed)")
    out = actions.add_parser("out-of-scope", help="save a message as an out-of-scope example")
    out.add_argument("event", type=int)
    out.add_argument("--text")
    ignore = actions.add_parser("ignore", help="take a message out of the inbox without saving it")
    ignore.add_argument("event", type=int)
    review.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.db import create_engine_from_url, session_factory, transaction
    from bot.review.inbox import candidate, candidates
    from bot.review.nlu_files import ExampleRefused
    from bot.review.service import decide, preview, training_files
    from bot.settings import PROJECT_DIR, load_settings
    from bot.tracker_store import read_only_engine

    settings = load_settings(PROJECT_DIR / ".env")
    engine, tracker = (
        create_engine_from_url(settings.database_url),
        read_only_engine(settings.tracker_store_url),
    )
    sessions = session_factory(engine)
    try:
        if args.action == "list":
            with sessions() as session:
                for item in candidates(session, tracker, limit=args.limit):
                    row = {
                        "event": item.event_id,
                        "text": preview(session, item.text),
                        "intent": item.intent,
                        "confidence": item.confidence,
                        "reasons": list(item.reasons),
                    }
                    print(json.dumps(row, ensure_ascii=False))
            return 0
        with transaction(sessions) as session:
            item = candidate(session, tracker, args.event)
            if item is None:
                raise ExampleRefused(f"bericht {args.event} staat niet (meer) in de inbox")
            saved = decide(
                session,
                training_files(PROJECT_DIR, settings.training_data_dir),
                item,
                decision=ACTIONS[args.action],
                by="cli",
                intent=getattr(args, "intent", None),
                text=getattr(args, "text", None),
            )
        where = f" in {saved.file}: {saved.example}" if saved.file else ""
        print(f"{saved.decision}{where}")
        return 0
    except ExampleRefused as error:
        print(f"python -m bot review: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
        tracker.dispose()
