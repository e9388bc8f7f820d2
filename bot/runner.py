"""Start the whole local stack, wait until it answers, and stop every process on Ctrl-C."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.deploy.nginx import nginx_command, write_nginx_config
from bot.endpoints import endpoint_env, write_endpoints
from bot.settings import PROJECT_DIR, Settings

STOP_TIMEOUT_SECONDS = 20
READY_TIMEOUT_SECONDS = 180
# A service that dies after the stack was ready is started again after this pause; one that
# dies more than MAX_RESTARTS times within RESTART_WINDOW_SECONDS stops the stack.
RESTART_DELAY_SECONDS = 2.0
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 600


@dataclass
class Service:
    """One process of the stack and the URL that says it is ready."""

    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)


def quiet_library_env() -> dict[str, str]:
    """Environment that silences TensorFlow's and SQLAlchemy's start-up noise and telemetry."""
    return {
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    }


def channel_env(settings: Settings) -> dict[str, str]:
    """The channel settings Rasa (the webhooks) and the web app (delivery, simulator) must share."""
    return {
        "PUBLIC_BASE_URL": settings.public_base_url,
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token.get_secret_value(),
        "TWILIO_WHATSAPP_FROM": settings.twilio_whatsapp_from,
        "TWILIO_API_BASE_URL": settings.twilio_api_base_url,
        "TWILIO_TEMPLATE_CONTENT_SID": settings.twilio_template_content_sid,
        "MESSENGER_VERIFY_TOKEN": settings.messenger_verify_token.get_secret_value(),
        "MESSENGER_APP_SECRET": settings.messenger_app_secret.get_secret_value(),
        "MESSENGER_PAGE_ACCESS_TOKEN": settings.messenger_page_access_token.get_secret_value(),
        "MESSENGER_API_BASE_URL": settings.messenger_api_base_url,
    }


def rasa_env(settings: Settings) -> dict[str, str]:
    """The values of the endpoints file's ${...} and the API token (bot/rasa_server.py)."""
    return {
        **endpoint_env(settings),
        "RASA_AUTH_TOKEN": settings.rasa_auth_token.get_secret_value(),
        # The WhatsApp channel records inbound messages and queues replies in the app database;
        # when the action server is down, Rasa registers a callback there itself.
        "DATABASE_URL": settings.database_url,
        "DATA_DIR": str(settings.operator_data_dir),
        "RASA_PORT": str(settings.rasa_port),
        "HOST": settings.host,
        **channel_env(settings),
    }


def rasa_replicas(settings: Settings, model: Path, endpoints: Path) -> list[Service]:
    """One Rasa process per replica port; `rasa` alone, or `rasa-1`, `rasa-2`, ... behind nginx."""
    single = settings.rasa_replicas == 1
    return [
        Service(
            name="rasa" if single else f"rasa-{index}",
            command=[
                sys.executable,
                "-m",
                "bot.rasa_server",
                "--model",
                str(model),
                "--enable-api",
                "--interface",
                settings.host,
                "--port",
                str(port),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                str(endpoints),
            ],
            health_url=f"http://{settings.host}:{port}/",
            env=rasa_env(settings),
        )
        for index, port in enumerate(settings.replica_ports, start=1)
    ]


def load_balancer(settings: Settings) -> Service:
    """The nginx service on RASA_PORT in front of the replicas (bot/deploy/nginx.py)."""
    command = nginx_command(nginx_dir(settings))
    return Service(name="nginx", command=command, health_url=f"{settings.local_rasa_url}/")


def endpoints_file(settings: Settings) -> Path:
    return PROJECT_DIR / settings.var_dir / "endpoints.yml"


def nginx_dir(settings: Settings) -> Path:
    return PROJECT_DIR / settings.var_dir / "nginx"


def write_stack_files(settings: Settings) -> None:
    """Write what the services read at start: Rasa's endpoints file and, with replicas, nginx.conf."""
    write_endpoints(settings, endpoints_file(settings))
    if settings.rasa_replicas > 1:
        write_nginx_config(
            host=settings.host,
            listen_port=settings.rasa_port,
            replica_ports=settings.replica_ports,
            run_dir=nginx_dir(settings),
        )


