"""The console in the web app: log-in, log-out, the callback list; conversations in `conversations`.

Nothing but the log-in page without a valid session. Every POST carries the session's
CSRF token (the log-in form a double-submit cookie's). Session cookies are HttpOnly and
SameSite=Strict, Secure when the public URL is https. Templates escape everything, and
the pages forbid framing and scripts from elsewhere.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from functools import wraps

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, html, redirect

from bot.console import callbacks as callback_list
from bot.console import conversations, insights, models, review
from bot.console.pages import SECURITY_HEADERS, STATIC_DIR, page
from bot.console.sessions import LoggedIn, end_session, logged_in, mark_seen, start_session
from bot.console.users import authenticate
from bot.db import transaction
from bot.settings import Settings
from bot.triage.service import KnowledgeCache

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
ROLE_RANK = {"agent": 1, "operator": 2, "admin": 3}

Handler = Callable[..., Awaitable[HTTPResponse]]


def register(app: Sanic, settings: Settings) -> None:
    """Add the console routes to the web app."""
    secure = settings.public_url.startswith("https://")
    knowledge = KnowledgeCache(settings.operator_data_dir)

    def set_cookie(response: HTTPResponse, name: str, value: str, max_age: int) -> None:
        response.cookies[name] = value
        cookie = response.cookies[name]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/console"
        cookie["max-age"] = max_age
        if secure:
            cookie["secure"] = True

    def current(request: Request) -> LoggedIn | None:
        token = request.cookies.get(SESSION_COOKIE)
        with request.app.ctx.sessions() as session:
            user = logged_in(session, token)
        if user is not None and user.seen_long_ago:
            with transaction(request.app.ctx.sessions) as session:
                mark_seen(session, token)
        return user

    def login_required(role: str = "agent") -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            @wraps(handler)
            async def guarded(request: Request, *args, **kwargs) -> HTTPResponse:
                user = current(request)
                if user is None:
                    return redirect("/console/login", status=303, headers=SECURITY_HEADERS)
                if ROLE_RANK[user.role] < ROLE_RANK[role]:
                    return page("base.html", status=403, user=user)
                if request.method == "POST" and not user.csrf_ok(request.form.get("csrf_token")):
                    return html(
                        "Ongeldig formulier: laad de pagina opnieuw.", status=403, headers=SECURITY_HEADERS
                    )
                return await handler(request, user, *args, **kwargs)

            return guarded

        return decorate

    @app.get("/console/login")
    async def login_page(request: Request) -> HTTPResponse:
        token = secrets.token_urlsafe(24)
        response = page("login.html", csrf_token=token, user=None)
        set_cookie(response, LOGIN_CSRF_COOKIE, token, 3600)
        return response

    @app.post("/console/login")
    async def login(request: Request) -> HTTPResponse:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
        sent = request.form.get("csrf_token") or ""
        if not expected or not secrets.compare_digest(expected, sent):
            return html("Ongeldig formulier: laad de pagina opnieuw.", status=403, headers=SECURITY_HEADERS)
        with transaction(request.app.ctx.sessions) as session:
            user = authenticate(
                session, request.form.get("username") or "", request.form.get("password") or ""
            )
            token = start_session(session, user) if user is not None else None
        if token is None:
            fresh = secrets.token_urlsafe(24)
            response = page(
                "login.html",
                status=401,
                csrf_token=fresh,
                user=None,
                error="Gebruikersnaam of wachtwoord klopt niet, of het account is even geblokkeerd.",
            )
            set_cookie(response, LOGIN_CSRF_COOKIE, fresh, 3600)
            return response
        response = redirect("/console", status=303, headers=SECURITY_HEADERS)
        set_cookie(response, SESSION_COOKIE, token, 8 * 3600)
        set_cookie(response, LOGIN_CSRF_COOKIE, "", 0)
        return response

    @app.post("/console/logout")
    @login_required()
    async def logout(request: Request, user: LoggedIn) -> HTTPResponse:
        with transaction(request.app.ctx.sessions) as session:
            end_session(session, request.cookies.get(SESSION_COOKIE))
        response = redirect("/console/login", status=303, headers=SECURITY_HEADERS)
        set_cookie(response, SESSION_COOKIE, "", 0)
        return response

    @app.get("/console")
    @login_required()
    async def home(request: Request, user: LoggedIn) -> HTTPResponse:
        return redirect("/console/queue", status=303, headers=SECURITY_HEADERS)

    @app.get("/console/callbacks")
    @login_required()
    async def callbacks(request: Request, user: LoggedIn) -> HTTPResponse:
        with request.app.ctx.sessions() as session:
            rows = callback_list.open_callbacks(session, knowledge.get().office_hours)
        return page("callbacks.html", user=user, open=rows, done=request.args.get("done"))

    @app.post("/console/callbacks/<request_id:int>/done")
    @login_required()
    async def callback_done(request: Request, user: LoggedIn, request_id: int) -> HTTPResponse:
        with transaction(request.app.ctx.sessions) as session:
            callback_list.mark_done(session, request_id=request_id, by=user.username)
        return redirect(f"/console/callbacks?done={request_id}", status=303, headers=SECURITY_HEADERS)

    app.static("/console/static", STATIC_DIR, name="console_static")
    conversations.register(app, settings, login_required=login_required, knowledge=knowledge)
    review.register(app, settings, login_required=login_required)
    models.register(app, settings, login_required=login_required)
    insights.register(app, login_required=login_required, knowledge=knowledge)
