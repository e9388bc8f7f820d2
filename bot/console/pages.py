"""How console pages are rendered: autoescaped Jinja2 templates and strict security headers."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic.response import HTTPResponse, html, redirect

# Scripts only from our own origin (no inline script), images also from the channels' media hosts.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATIC_DIR = Path(__file__).parent / "static"
templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def page(template: str, status: int = 200, **context) -> HTTPResponse:
    return html(templates.get_template(template).render(**context), status=status, headers=SECURITY_HEADERS)


def fragment(template: str, **context) -> str:
    """A template rendered to text, e.g. the queue's rows for the live refresh."""
    return templates.get_template(template).render(**context)


def see_other(url: str) -> HTTPResponse:
    """Redirect after a POST, so a reload does not send the form again."""
    return redirect(url, status=303, headers=SECURITY_HEADERS)
