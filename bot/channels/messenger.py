"""Facebook Messenger as a Rasa channel: `/webhooks/messenger/webhook`.

GET is Meta's verification handshake (403 on a wrong token). POST must carry
`X-Hub-Signature-256`, the HMAC-SHA256 of the raw body with the app secret, compared in
constant time; anything else gets 403 before the body is read. Every messaging event of
every entry in a batch is handled, each `mid` once; echoes, deliveries and reads are
ignored; quick replies and postbacks become their payload; image attachments are kept
like WhatsApp photos. Replies go through the outbox; `MessengerSender` sends them with
the Graph API's Send API, buttons as quick replies where Messenger allows them.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.base import OutboxOutput, SettingsInput, plain_buttons
from bot.channels.delivery import Outgoing
from bot.channels.formatting import numbered_choices, resolve_choice, split_text
from bot.channels.media import wordless_text
from bot.channels.twilio_api import RETRYABLE_STATUSES, DeliveryError

logger = logging.getLogger(__name__)
CHANNEL = "messenger"
# The Send API's limits: 2,000 characters of text, 13 quick replies of 20 characters.
TEXT_LIMIT = 2000
MAX_QUICK_REPLIES = 13
QUICK_REPLY_TITLE_LIMIT = 20
MESSAGING_WINDOW = timedelta(hours=24)


def signature_ok(body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body with the app secret."""
    if not header or not header.startswith("sha256=") or not app_secret:
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :])


@dataclass(frozen=True)
class MessengerEvent:
    """One tenant message or button press from a webhook batch."""

    sender: str
    message_id: str
    text: str
    metadata: dict[str, Any]


def read_events(payload: Any, offered: Callable[[str], list[dict]]) -> list[MessengerEvent]:
    """Every message and postback of every entry; echoes, deliveries and reads are left out."""
    events: list[MessengerEvent] = []
    if not isinstance(payload, dict) or payload.get("object") != "page":
        return events
    for entry in payload.get("entry") or []:
        for item in (entry or {}).get("messaging") or []:
            event = _read_event(item, offered)
            if event is not None:
                events.append(event)
    return events


def _read_event(item: dict, offered: Callable[[str], list[dict]]) -> MessengerEvent | None:
    sender = str((item.get("sender") or {}).get("id") or "")
    if not sender:
        return None
    if "postback" in item:
        postback = item["postback"] or {}
        message_id = postback.get("mid") or f"postback-{sender}-{item.get('timestamp')}"
        return MessengerEvent(
            sender, message_id, str(postback.get("payload") or postback.get("title") or ""), {}
        )
    message = item.get("message")
    if not isinstance(message, dict) or message.get("is_echo") or not message.get("mid"):
        return None  # deliveries, reads, echoes of our own messages
    metadata: dict[str, Any] = {"channel_message_id": message["mid"]}
    media = [
        {"url": (a.get("payload") or {}).get("url"), "content_type": a.get("type") or "unknown"}
        for a in message.get("attachments") or []
        if isinstance(a, dict) and (a.get("payload") or {}).get("url")
    ]
    if media:
        metadata["media"] = media
    quick_reply = (message.get("quick_reply") or {}).get("payload")
    text = str(quick_reply or message.get("text") or "").strip()
    if text and not quick_reply:
        text = resolve_choice(text, offered(sender))
    if not text:
        text = wordless_text(media, has_location=False)
    return MessengerEvent(sender, message["mid"], text, metadata)


def send_api_messages(text: str, buttons: list[dict], media_url: str | None) -> list[dict]:
    """The Send API `message` objects for one outbox message: quick replies where they fit."""
    if media_url:
        return [{"attachment": {"type": "image", "payload": {"url": media_url, "is_reusable": True}}}]
    quick = (
        buttons
        and len(buttons) <= MAX_QUICK_REPLIES
        and all(len(b["title"]) <= QUICK_REPLY_TITLE_LIMIT for b in buttons)
    )
    body = text if quick or not buttons else numbered_choices(text, buttons)
    messages: list[dict] = [{"text": part} for part in split_text(body, TEXT_LIMIT)]
    if quick and messages:
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons
        ]
    return messages


