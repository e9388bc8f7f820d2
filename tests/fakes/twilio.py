"""A fake Twilio REST API on 127.0.0.1 that speaks Twilio's HTTP format for sending messages.

`POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic auth (account SID
and auth token) and form fields (To, From, Body, MediaUrl, StatusCallback, ContentSid,
ContentVariables); answers 201 with a message resource, or the errors it was told to
give first (`fail_next`), in Twilio's error JSON.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeTwilio:
    """Start with `start()`, stop with `stop()`; `start()` again on the same port after a stop."""

    def __init__(self, account_sid: str, auth_token: str, port: int = 0) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.port = port
        self.messages: list[dict] = []
        self.requests = 0
        self._failures: list[tuple[int, dict]] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, *statuses: int, retry_after: int | None = None) -> None:
        """Answer the next requests with these HTTP statuses, in order."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures.extend((status, headers) for status in statuses)

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                fake.requests += 1
                expected = f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
                credentials = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {credentials}":
                    return self._json(401, _error(20003, "Authenticate", 401))
                if self.path != expected:
                    return self._json(404, _error(20404, "The requested resource was not found", 404))
                if fake._failures:
                    status, headers = fake._failures.pop(0)
                    return self._json(
                        status, _error(20500 if status >= 500 else 20429, "fake failure", status), headers
                    )
                length = int(self.headers.get("Content-Length") or 0)
                form = {
                    k: v if len(v) > 1 else v[0]
                    for k, v in parse_qs(self.rfile.read(length).decode()).items()
                }
                if not form.get("Body") and not form.get("MediaUrl") and not form.get("ContentSid"):
                    return self._json(
                        400, _error(21619, "A text message body or media urls must be specified.", 400)
                    )
                if len(form.get("Body", "")) > 1600:
                    return self._json(
                        400,
                        _error(21617, "The concatenated message body exceeds the 1600 character limit.", 400),
                    )
                sid = "SM" + uuid.uuid4().hex
                fake.messages.append({"sid": sid, **form})
                resource = {
                    "account_sid": fake.account_sid,
                    "api_version": "2010-04-01",
                    "body": form.get("Body", ""),
                    "direction": "outbound-api",
                    "from": form.get("From"),
                    "to": form.get("To"),
                    "num_media": "1" if form.get("MediaUrl") else "0",
                    "num_segments": "1",
                    "sid": sid,
                    "status": "queued",
                    "uri": f"/2010-04-01/Accounts/{fake.account_sid}/Messages/{sid}.json",
                }
                return self._json(201, resource)

            def _json(self, status: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _error(code: int, message: str, status: int) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
