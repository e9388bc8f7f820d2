"""The supervisor of `python -m bot run`: a service that dies is started again; the stack goes on."""

import signal
import sys
import threading
import time

from bot.runner import MAX_RESTARTS, Service, Supervisor
from tests.conftest import PROJECT_DIR

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def served_supervisor(monkeypatch, services):
    """The supervisor running in a thread, every service counted as ready."""
    monkeypatch.setattr("bot.runner.is_ready", lambda url: True)
    # run_until_stopped installs signal handlers, which only the main thread may do.
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    supervisor = Supervisor(services, PROJECT_DIR, restart_delay=0.1)
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", supervisor.run_until_stopped()))
    thread.start()
    return supervisor, thread, result


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_replica_that_dies_is_started_again_and_the_others_keep_running(monkeypatch):
    services = [Service("rasa-1", SLEEPER, "http://x/"), Service("rasa-2", SLEEPER, "http://y/")]
    supervisor, thread, result = served_supervisor(monkeypatch, services)
    try:
        assert wait_for(lambda: len(supervisor.processes) == 2)
        first, other = supervisor.processes["rasa-1"], supervisor.processes["rasa-2"]
        first.kill()
        assert wait_for(lambda: supervisor.processes["rasa-1"] is not first)
        assert supervisor.processes["rasa-1"].poll() is None
        assert supervisor.processes["rasa-2"] is other and other.poll() is None
    finally:
        supervisor.request_stop(signal.SIGTERM, None)
        thread.join(timeout=30)
    assert result["code"] == 0


def test_a_service_that_keeps_dying_stops_the_stack(monkeypatch):
    dies_soon = [sys.executable, "-c", "import time; time.sleep(0.3)"]
    supervisor, thread, result = served_supervisor(monkeypatch, [Service("actions", dies_soon, "http://x/")])
    thread.join(timeout=60)
    assert result["code"] == 1
    assert len(supervisor.restarts["actions"]) == MAX_RESTARTS


def test_a_garbled_answer_to_the_health_poll_means_not_ready_yet():
    import socket

    from bot.runner import is_ready

    # A server that answers with something that is no HTTP at all.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def garble():
        connection, _ = server.accept()
        connection.recv(1024)
        connection.sendall(b"GET / HTTP/1.1\r\n\r\n")
        connection.close()

    threading.Thread(target=garble, daemon=True).start()
    try:
        assert is_ready(f"http://127.0.0.1:{port}/") is False
    finally:
        server.close()
