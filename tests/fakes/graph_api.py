"""A fake of Meta's Send API (`POST /me/messages?access_token=...`) on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeGraphApi:
    def __init__(self, page_access_token: str) -> None:
        self.token = page_access_token
        self.messages: list[dict] = []
        self.fail_with: list[int] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v17.0"

    def start(self) -> FakeGraphApi:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                parsed = urlparse(self.path)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if parse_qs(parsed.query).get("access_token") != [fake.token]:
                    return self._json(400, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
                if parsed.path != "/v17.0/me/messages":
                    return self._json(404, {"error": {"message": "Unknown path", "code": 803}})
                if fake.fail_with:
                    return self._json(
                        fake.fail_with.pop(0), {"error": {"message": "fake failure", "code": 2}}
                    )
                text = (body.get("message") or {}).get("text") or ""
                if len(text) > 2000:
                    return self._json(
                        400, {"error": {"message": "param message[text] must be <= 2000", "code": 100}}
                    )
                fake.messages.append(body)
                return self._json(
                    200, {"recipient_id": body["recipient"]["id"], "message_id": "m_" + uuid.uuid4().hex}
                )

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
