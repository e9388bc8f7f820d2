"""A fake Rasa server on 127.0.0.1: Rasa 3.6's `GET /status` and our launcher's `PUT /bot/model`.

`PUT /bot/model?token=...` with `{"model_file": path}` answers 200 and serves that model from
then on, as bot/model/hot_swap.py does; a wrong token gets 401 (Rasa's body for /status);
`refuse_next()` makes the next load fail with a 500.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


class FakeRasa:
    """Start with `start()`, stop with `stop()`."""

    def __init__(self, token: str, model_file: str = "") -> None:
        self.token = token
        self.model_file = model_file
        self.loads: list[str] = []
        self._refuse = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def refuse_next(self, count: int = 1) -> None:
        self._refuse += count

    def start(self) -> FakeRasa:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _authorised(self) -> bool:
            token = parse_qs(urlparse(self.path).query).get("token", [""])[0]
            if token != fake.token:
                self._json(401, {"version": "3.6.21", "status": "failure", "reason": "NotAuthenticated"})
                return False
            return True

        def _json(self, status: int, body: dict | None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if urlparse(self.path).path != "/status" or not self._authorised():
                return
            self._json(200, {"model_id": Path(fake.model_file).stem, "model_file": fake.model_file})

        def do_PUT(self) -> None:
            if urlparse(self.path).path != "/bot/model" or not self._authorised():
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if fake._refuse:
                fake._refuse -= 1
                self._json(500, {"error": "loading failed: RuntimeError"})
                return
            fake.model_file = body["model_file"]
            fake.loads.append(body["model_file"])
            self._json(200, {"model_file": Path(body["model_file"]).name, "seconds": 0.1})

    return Handler
