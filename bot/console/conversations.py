"""The console's handed-over conversations: the queue, one conversation live, and what agents do.

Agents claim a conversation (one agent per conversation), read the transcript as new
messages arrive (the page polls `/lines` with a cursor), reply on the tenant's own
channel, use canned answers, write internal notes, open or move on tickets, hand the
conversation back to the bot or close it with an outcome. Handing back and closing
resume the conversation in Rasa first: if Rasa cannot be reached nothing changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response
from sanic.response import text as text_response

from bot.console.handoffs import (
    conversation_row,
    open_ticket_for,
    queue_rows,
    ticket_choices,
    update_ticket,
)
from bot.console.pages import SECURITY_HEADERS, fragment, page, see_other
from bot.console.sessions import LoggedIn
from bot.db import transaction
from bot.handoff import service
from bot.handoff.models import Handoff
from bot.handoff.rasa_api import RasaUnavailable, resume_conversation
from bot.handoff.transcript import Cursor, transcript
from bot.review.inbox import flag_misread
from bot.settings import Settings
from bot.tracker_store import read_only_engine
from bot.triage.service import KnowledgeCache

NOTICES = {
    "claimed": "U heeft dit gesprek aangenomen.",
    "sent": "Uw bericht is verstuurd.",
    "noted": "Notitie opgeslagen.",
    "ticket": "De melding is opgeslagen.",
    "handed_back": "Het gesprek is terug bij de bot.",
    "closed": "Het gesprek is gesloten.",
    "misread": "Dank u: het bericht staat nu in de leer-inbox van de beheerders.",
}


def register(app: Sanic, settings: Settings, *, login_required: Callable, knowledge: KnowledgeCache) -> None:
    """Add the queue and conversation routes to the web app."""
    rasa_token = settings.rasa_auth_token.get_secret_value()

    @app.before_server_start
    async def open_tracker_store(app: Sanic, _loop) -> None:
        app.ctx.tracker_engine = read_only_engine(settings.tracker_store_url)

    @app.after_server_stop
    async def close_tracker_store(app: Sanic, _loop) -> None:
        app.ctx.tracker_engine.dispose()

    def conversation_page(request: Request, user: LoggedIn, handoff_id: int, status: int = 200, **extra: Any):
        office_hours = knowledge.get().office_hours
        with request.app.ctx.sessions() as session:
            row = conversation_row(session, handoff_id, office_hours)
            if row is None:
                return page("base.html", status=404, user=user, error="Dit gesprek bestaat niet.")
            notes = [
                (note.author, f"{office_hours.local(note.created_at):%d-%m %H:%M}", note.text)
                for note in session.get(Handoff, handoff_id).notes
            ]
            lines, cursor = transcript(session, request.app.ctx.tracker_engine, row.conversation_id)
        return page(
            "conversation.html",
            status=status,
            user=user,
            item=row,
            lines=lines,
            cursor=cursor.token(),
            notes=notes,
            canned=knowledge.get().canned.answers,
            outcomes=service.OUTCOMES,
            choices=ticket_choices(),
            mine=row.status == "claimed" and row.claimed_by == user.username,
            replyable=row.channel in service.REPLYABLE_CHANNELS,
            notice=NOTICES.get(request.args.get("done", "")),
            local=office_hours.local,
            **extra,
        )

    def act(request: Request, user: LoggedIn, handoff_id: int, done: str, work: Callable) -> HTTPResponse:
        """Run an agent's action in one transaction; a refusal shows the page with the reason."""
        try:
            with transaction(request.app.ctx.sessions) as session:
                work(session)
        except service.HandoffError as error:
            return conversation_page(request, user, handoff_id, status=409, error=str(error))
        return see_other(f"/console/conversations/{handoff_id}?done={done}")

    @app.get("/console/queue")
    @login_required()
    async def queue(request: Request, user: LoggedIn) -> HTTPResponse:
        with request.app.ctx.sessions() as session:
            rows = queue_rows(session, knowledge.get().office_hours)
        return page("queue.html", user=user, rows=rows)

    @app.get("/console/queue/rows")
    @login_required()
    async def queue_fragment(request: Request, user: LoggedIn) -> HTTPResponse:
        with request.app.ctx.sessions() as session:
            rows = queue_rows(session, knowledge.get().office_hours)
        body = fragment("queue_rows.html", user=user, rows=rows)
        return text_response(body, content_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    @app.get("/console/conversations/<handoff_id:int>")
    @login_required()
    async def conversation(request: Request, user: LoggedIn, handoff_id: int) -> HTTPResponse:
        return conversation_page(request, user, handoff_id)

    @app.get("/console/conversations/<handoff_id:int>/lines")
    @login_required()
    async def new_lines(request: Request, user: LoggedIn, handoff_id: int) -> HTTPResponse:
        with request.app.ctx.sessions() as session:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                return json_response({"error": "not found"}, status=404, headers=SECURITY_HEADERS)
            cursor = Cursor.parse(request.args.get("after"))
            lines, cursor = transcript(
                session, request.app.ctx.tracker_engine, handoff.conversation_id, cursor
            )
            status, claimed_by = handoff.status, handoff.claimed_by
        return json_response(
            {
                "lines": [line.as_json() for line in lines],
                "cursor": cursor.token(),
                "status": status,
                "claimed_by": claimed_by,
            },
            headers=SECURITY_HEADERS,
        )

    @app.post("/console/conversations/<handoff_id:int>/claim")
    @login_required()
    async def claim(request: Request, user: LoggedIn, handoff_id: int) -> HTTPResponse:
        return act(
            request, user, handoff_id, "claimed", lambda s: service.claim(s, handoff_id, user.username)
        )

    @app.post("/console/conversations/<handoff_id:int>/reply")
    @login_required()
    async def reply(request: Request, user: LoggedIn, handoff_id: int) -> HTTPResponse:
        words = request.form.get("text") or ""
        return act(
            request, user, handoff_id, "sent", lambda s: service.reply(s, handoff_id, user.username, words)
        )

    @app.post("/console/conversations/<handoff_id:int>/misread/<event_id:int>")
    @login_required()
    async def misread(request: Request, user: LoggedIn, handoff_id: int, event_id: int) -> HTTPResponse:
        def work(session) -> None:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                raise service.HandoffError("Dit gesprek bestaat niet.")
            try:
                flag_misread(
                    session,
                    request.app.ctx.tracker_engine,
                    conversation_id=handoff.conversation_id,
                    event_id=event_id,
                    by=user.username,
                )
            except ValueError:
                raise service.HandoffError("Dat bericht hoort niet bij dit gesprek.") from None

        return act(request, user, handoff_id, "misread", work)

    @app.post("/console/conversations/<handoff_id:int>/note")
    @login_required()
    async def note(request: Request, user: LoggedIn, handoff_id: int) -> HTTPResponse:
        words = request.form.get("text") or ""
        return act(
            request,
            user,
            handoff_id,
            "noted",
            lambda s: service.add_note(s, handoff_id, user.username, words),
        )

    @app.post("/console/conversations/<handoff_id:int>/ticket")
    @login_required()
    async def new_ticket(request: Request, user: LoggedIn, handoff_id: int) -> HTTPResponse:
        form = request.form

        def work(session) -> None:
            open_ticket_for(
                session,
                handoff_id,
                user.username,
                category=form.get("category") or "repair",
                trade=form.get("trade") or None,
                urgency=form.get("urgency") or "normal",
                description=form.get("description") or "",
                customer_number=form.get("customer_number"),
            )

        return act(request, user, handoff_id, "ticket", work)

    @app.post("/console/conversations/<handoff_id:int>/tickets/<ticket_id:int>")
    @login_required()
    async def move_ticket(request: Request, user: LoggedIn, handoff_id: int, ticket_id: int) -> HTTPResponse:
        status, words = request.form.get("status") or "", request.form.get("note") or ""
        return act(
            request,
            user,
            handoff_id,
            "ticket",
            lambda s: update_ticket(s, handoff_id, ticket_id, user.username, status=status, note=words),
        )

    async def end(
        request: Request, user: LoggedIn, handoff_id: int, done: str, work: Callable
    ) -> HTTPResponse:
        """Hand back or close: Rasa resumes the conversation first; if it cannot, nothing changes.

        No database transaction is held while Rasa is called.
        """
        try:
            with request.app.ctx.sessions() as session:
                conversation_id = service.conversation_of(session, handoff_id, user.username)
            await asyncio.to_thread(resume_conversation, settings.rasa_url, rasa_token, conversation_id)
            with transaction(request.app.ctx.sessions) as session:
                work(session)
        except service.HandoffError as error:
            return conversation_page(request, user, handoff_id, status=409, error=str(error))
        except RasaUnavailable:
            return conversation_page(
                request,
                user,
                handoff_id,
                status=503,
                error="De bot is nu niet bereikbaar; het gesprek blijft bij u. Probeer het zo opnieuw.",
            )
        return see_other(f"/console/conversations/{handoff_id}?done={done}")

    @app.post("/console/conversations/<handoff_id:int>/hand-back")
    @login_required()
    async def hand_back(request: Request, user: LoggedIn, handoff_id: int) -> HTTPResponse:
        return await end(
            request,
            user,
            handoff_id,
            "handed_back",
            lambda s: service.hand_back(s, handoff_id, user.username),
        )

    @app.post("/console/conversations/<handoff_id:int>/close")
    @login_required()
    async def close(request: Request, user: LoggedIn, handoff_id: int) -> HTTPResponse:
        outcome = request.form.get("outcome") or ""
        if outcome not in service.OUTCOMES:
            return conversation_page(
                request, user, handoff_id, status=409, error="Kies hoe het gesprek is afgelopen."
            )
        return await end(
            request,
            user,
            handoff_id,
            "closed",
            lambda s: service.close(s, handoff_id, user.username, outcome),
        )
