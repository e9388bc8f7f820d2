"""Stack benchmark: start-up time, reply latency at the REST and WhatsApp webhooks, and memory.

Starts the same processes as `make run` (on free ports, with a throw-away tracker
store, in local mode), sends Dutch messages one at a time as new and ongoing
conversations, and prints the time until the stack is ready, the first reply, p50/p95/max
reply latency on the REST channel, and on the signed WhatsApp webhook both the time until
the webhook answered (replies queued in the outbox) and until the delivery loop had sent
them; then the resident memory of each process. Run with `make bench-stack`.
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

MESSAGES = [
    "Hallo, mijn kraan in de keuken lekt",
    "de buren hebben elke nacht feest tot 4 uur",
    "ik kan de huur deze maand niet betalen, mijn uitkering is te laat",
    "wanneer gaat de huur omhoog?",
    "hoe staat het met mijn melding van vorige week",
    "de cv doet het niet en het is ijskoud 🥶",
    "ja klopt",
    "dank u wel!",
]
ROUNDS = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, sender: str, message: str) -> float:
    """Send one message to the REST channel; the seconds until the whole reply arrived."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        json.loads(response.read())
    return time.perf_counter() - started


def whatsapp(rasa_url: str, web_url: str, token: str, phone: str, text: str, sid: str) -> tuple[float, float]:
    """One signed WhatsApp message: seconds until the webhook answered, and until the replies were sent."""
    from twilio.request_validator import RequestValidator

    url = f"{rasa_url}/webhooks/whatsapp/webhook"
    fields = {"MessageSid": sid, "From": f"whatsapp:{phone}", "To": "whatsapp:+31970000000", "Body": text}
    signature = RequestValidator(token).compute_signature(url, fields)
    before = len(delivered(web_url, phone))
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), headers={"X-Twilio-Signature": signature}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    answered = time.perf_counter() - started
    while len(delivered(web_url, phone)) <= before and time.perf_counter() - started < 30:
        time.sleep(0.02)
    return answered, time.perf_counter() - started


def delivered(web_url: str, phone: str) -> list:
    query = urllib.parse.urlencode({"phone": phone, "after": 0})
    with urllib.request.urlopen(f"{web_url}/simulator/messages?{query}", timeout=10) as response:
        return json.loads(response.read())["messages"]


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p50, p95 = statistics.median(values), values[int(0.95 * len(values))]
    return f"p50 {1000 * p50:.0f} ms, p95 {1000 * p95:.0f} ms, max {1000 * values[-1]:.0f} ms"


def main() -> None:
    from bot.model.store import ModelStore
    from bot.runner import Supervisor, stack_services
    from bot.settings import load_settings

    model = ModelStore(PROJECT_DIR / "models").served()
    if model is None:
        sys.exit("no trained model: run `make model` first")
    var_dir = Path(tempfile.mkdtemp(prefix="bench-stack-"))
    settings = load_settings(
        env_file=None,
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        web_api_token="bench-" + "y" * 24,
        var_dir=str(var_dir),
        rasa_auth_token="bench-" + "x" * 24,
        twilio_auth_token="bench-" + "z" * 24,
        twilio_account_sid="",
        public_base_url="",
    )
    from bot.cli import _prepare_database

    _prepare_database(settings.database_url)  # as `make run` does: migrate, load the demo data
    supervisor = Supervisor(stack_services(settings, model), PROJECT_DIR)
    started = time.perf_counter()
    supervisor.start()
    try:
        if not supervisor.wait_until_ready():
            sys.exit("the stack did not become ready")
        ready_s = time.perf_counter() - started
        url = f"{settings.rasa_url}/webhooks/rest/webhook"
        first_reply_s = post(url, "bench-first", MESSAGES[0])
        latencies = [
            post(url, f"bench-{round_}", message) for round_ in range(ROUNDS) for message in MESSAGES
        ]
        web_url = f"http://{settings.host}:{settings.web_port}"
        token = settings.twilio_auth_token.get_secret_value()
        whatsapp_times = [
            whatsapp(
                settings.rasa_url, web_url, token, f"+3168765{round_:04d}", message, f"SMbench{round_}-{n}"
            )
            for round_ in range(ROUNDS)
            for n, message in enumerate(MESSAGES)
        ]
        memory = {
            name: psutil.Process(process.pid).memory_info().rss / 2**20
            for name, process in supervisor.processes.items()
        }
    finally:
        supervisor.stop()
    print(f"model: {model.name}")
    print(f"ready after start:          {ready_s:6.1f} s")
    print(f"first reply once ready:     {1000 * first_reply_s:6.0f} ms")
    print(f"REST reply latency ({len(latencies)} messages): {percentiles(latencies)}")
    print(f"WhatsApp webhook answered ({len(whatsapp_times)}): {percentiles([a for a, _ in whatsapp_times])}")
    print(
        f"WhatsApp replies sent      ({len(whatsapp_times)}): {percentiles([d for _, d in whatsapp_times])}"
    )
    for name, mib in memory.items():
        print(f"memory {name:<8}            {mib:6.0f} MiB")


if __name__ == "__main__":
    main()
