"""WhatsApp through Twilio as a Rasa channel: `/webhooks/whatsapp/webhook` and `/status`.

Inbound: the `X-Twilio-Signature` is checked with the official request validator over the
public URL Twilio called, before anything else is read; each MessageSid is handled once,
across restarts too; photos, documents, voice notes, shared locations and the profile
name go into the message metadata; a reply "2" or a button's title becomes that button's
payload. Outbound: every reply goes to the outbox (text split under 1,600 characters,
buttons as a numbered list, images as media), which `bot.channels.delivery` sends, so a
slow or failing Twilio never blocks or loses a reply.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.base import OutboxOutput, SettingsInput, plain_buttons
from bot.channels.formatting import numbered_choices, resolve_choice, split_text
from bot.channels.media import wordless_text
from bot.db import transaction, utcnow
from bot.outbox import record_status
from bot.settings import Settings
from bot.tickets import phone_from_sender

logger = logging.getLogger(__name__)
CHANNEL = "whatsapp"
# Twilio sends at most 10 media per message.
MAX_MEDIA = 10
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def read_message(fields: dict[str, str], offered: list[dict]) -> tuple[str, dict[str, Any]]:
    """The text for the bot and the metadata of one Twilio message.

    A tapped or typed choice becomes its button's payload; a message without words
    becomes `/share_media` (photo, document, location) or `/voice_note`.
    """
    metadata: dict[str, Any] = {"channel_message_id": fields.get("MessageSid")}
    if fields.get("ProfileName"):
        metadata["profile_name"] = fields["ProfileName"]
    media = []
    for index in range(min(_count(fields.get("NumMedia")), MAX_MEDIA)):
        url = fields.get(f"MediaUrl{index}")
        if url:
            media.append({"url": url, "content_type": fields.get(f"MediaContentType{index}") or "unknown"})
    if media:
        metadata["media"] = media
    location = _location(fields)
    if location:
        metadata["location"] = location
    text = (fields.get("ButtonPayload") or fields.get("Body") or "").strip()
    if text:
        return resolve_choice(text, offered), metadata
    return wordless_text(media, location is not None), metadata


def form_fields(request: Request) -> dict[str, str]:
    """The POSTed form, blank values kept (Twilio signs `Body=` of a photo too); {} if it is no form."""
    if not (request.content_type or "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        return dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except (UnicodeDecodeError, ValueError):
        return {}


def _count(raw: str | None) -> int:
    try:
        return max(int(raw or 0), 0)
    except ValueError:
        return 0


def _location(fields: dict[str, str]) -> dict[str, Any] | None:
    try:
        latitude, longitude = float(fields["Latitude"]), float(fields["Longitude"])
    except (KeyError, ValueError):
        return None
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    for key in ("Address", "Label"):
        if fields.get(key):
            location[key.lower()] = fields[key]
    return location


def outbox_rows(message: dict[str, Any]) -> list[dict[str, Any]]:
    """One bot message as outbox rows: text parts (buttons numbered under the last) and media."""
    buttons = plain_buttons(message)
    text = numbered_choices(message.get("text") or "", buttons)
    parts = split_text(text)
    rows: list[dict[str, Any]] = [{"text": part} for part in parts]
    if rows and buttons:
        rows[-1]["buttons"] = buttons
    if message.get("image"):
        rows.append({"text": "", "media_url": message["image"]})
    return rows


class WhatsAppOutput(OutboxOutput):
    """WhatsApp replies into the outbox, addressed to the phone number in E.164."""

    channel = CHANNEL

    def rows(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return outbox_rows(message)

    def recipient(self, conversation_id: str) -> str:
        return phone_from_sender(conversation_id) or conversation_id


class WhatsAppInput(SettingsInput):
    """Twilio's WhatsApp webhook, configured from the settings object."""

    channel = CHANNEL
    output_class = WhatsAppOutput

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.validator = RequestValidator(settings.twilio_auth_token.get_secret_value())

    def signed(self, request: Request) -> dict[str, str] | None:
        """The form fields when the request carries Twilio's valid signature, else None."""
        url = self.settings.public_url + request.path
        if request.query_string:
            url += "?" + request.query_string
        fields = form_fields(request)
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.validator.validate(url, fields, signature):
            return None
        return fields

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook", __name__)

        @webhook.get("/")
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            fields = self.signed(request)
            if fields is None:
                logger.warning(
                    "refused an unsigned or forged WhatsApp webhook from %s",
                    request.remote_addr or request.ip,
                )
                return response.text("invalid signature", status=403)
            message_sid, sender = fields.get("MessageSid"), fields.get("From")
            if not message_sid or not sender:
                logger.warning("WhatsApp webhook without MessageSid or From: ignored")
                return response.text("MessageSid and From are required", status=400)
            phone = phone_from_sender(sender) or sender
            if not await asyncio.to_thread(self.ledger.claim, message_sid, phone):
                logger.info("WhatsApp message %s was handled before: not again", message_sid)
                return response.text(EMPTY_TWIML, content_type="text/xml")
            try:
                offered = await asyncio.to_thread(self.ledger.offered_buttons, phone)
                text, metadata = read_message(fields, offered)
                if text:
                    await on_new_message(
                        UserMessage(
                            text,
                            self.get_output_channel(),
                            sender,
                            input_channel=CHANNEL,
                            metadata=metadata,
                            message_id=message_sid,
                        )
                    )
                else:
                    logger.info(
                        "WhatsApp message %s had no text, media or location: nothing to answer", message_sid
                    )
            except Exception:
                await asyncio.to_thread(self.ledger.release, message_sid)
                logger.exception("WhatsApp message %s could not be handled; Twilio may retry it", message_sid)
                return response.text("could not handle the message", status=500)
            await asyncio.to_thread(self.ledger.finish, message_sid)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @webhook.post("/status")
        async def status(request: Request) -> HTTPResponse:
            fields = self.signed(request)
            if fields is None:
                logger.warning("refused an unsigned or forged WhatsApp status callback")
                return response.text("invalid signature", status=403)
            sid, state = fields.get("MessageSid"), fields.get("MessageStatus")
            if not sid or not state:
                return response.text("MessageSid and MessageStatus are required", status=400)
            error = fields.get("ErrorCode")
            known = await asyncio.to_thread(
                self._status, sid, state, f"Twilio error {error}" if error else None
            )
            if not known:
                logger.info("status %s for a message we did not send (%s)", state, sid)
            return response.text("", status=204)

        return webhook

    def _status(self, sid: str, state: str, error: str | None) -> bool:
        with transaction(self.sessions) as session:
            return record_status(session, provider_id=sid, status=state, now=utcnow(), error=error)