class MessengerSender:
    """Sends outbox messages with the Graph API's Send API, within Messenger's 24-hour window."""

    def __init__(self, *, page_access_token: str, api_base_url: str, timeout: float = 10.0) -> None:
        self.url = f"{api_base_url.rstrip('/')}/me/messages"
        self.token = page_access_token
        self.timeout = timeout

    def send(self, message: Outgoing, now: datetime) -> str:
        if message.last_inbound_at is None or now - message.last_inbound_at > MESSAGING_WINDOW:
            raise DeliveryError("outside Messenger's 24-hour window: not sent", retry=False)
        ids = []
        for part in send_api_messages(message.text, list(message.buttons or []), message.media_url):
            body = {"recipient": {"id": message.recipient}, "messaging_type": "RESPONSE", "message": part}
            try:
                reply = requests.post(
                    self.url, params={"access_token": self.token}, json=body, timeout=self.timeout
                )
            except requests.RequestException as error:
                raise DeliveryError(
                    f"Messenger could not be reached: {type(error).__name__}", retry=True
                ) from error
            if reply.status_code >= 300:
                retry = reply.status_code in RETRYABLE_STATUSES
                raise DeliveryError(
                    f"Messenger answered {reply.status_code}: {reply.text[:300]}", retry=retry
                )
            ids.append(str(reply.json().get("message_id") or ""))
        return ids[-1] if ids else ""


def messenger_rows(message: dict[str, Any]) -> list[dict[str, Any]]:
    """One bot message as outbox rows: the text with its buttons (sent later as quick replies), images."""
    buttons = plain_buttons(message)
    rows: list[dict[str, Any]] = []
    if message.get("text") or buttons:
        rows.append({"text": message.get("text") or "", "buttons": buttons or None})
    if message.get("image"):
        rows.append({"text": "", "media_url": message["image"]})
    return rows


class MessengerOutput(OutboxOutput):
    """Messenger replies into the outbox, with their buttons for quick replies."""

    channel = CHANNEL

    def rows(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return messenger_rows(message)


class MessengerInput(SettingsInput):
    """Meta's Messenger webhook, configured from the settings object."""

    channel = CHANNEL
    output_class = MessengerOutput

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("messenger_webhook", __name__)
        verify_token = self.settings.messenger_verify_token.get_secret_value()
        app_secret = self.settings.messenger_app_secret.get_secret_value()

        @webhook.get("/")
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.get("/webhook")
        async def verify(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if (
                request.args.get("hub.mode") == "subscribe"
                and verify_token
                and hmac.compare_digest(token, verify_token)
            ):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("refused a Messenger verification with a wrong token")
            return response.text("wrong verify token", status=403)

        @webhook.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            if not signature_ok(request.body, request.headers.get("X-Hub-Signature-256"), app_secret):
                logger.warning("refused an unsigned or forged Messenger webhook")
                return response.text("invalid signature", status=403)
            try:
                payload = json.loads(request.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                logger.warning("a signed Messenger webhook whose body is no JSON: ignored")
                return response.text("body must be JSON", status=400)
            # Reading a typed choice needs the database: wait for it first, as `claim` does.
            await asyncio.to_thread(self.ledger.wait_for_database)
            events = await asyncio.to_thread(read_events, payload, self.ledger.offered_buttons)
            for event in events:
                if not await asyncio.to_thread(self.ledger.claim, event.message_id, event.sender):
                    continue
                try:
                    if event.text:
                        await on_new_message(
                            UserMessage(
                                event.text,
                                self.get_output_channel(),
                                event.sender,
                                input_channel=CHANNEL,
                                metadata=event.metadata,
                                message_id=event.message_id,
                            )
                        )
                except Exception:
                    await asyncio.to_thread(self.ledger.release, event.message_id)
                    logger.exception(
                        "Messenger message %s could not be handled; Meta will retry", event.message_id
                    )
                    return response.text("could not handle the message", status=500)
                await asyncio.to_thread(self.ledger.finish, event.message_id)
            return response.text("EVENT_RECEIVED")

        return webhook