def stack_services(settings: Settings, model: Path) -> list[Service]:
    """The processes `make run` starts: the action server, Rasa (replicas behind nginx) and the web app."""
    python = sys.executable
    actions = Service(
        name="actions",
        command=[python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
        health_url=f"http://{settings.host}:{settings.action_port}/health",
        env={
            "SANIC_HOST": settings.host,
            "DATABASE_URL": settings.database_url,
            "DATA_DIR": str(settings.operator_data_dir),
        },
    )
    web = Service(
        name="web",
        command=[python, "-m", "bot.web"],
        health_url=f"http://{settings.host}:{settings.web_port}/health",
        # The web app reads its settings itself: hand it the ones this supervisor was given.
        env={
            "HOST": settings.host,
            "WEB_PORT": str(settings.web_port),
            "DATABASE_URL": settings.database_url,
            "WEB_API_TOKEN": settings.web_api_token.get_secret_value(),
            # The console resumes handed-back conversations through Rasa's HTTP API.
            "RASA_AUTH_TOKEN": settings.rasa_auth_token.get_secret_value(),
            "RASA_PORT": str(settings.rasa_port),
            "RASA_BASE_URL": settings.rasa_base_url,
            "VAR_DIR": str(settings.var_dir),
            "DATA_DIR": str(settings.operator_data_dir),
            # The console's transcripts and the review inbox read Rasa's tracker store.
            "TRACKER_STORE_URL": settings.tracker_store_url,
            **channel_env(settings),
        },
    )
    rasa = rasa_replicas(settings, model, endpoints_file(settings))
    balancer = [] if settings.rasa_replicas == 1 else [load_balancer(settings)]
    return [actions, *rasa, *balancer, web]


def is_ready(url: str) -> bool:
    """Whether the URL answers 200; any failure (refused, reset, a garbled answer) is "not yet"."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return False


class Supervisor:
    """Runs services as child processes and stops all of them together."""

    def __init__(
        self, services: list[Service], project_dir: Path, restart_delay: float = RESTART_DELAY_SECONDS
    ) -> None:
        self.services = services
        self.project_dir = project_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts: dict[str, list[float]] = {}
        self.restart_delay = restart_delay
        self._stopping = False

    def start(self) -> None:
        for service in self.services:
            self._start(service)

    def _start(self, service: Service) -> None:
        env = {**os.environ, **quiet_library_env(), **service.env}
        # Own session: a Ctrl-C reaches only the supervisor, which stops children in order.
        self.processes[service.name] = subprocess.Popen(
            service.command, cwd=self.project_dir, env=env, start_new_session=True
        )
        print(f"[run] started {service.name} (pid {self.processes[service.name].pid})", flush=True)

    def restart_died(self) -> list[str]:
        """Start again what died; the names of services that died too often to try again."""
        given_up = []
        now = time.monotonic()
        for name in self.exited():
            service = next(s for s in self.services if s.name == name)
            recent = [t for t in self.restarts.get(name, []) if now - t < RESTART_WINDOW_SECONDS]
            if len(recent) >= MAX_RESTARTS:
                given_up.append(name)
                continue
            code = self.processes[name].returncode
            print(f"[run] {name} stopped unexpectedly (exit {code}); starting it again", flush=True)
            self.restarts[name] = [*recent, now]
            time.sleep(self.restart_delay)
            self._start(service)
        return given_up

    def wait_until_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> bool:
        """Poll each health URL until all answer; False when one died or time ran out."""
        deadline = time.monotonic() + timeout
        pending = list(self.services)
        while pending and time.monotonic() < deadline and not self._stopping:
            if self.exited():
                return False
            pending = [s for s in pending if not is_ready(s.health_url)]
            if pending:
                time.sleep(0.5)
        return not pending

    def exited(self) -> list[str]:
        """Names of services whose process has ended."""
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def stop(self) -> None:
        """SIGTERM every child, wait, then SIGKILL whatever is left."""
        self._stopping = True
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def request_stop(self, signum: int, frame: object) -> None:
        self._stopping = True

    def run_until_stopped(self) -> int:
        """Start, report readiness, supervise (restarting what dies); 0 on Ctrl-C, 1 on failure."""
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        self.start()
        try:
            if self.wait_until_ready():
                print(
                    "[run] ready: " + ", ".join(f"{s.name} {s.health_url}" for s in self.services), flush=True
                )
            elif self.exited() and not self._stopping:
                print(
                    f"[run] {', '.join(self.exited())} stopped while starting; stopping the stack", flush=True
                )
                return 1
            elif not self._stopping:
                print(
                    f"[run] not all services answered within {READY_TIMEOUT_SECONDS} s; waiting", flush=True
                )
                if self.wait_until_ready(timeout=float("inf")):
                    print("[run] ready (late): " + ", ".join(s.name for s in self.services), flush=True)
            while not self._stopping:
                given_up = self.restart_died()
                if given_up:
                    print(f"[run] {', '.join(given_up)} keeps stopping; stopping the stack", flush=True)
                    return 1
                time.sleep(0.5)
            print("[run] stopping", flush=True)
            return 0
        finally:
            self.stop()
            print("[run] all processes stopped", flush=True)
