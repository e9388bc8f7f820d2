import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bot.chat import render, resolve_choice, send

BUTTONS = [{"title": "Ja, dat klopt", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]


def test_render_numbers_the_buttons():
    output, buttons = render([{"text": "Klopt dat?", "buttons": BUTTONS}])
    assert output.splitlines() == ["bot> Klopt dat?", "     1. Ja, dat klopt", "     2. Nee"]
    assert buttons == BUTTONS


@pytest.mark.parametrize(
    ("typed", "sent"),
    [("1", "/affirm"), ("2", "/deny"), ("nee", "/deny"), ("3", "3"), ("mijn kraan lekt", "mijn kraan lekt")],
)
def test_resolve_choice_maps_numbers_and_titles_to_payloads(typed, sent):
    assert resolve_choice(typed, BUTTONS) == sent


def test_send_posts_to_the_rest_webhook():
    received = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received["path"] = self.path
            received["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps([{"recipient_id": "u", "text": "Hallo!"}]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        replies = send(f"http://127.0.0.1:{server.server_port}", "u", "hoi")
    finally:
        server.shutdown()
    assert received == {"path": "/webhooks/rest/webhook", "body": {"sender": "u", "message": "hoi"}}
    assert replies == [{"recipient_id": "u", "text": "Hallo!"}]
