"""`python -m bot privacy`: the AVG duties from the command line (the rules are in `bot.privacy`).

- `privacy retention [--days N] [--dry-run]`: delete conversations without activity for N days
  (default `RETENTION_DAYS`) and what the app database keeps of them;
- `privacy erase PHONE [--dry-run]`, `privacy erase --conversation ID [--dry-run]`: erase
  everything about one phone number, or one conversation (Messenger's page-scoped id).

Both print counts per table, never the data itself; `--dry-run` changes nothing.
"""

from __future__ import annotations

import argparse
import sys

from bot.settings import PROJECT_DIR


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days, 1 or more")
    return int(text)


def add_command(commands) -> None:
    """Register `privacy retention` and `privacy erase` on the top-level command parser."""
    privacy = commands.add_parser(
        "privacy", help="AVG duties: delete old conversations (retention), erase one person's data"
    )
    actions = privacy.add_subparsers(dest="action", required=True)
    retention = actions.add_parser(
        "retention", help="delete conversations without activity for N days; anonymise their closed tickets"
    )
    retention.add_argument("--days", type=_positive_int, help="default: RETENTION_DAYS (365)")
    retention.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    erase = actions.add_parser("erase", help="erase everything about one phone number or conversation")
    erase.add_argument("phone", nargs="?", help="the phone number, in any notation (06-..., +316...)")
    erase.add_argument("--conversation", metavar="ID", help="a conversation id, e.g. Messenger's user id")
    erase.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    privacy.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run retention or erasure with the settings' databases and print the summary."""
    from bot.db import migrated_engine
    from bot.privacy import open_tracker, run_erasure, run_retention
    from bot.settings import load_settings

    if args.action == "erase" and (args.phone is None) == (args.conversation is None):
        print("python -m bot privacy erase: give a phone number or --conversation ID", file=sys.stderr)
        return 2
    settings = load_settings(PROJECT_DIR / ".env")
    with migrated_engine(settings.database_url) as app_engine:
        if app_engine is None:
            return 1
        tracker_engine = open_tracker(settings.tracker_store_url)
        try:
            if tracker_engine is None:
                print("No tracker store found: only the app database is processed.")
            if args.action == "retention":
                report = run_retention(
                    app_engine=app_engine,
                    tracker_engine=tracker_engine,
                    days=args.days or settings.retention_days,
                    dry_run=args.dry_run,
                )
            else:
                report = run_erasure(
                    app_engine=app_engine,
                    tracker_engine=tracker_engine,
                    phone=args.phone,
                    conversation_id=args.conversation,
                    dry_run=args.dry_run,
                )
        except ValueError as error:
            # The messages of bot.privacy never repeat the number or id they were given.
            print(f"python -m bot privacy: {error}", file=sys.stderr)
            return 1
        finally:
            if tracker_engine is not None:
                tracker_engine.dispose()
    print("\n".join(report.lines()))
    return 0
