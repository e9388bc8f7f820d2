"""Serve a Sanic app from a background thread of the test process, on a free port."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sanic import Sanic


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(app: Sanic) -> Iterator[int]:
    """Run `app` in a thread while the block runs; yields its port. Its stop listeners run after."""
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict = {}

    def serve() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        )
        holder["server"] = server
        loop.run_until_complete(server.startup())
        loop.run_until_complete(server.before_start())
        loop.run_until_complete(server.after_start())
        started.set()
        loop.run_forever()

    async def shutdown() -> None:
        server = holder["server"]
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not started.wait(20):
        raise RuntimeError("the test server did not start")
    try:
        yield port
    finally:
        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(20)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(20)


def allow_several_apps() -> None:
    """Sanic's test mode: several apps can start in one process (start-up rewrites shared code)."""
    Sanic.test_mode = True


def new_app(name: str) -> Sanic:
    """A Sanic app that can live beside others in one process."""
    allow_several_apps()
    return Sanic(name)
