"""The tenant simulator (local mode): chat as a tenant through the real WhatsApp webhook.

A phone-sized page at `/simulator`. What the tenant types is posted to Rasa's
`/webhooks/whatsapp/webhook` exactly as Twilio would (form fields, a MessageSid, a photo
as `MediaUrl0`), signed with the local `TWILIO_AUTH_TOKEN`; the replies are read from the
outbox, as the delivery loop sent them: split, buttons numbered. Only in local mode, so
nobody can pose as a tenant once a real WhatsApp number is connected.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, file, text
from sanic.response import json as json_response
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.outbox import OutboxMessage
from bot.settings import PROJECT_DIR, Settings
from bot.tenants import TenantPhone, normalise_phone

PAGE = Path(__file__).parent / "static" / "simulator.html"
PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# The corporation's number in local mode (fictitious).
LOCAL_SENDER = "whatsapp:+31970000000"


def twilio_fields(
    *, phone: str, text: str, media_url: str | None = None, content_type: str | None = None
) -> dict:
    """The form fields Twilio posts for one WhatsApp message from `phone`."""
    fields = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": f"whatsapp:{phone}",
        "To": LOCAL_SENDER,
        "Body": text,
        "NumMedia": "1" if media_url else "0",
        "ProfileName": "Simulator",
        "WaId": phone.lstrip("+"),
    }
    if media_url:
        fields["MediaUrl0"] = media_url
        fields["MediaContentType0"] = content_type or "image/jpeg"
    return fields


async def post_signed(url: str, fields: dict, auth_token: str) -> int:
    """POST the fields to the webhook with Twilio's signature; returns the HTTP status."""
    signature = RequestValidator(auth_token).compute_signature(url, fields)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.post(url, data=fields, headers={"X-Twilio-Signature": signature}) as response:
            return response.status


def replies_for(session, phone: str, after: int) -> list[dict[str, Any]]:
    """What was sent to `phone` on WhatsApp after outbox id `after`, oldest first."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == "whatsapp",
            OutboxMessage.recipient == phone,
            OutboxMessage.id > after,
            OutboxMessage.sent_at.is_not(None),
        )
        .order_by(OutboxMessage.id)
    )
    return [
        {"id": m.id, "text": m.text, "media_url": m.media_url, "status": m.status}
        for m in session.scalars(query)
    ]


def demo_phones(session, limit: int = 12) -> list[str]:
    """Phone numbers of tenants to chat as (the demo data's), first ones first."""
    query = select(TenantPhone.number).order_by(TenantPhone.id).limit(limit)
    return list(session.scalars(query))


def register(app: Sanic, settings: Settings) -> None:
    """Add the simulator's routes; they answer 404 unless the stack is in local mode, never in production."""
    media_dir = (PROJECT_DIR / settings.var_dir / "simulator_media").resolve()
    webhook_url = f"{settings.public_url}/webhooks/whatsapp/webhook"
    token = settings.twilio_auth_token.get_secret_value()

    def unavailable() -> HTTPResponse | None:
        if settings.environment == "production":
            # It has no login and shows any number's replies: never on a production server.
            return text("The simulator is not available in production.", status=404)
        if settings.whatsapp_is_local:
            return None
        return text("The simulator is only available in local mode (no TWILIO_ACCOUNT_SID).", status=404)

    @app.get("/simulator")
    async def page(request: Request) -> HTTPResponse:
        return unavailable() or await file(PAGE, mime_type="text/html; charset=utf-8")

    @app.get("/simulator/phones")
    async def phones(request: Request) -> HTTPResponse:
        if refused := unavailable():
            return refused
        with request.app.ctx.sessions() as session:
            return json_response({"phones": demo_phones(session)})

    @app.get("/simulator/messages")
    async def messages(request: Request) -> HTTPResponse:
        if refused := unavailable():
            return refused
        phone = normalise_phone(request.args.get("phone"))
        if phone is None:
            return json_response({"error": "a valid phone number is required"}, status=400)
        after = (
            int(request.args.get("after", "0") or 0) if (request.args.get("after") or "0").isdigit() else 0
        )
        with request.app.ctx.sessions() as session:
            return json_response({"messages": replies_for(session, phone, after)})

    @app.post("/simulator/send")
    async def send(request: Request) -> HTTPResponse:
        if refused := unavailable():
            return refused
        phone = normalise_phone(request.form.get("phone"))
        if phone is None:
            return json_response({"error": "Kies een geldig telefoonnummer."}, status=400)
        media_url = content_type = None
        upload = request.files.get("photo") if request.files else None
        if upload is not None and upload.body:
            if upload.type not in PHOTO_TYPES or len(upload.body) > MAX_PHOTO_BYTES:
                return json_response({"error": "Alleen foto's (jpg, png, webp, gif) tot 5 MB."}, status=400)
            media_dir.mkdir(parents=True, exist_ok=True)
            name = uuid.uuid4().hex + PHOTO_TYPES[upload.type]
            (media_dir / name).write_bytes(upload.body)
            media_url = f"{request.scheme}://{request.host}/simulator/media/{name}"
            content_type = upload.type
        fields = twilio_fields(
            phone=phone, text=request.form.get("text") or "", media_url=media_url, content_type=content_type
        )
        try:
            status = await post_signed(webhook_url, fields, token)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return json_response(
                {"error": f"De bot is niet bereikbaar ({type(error).__name__})."}, status=502
            )
        return json_response(
            {"status": status, "message_sid": fields["MessageSid"]}, status=200 if status < 300 else 502
        )

    @app.get("/simulator/media/<name:str>")
    async def media(request: Request, name: str) -> HTTPResponse:
        path = (media_dir / name).resolve()
        if refused := unavailable():
            return refused
        if path.parent != media_dir or not path.is_file():
            return text("not found", status=404)
        return await file(path)
