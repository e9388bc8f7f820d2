"""Deliver the outbox: claim what is due, send it outside any transaction, record the outcome.

Runs as a background task of the web app (`delivery_loop`); several can run side by side
(claims keep them apart, and a round that runs long hands back what it has not tried before
its claim runs out, so no other loop sends a message twice). A failure on 429, 5xx or the
network is retried with back-off (`bot.outbox.BACKOFF_SECONDS`), nothing is lost while the
channel is down. WhatsApp's 24-hour rule is kept here: to someone who has not written in
24 hours only an approved template may be sent, else the message is refused with a logged
reason.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import sessionmaker

from bot.channels.inbound import last_message_at
from bot.channels.twilio_api import DeliveryError, Template, TwilioWhatsApp
from bot.db import error_kind, transaction, utcnow
from bot.outbox import CLAIM_SECONDS, OutboxMessage, claim_due, mark_failed, mark_sent, release_claims
from bot.settings import Settings

logger = logging.getLogger(__name__)
WHATSAPP_WINDOW = timedelta(hours=24)
# How often an idle loop looks for new messages: the most a reply waits before it is sent.
POLL_SECONDS = 0.2
# After a failed round (the database is away): not five errors a second in the log.
ERROR_PAUSE = 5.0
# A round starts no send later than this before its claim runs out: one send takes at most
# the HTTP timeout (10 s) of the Twilio and Meta clients.
CLAIM_MARGIN_SECONDS = 30.0
PHONE_LIKE = re.compile(r"\+?\d[\d\s-]{5,}\d")


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs of an outbox message, read inside the claim's transaction."""

    id: int
    channel: str
    recipient: str
    text: str
    media_url: str | None
    # When the recipient last wrote to us on this channel (the 24-hour rules).
    last_inbound_at: datetime | None
    # The buttons offered (Messenger sends them as quick replies; WhatsApp has them in the text).
    buttons: tuple[dict, ...] = ()

    @classmethod
    def of(cls, message: OutboxMessage, last_inbound_at: datetime | None) -> Outgoing:
        return cls(
            message.id,
            message.channel,
            message.recipient,
            message.text,
            message.media_url,
            last_inbound_at,
            tuple(message.buttons or ()),
        )


class Sender(Protocol):
    """Sends one message on one channel; returns the channel's id for it or raises DeliveryError."""

    def send(self, message: Outgoing, now: datetime) -> str: ...


class WhatsAppSender:
    """WhatsApp through Twilio: free text within 24 hours of the tenant's last message, else a template."""

    def __init__(self, api: TwilioWhatsApp, template: Template | None) -> None:
        self.api = api
        self.template = template

    def send(self, message: Outgoing, now: datetime) -> str:
        inside_window = (
            message.last_inbound_at is not None and now - message.last_inbound_at <= WHATSAPP_WINDOW
        )
        if inside_window:
            return self.api.send(to=message.recipient, text=message.text, media_url=message.media_url)
        if self.template is None:
            raise DeliveryError(
                "outside WhatsApp's 24-hour window and no template configured (TWILIO_TEMPLATE_CONTENT_SID)",
                retry=False,
            )
        text = f"{message.text}\n{message.media_url}" if message.media_url else message.text
        return self.api.send(to=message.recipient, text=text, template=self.template)


class LocalSender:
    """Local mode: the message stays on this machine, where the tenant simulator shows it."""

    def send(self, message: Outgoing, now: datetime) -> str:
        return f"local-{message.id}"


def whatsapp_sender(settings: Settings) -> Sender:
    """Twilio when an account is configured, else local mode."""
    if settings.whatsapp_is_local:
        return LocalSender()
    api = TwilioWhatsApp(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token.get_secret_value(),
        from_number=settings.twilio_whatsapp_from,
        status_callback_url=f"{settings.public_url}/webhooks/whatsapp/status",
        api_base_url=settings.twilio_api_base_url,
    )
    template = (
        Template(settings.twilio_template_content_sid) if settings.twilio_template_content_sid else None
    )
    return WhatsAppSender(api, template)


def senders_for(settings: Settings) -> dict[str, Sender]:
    """A sender for every channel the outbox holds messages for (the simulator is WhatsApp in local mode)."""
    from bot.channels.messenger import MessengerSender

    token = settings.messenger_page_access_token.get_secret_value()
    messenger: Sender = (
        MessengerSender(page_access_token=token, api_base_url=settings.messenger_api_base_url)
        if token
        else LocalSender()
    )
    return {"whatsapp": whatsapp_sender(settings), "messenger": messenger}


@dataclass(frozen=True)
class DeliveryRound:
    """How many messages one round claimed, sent and failed to send."""

    claimed: int = 0
    # Claimed but not tried: the round ran long, they are due again at once.
    released: int = 0
    sent: int = 0
    failed: int = 0


def deliver_due(
    sessions: sessionmaker,
    senders: dict[str, Sender],
    now: datetime | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> DeliveryRound:
    """One round: claim due messages, send each, record each outcome in its own transaction.

    Sends stop in time for the claim: what is left is handed back for the next round.
    """
    now = now or utcnow()
    send_until = clock() + CLAIM_SECONDS - CLAIM_MARGIN_SECONDS
    with transaction(sessions) as session:
        claimed = claim_due(session, channels=tuple(senders), now=now)
        batch = [
            Outgoing.of(message, last_message_at(session, channel=message.channel, sender=message.recipient))
            for message in claimed
        ]
    sent = failed = released = 0
    for index, message in enumerate(batch):
        if clock() > send_until:
            with transaction(sessions) as session:
                released = release_claims(session, message_ids=[m.id for m in batch[index:]], now=now)
            logger.warning("outbox round ran long: %d message(s) handed back for the next round", released)
            break
        try:
            provider_id = senders[message.channel].send(message, now)
        except DeliveryError as error:
            failed += 1
            with transaction(sessions) as session:
                row = session.get(OutboxMessage, message.id)
                mark_failed(
                    session,
                    message=row,
                    error=str(error),
                    now=now,
                    retry=error.retry,
                    retry_after=error.retry_after,
                )
                state = row.status if row.status != "pending" else f"retry at {row.next_attempt_at:%H:%M:%S}"
            logger.warning("outbox message %s not delivered (%s): %s", message.id, state, redact(str(error)))
        else:
            sent += 1
            with transaction(sessions) as session:
                mark_sent(
                    session, message=session.get(OutboxMessage, message.id), provider_id=provider_id, now=now
                )
    return DeliveryRound(claimed=len(batch), sent=sent, failed=failed, released=released)


def redact(text: str) -> str:
    """Phone numbers out of a text before it is logged."""
    return PHONE_LIKE.sub("[nummer]", text)


async def delivery_loop(sessions: sessionmaker, senders: dict[str, Sender], stop: asyncio.Event) -> None:
    """Deliver until `stop` is set; a round that claimed messages is followed at once by the next."""
    while not stop.is_set():
        try:
            result = await asyncio.to_thread(deliver_due, sessions, senders)
        except Exception as error:  # the database may be down for a while: keep trying, loudly
            # The kind only: a database error's text carries the message being delivered.
            logger.error(
                "outbox delivery round failed (%s); next try in %.0f s", error_kind(error), ERROR_PAUSE
            )
            result = DeliveryRound()
            try:
                await asyncio.wait_for(stop.wait(), timeout=ERROR_PAUSE)
            except asyncio.TimeoutError:
                pass
            continue
        if not result.claimed:
            try:
                await asyncio.wait_for(stop.wait(), timeout=POLL_SECONDS)
            except asyncio.TimeoutError:
                pass
