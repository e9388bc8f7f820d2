"""When the action server does not answer, the tenant hears so and a colleague calls back.

Rasa logs a failed custom action and carries on silently: the tenant who just reported a
leak gets no answer at all. `guard_remote_actions` (installed by bot/rasa_server.py) wraps
Rasa's `RemoteAction.run`: when the action server cannot be reached or fails, Rasa itself
registers a callback in the app database (bot/callbacks.py) and says, in the corporation's
words (`utter_service_outage_*` in domain/core.yml), that something went wrong on our side
and when a colleague calls. Within one outage a conversation gets one callback and one
apology per message at most, after which the bot listens again; a rejection by a form's
validation is not an outage.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, FollowupAction, UserUttered

logger = logging.getLogger(__name__)
OUTAGE_MARK = "service_outage"
# A second failure within this time is the same outage: no second callback.
SAME_OUTAGE_SECONDS = 30 * 60
MAX_MESSAGE_IN_REASON = 300


def outage_replies_since(events: list[Any], since: float) -> list[BotUttered]:
    """Our outage apologies in the conversation after `since` (a Unix time)."""
    return [
        event
        for event in events
        if isinstance(event, BotUttered) and event.metadata.get(OUTAGE_MARK) and event.timestamp >= since
    ]


def events_of_this_turn(events: list[Any]) -> list[Any]:
    """The events since the bot last listened before the tenant's last message.

    That includes what happened before the message was logged: a new session starts with
    the custom `action_session_start`, which fails first when the action server is down.
    """
    start = len(events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            start = index
            break
    while start > 0 and not _is_listen(events[start - 1]):
        start -= 1
    return events[start:]


def _is_listen(event: Any) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME


def callback_reason(tracker: Any) -> str:
    """What the colleague who calls back should know; the tenant's last words included."""
    text = (tracker.latest_message.text or "").strip() if tracker.latest_message else ""
    reason = "Storing: de chatassistent kon het gesprek niet afmaken."
    if text and not text.startswith("/"):
        reason += f" Laatste bericht: {text[:MAX_MESSAGE_IN_REASON]}"
    return reason


def register_callback(tracker: Any) -> tuple[bool, str]:
    """A callback for this conversation in the app database: (registered, when in Dutch)."""
    from bot.callbacks import promise_callback
    from bot.office_hours import load_office_hours

    data_dir = Path(os.environ.get("DATA_DIR", "data"))
    promise = promise_callback(
        os.environ["DATABASE_URL"],
        conversation_id=tracker.sender_id,
        sender=tracker.sender_id,
        reason=callback_reason(tracker),
        office_hours=load_office_hours(data_dir / "office_hours.yml"),
    )
    return promise.registered, promise.when


async def outage_events(tracker: Any, nlg: Any, channel: str) -> list[Any]:
    """The apology (with a callback when we can reach the tenant) for one failed action."""
    events = list(tracker.events)
    # After the apology the bot listens: no rule or policy goes on with half-set slots.
    listen = FollowupAction(ACTION_LISTEN_NAME)
    if outage_replies_since(events_of_this_turn(events), 0):
        return [listen]
    if outage_replies_since(events, time.time() - SAME_OUTAGE_SECONDS):
        template, values = "utter_service_outage_still", {}
    else:
        try:
            registered, when = await asyncio.to_thread(register_callback, tracker)
        except Exception as error:  # noqa: BLE001 - the database may be part of the outage
            logger.error("could not register a callback during the outage (%s)", type(error).__name__)
            registered, when = False, ""
        template = "utter_service_outage_callback" if registered else "utter_service_outage"
        values = {"callback_when": when}
    message = await nlg.generate(template, tracker, channel, **values) or {}
    return [BotUttered(message.get("text"), {}, {OUTAGE_MARK: True, "template_name": template}), listen]


def guard_remote_actions(on_failure: Callable[[], None] = lambda: None) -> None:
    """Make every custom action answer the tenant honestly when the action server fails."""
    original = RemoteAction.run
    if getattr(original, "guarded", False):
        return

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Any]:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception as error:  # noqa: BLE001 - any failure of the action server
            on_failure()
            logger.error(
                "ALERT: custom action %s failed (%s); the tenant gets an apology",
                self.name(),
                type(error).__name__,
            )
            return await outage_events(tracker, nlg, output_channel.name())

    run.guarded = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[method-assign]
