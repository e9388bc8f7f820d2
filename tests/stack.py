"""The real stack as `make run` starts it, in a subprocess, for end-to-end tests."""

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from twilio.request_validator import RequestValidator

from tests.conftest import PROJECT_DIR

READY_TIMEOUT = 240
WEB_TOKEN = "web-test-token-" + "x" * 16
TWILIO_TOKEN = "twilio-test-token-" + "y" * 16


# Ports are picked from here up to the kernel's ephemeral range.
PORTS_FROM = 20000


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (the replicas listen on RASA_PORT + 1, + 2).

    Below the kernel's ephemeral range: polling a port nobody listens on yet from an
    ephemeral port can connect the socket to itself, and the port is then taken.
    """
    low = _ephemeral_low()
    while True:
        first = random.randrange(PORTS_FROM, low - count)
        if all(_port_free(first + i) for i in range(count)):
            return first


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port():
    return free_ports(1)


class Stack:
    def __init__(self, process, rasa_url, token, var_dir):
        self.process = process
        self.rasa_url = rasa_url
        self.token = token
        self.var_dir = var_dir
        self.output: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)
            if line.startswith("[run] ready"):
                self.ready.set()

    def child_pids(self):
        return [int(m) for line in self.output for m in re.findall(r"\(pid (\d+)\)", line)]

    def pid_of(self, service):
        """The process id of a service (`rasa-1`, `actions`, ...) as last started by the supervisor."""
        started = [line for line in self.output if line.startswith(f"[run] started {service} (pid ")]
        return int(re.search(r"\(pid (\d+)\)", started[-1]).group(1))

    def whatsapp(self, phone, body, sid, *, extra=None, via=None):
        """Post one message to the WhatsApp webhook as Twilio does, signed for the public URL.

        `via` sends it to another address (one replica) than the public one (nginx or the only Rasa).
        """
        path = "/webhooks/whatsapp/webhook"
        fields = {"MessageSid": sid, "From": f"whatsapp:{phone}", "To": "whatsapp:+31970000000", "Body": body}
        fields.update(extra or {})
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(self.rasa_url + path, fields)
        request = urllib.request.Request(
            (via or self.rasa_url) + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"X-Twilio-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    def post(self, sender, message):
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def tracker(self, conversation_id):
        """Rasa's tracker of one conversation, through its HTTP API."""
        url = f"{self.rasa_url}/conversations/{conversation_id}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())

    def get_json(self, url):
        """GET a JSON answer, also when the status is an error (a health check's 503)."""
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())

    def served_model(self):
        """The file name of the model Rasa answers with."""
        with urllib.request.urlopen(f"{self.rasa_url}/status?token={self.token}", timeout=30) as response:
            return os.path.basename(json.loads(response.read())["model_file"])


@contextmanager
def running_stack(
    tmp_path_factory, ready_timeout: float = READY_TIMEOUT, **extra_env: str
) -> Iterator[Stack]:
    """Start `python -m bot run` on free ports with its own var dir; kill it afterwards."""
    # With replicas, nginx takes RASA_PORT and the replicas the two ports after it.
    rasa_port, action_port, web_port = free_ports(3), _free_port(), _free_port()
    token = "test-token-" + os.urandom(8).hex()
    var_dir = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "WEB_PORT": str(web_port),
        "WEB_API_TOKEN": WEB_TOKEN,
        "RASA_AUTH_TOKEN": token,
        "VAR_DIR": str(var_dir),
        # Local mode: no Twilio account, replies stay in the outbox for the simulator.
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "PUBLIC_BASE_URL": "",
        **extra_env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=PROJECT_DIR,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack = Stack(process, f"http://127.0.0.1:{rasa_port}", token, var_dir)
    stack.web_url = f"http://127.0.0.1:{web_port}"
    stack.actions_url = f"http://127.0.0.1:{action_port}"
    try:
        if not stack.ready.wait(ready_timeout):
            pytest.fail("stack did not become ready:\n" + "".join(stack.output[-40:]))
        yield stack
    finally:
        # The supervisor first (it would start a killed service again), then each service,
        # which runs in a session of its own.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        for pid in stack.child_pids():
            if psutil.pid_exists(pid):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def delivered(stack, phone, *, expect, timeout=30.0):
    """The WhatsApp messages the web app delivered (local mode) to `phone`, once `expect` came."""
    deadline = time.monotonic() + timeout
    texts: list[str] = []
    while time.monotonic() < deadline:
        query = urllib.parse.urlencode({"phone": phone, "after": 0})
        with urllib.request.urlopen(f"{stack.web_url}/simulator/messages?{query}", timeout=10) as response:
            texts = [m["text"] for m in json.loads(response.read())["messages"]]
        if any(expect in text for text in texts):
            return texts
        time.sleep(0.3)
    return texts
