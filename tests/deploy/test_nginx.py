"""nginx in front of the Rasa replicas: a config nginx accepts, that spreads and fails over."""

import json
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.deploy.nginx import nginx_binary, nginx_command, write_nginx_config
from bot.runner import stack_services
from bot.settings import load_settings
from tests.stack import _free_port

PRODUCTION = {
    "tracker_store_url": "postgresql://rasa@127.0.0.1:5432/test",
    "lock_store_url": "redis://127.0.0.1:6379/1",
    "database_url": "postgresql://app@127.0.0.1:5432/test",
}


class Replica:
    """A stand-in replica that answers POSTs with its own name and counts them."""

    def __init__(self, name: str) -> None:
        self.name, self.requests = name, 0
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                replica.requests += 1
                body = json.dumps({"replica": replica.name}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def balanced(tmp_path):
    replicas = [Replica("one"), Replica("two")]
    port = _free_port()
    write_nginx_config(
        host="127.0.0.1", listen_port=port, replica_ports=[r.port for r in replicas], run_dir=tmp_path
    )
    process = subprocess.Popen(nginx_command(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            post(port)
            break
        except OSError:
            time.sleep(0.1)
    yield port, replicas
    process.terminate()
    process.wait(timeout=10)
    for replica in replicas:
        replica.stop()


def post(port: int) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/whatsapp/webhook", data=b"Body=hoi")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["replica"]


def test_nginx_accepts_the_generated_config(tmp_path):
    config = write_nginx_config(
        host="127.0.0.1", listen_port=8080, replica_ports=[5006, 5007], run_dir=tmp_path
    )
    result = subprocess.run(
        [nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(config)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "server 127.0.0.1:5006" in config.read_text()


def test_requests_are_spread_over_both_replicas(balanced):
    port, replicas = balanced
    answered = {post(port) for _ in range(20)}
    assert answered == {"one", "two"}
    assert all(replica.requests >= 5 for replica in replicas)


def test_when_a_replica_is_gone_the_other_answers_every_request(balanced):
    port, (one, two) = balanced
    one.stop()
    answered = [post(port) for _ in range(20)]
    assert answered == ["two"] * 20


def test_with_replicas_the_stack_runs_each_behind_nginx_on_the_rasa_port(tmp_path):
    settings = load_settings(env_file=None, rasa_replicas=2, **PRODUCTION)
    services = {s.name: s for s in stack_services(settings, tmp_path / "model.tar.gz")}
    assert set(services) == {"actions", "rasa-1", "rasa-2", "nginx", "web"}
    ports = [
        services[name].command[services[name].command.index("--port") + 1] for name in ("rasa-1", "rasa-2")
    ]
    assert ports == [str(settings.rasa_port + 1), str(settings.rasa_port + 2)]
    assert services["nginx"].health_url == f"http://127.0.0.1:{settings.rasa_port}/"
    for name in ("rasa-1", "rasa-2"):
        assert services[name].env["LOCK_STORE_URL"] == PRODUCTION["lock_store_url"]
        assert services[name].env["TRACKER_STORE_URL"] == PRODUCTION["tracker_store_url"]


def test_one_replica_runs_alone_on_the_rasa_port(tmp_path):
    settings = load_settings(env_file=None)
    services = {s.name: s for s in stack_services(settings, tmp_path / "model.tar.gz")}
    assert set(services) == {"actions", "rasa", "web"}
    assert services["rasa"].command[services["rasa"].command.index("--port") + 1] == str(settings.rasa_port)
