"""The model swap route: token, bad input, a failed load, and a server that keeps answering while it loads.

The real stack swapping its model while a tenant chats is part of tests/model/test_loop.py.
"""

import threading
import time

import pytest
import requests
from sanic.response import json as json_response

from bot.model.hot_swap import SWAP_ROUTE, add_swap_route
from bot.rasa_server import with_our_routes
from tests.sanic_server import new_app, served

TOKEN = "swap-token-" + "s" * 16


class SlowAgent:
    """Stands in for Rasa's Agent: `load_model` blocks its thread the way loading TensorFlow does."""

    def __init__(self, seconds: float, fail: bool = False) -> None:
        self.seconds = seconds
        self.fail = fail
        self.model = "old.tar.gz"
        self.thread: str | None = None

    def load_model(self, path: str) -> None:
        self.thread = threading.current_thread().name
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("broken archive")
        self.model = path


def app_with(agent, name):
    app = new_app(name)
    app.ctx.agent = agent

    @app.get("/ping")
    async def ping(request):
        return json_response({"model": app.ctx.agent.model})

    add_swap_route(app, TOKEN)
    return app


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "new.tar.gz"
    path.write_bytes(b"model")
    return path


def test_the_server_keeps_answering_while_the_model_loads(model):
    agent = SlowAgent(seconds=2.0)
    with served(app_with(agent, "swap_slow")) as port:
        url = f"http://127.0.0.1:{port}"
        outcome = {}
        thread = threading.Thread(
            target=lambda: outcome.update(
                response=requests.put(
                    f"{url}{SWAP_ROUTE}", params={"token": TOKEN}, json={"model_file": str(model)}, timeout=30
                )
            )
        )
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        during = requests.get(f"{url}/ping", timeout=5).json()
        answered_in = time.monotonic() - started
        thread.join(30)
        after = requests.get(f"{url}/ping", timeout=5).json()
    assert during == {"model": "old.tar.gz"} and answered_in < 1.0
    assert outcome["response"].status_code == 200
    assert outcome["response"].json()["model_file"] == "new.tar.gz"
    assert after == {"model": str(model)}
    assert agent.thread != threading.main_thread().name


def test_a_failed_load_keeps_the_old_model(model):
    agent = SlowAgent(seconds=0, fail=True)
    with served(app_with(agent, "swap_fail")) as port:
        response = requests.put(
            f"http://127.0.0.1:{port}{SWAP_ROUTE}",
            params={"token": TOKEN},
            json={"model_file": str(model)},
            timeout=10,
        )
    assert response.status_code == 500 and "RuntimeError" in response.json()["error"]
    assert agent.model == "old.tar.gz"


@pytest.mark.parametrize(
    "params, body, status",
    [
        ({}, {"model_file": "x"}, 401),
        ({"token": "wrong"}, {"model_file": "x"}, 401),
        ({"token": TOKEN}, {"model_file": "/nonexistent/model.tar.gz"}, 400),
        ({"token": TOKEN}, {"something": "else"}, 400),
        ({"token": TOKEN}, ["not", "an", "object"], 400),
    ],
)
def test_bad_requests_are_refused_and_load_nothing(params, body, status):
    agent = SlowAgent(seconds=0)
    with served(app_with(agent, f"swap_bad_{status}_{len(params)}_{len(body)}")) as port:
        response = requests.put(f"http://127.0.0.1:{port}{SWAP_ROUTE}", params=params, json=body, timeout=10)
    assert response.status_code == status
    assert agent.model == "old.tar.gz" and agent.thread is None


def test_the_token_counts_only_as_a_query_argument(model):
    agent = SlowAgent(seconds=0)
    with served(app_with(agent, "swap_bearer")) as port:
        response = requests.put(
            f"http://127.0.0.1:{port}{SWAP_ROUTE}",
            headers={"Authorization": f"Bearer {TOKEN}"},
            json={"model_file": str(model)},
            timeout=10,
        )
    assert response.status_code == 401 and agent.thread is None


def test_the_launcher_adds_the_route_to_the_app_rasa_configures():
    made = []

    def configure_app(*args, **kwargs):
        app = new_app("swap_launcher")
        made.append((args, kwargs))
        return app

    app = with_our_routes(configure_app, TOKEN)(None, port=5005)
    assert made == [((None,), {"port": 5005})]
    assert any(route.path.strip("/") == SWAP_ROUTE.strip("/") for route in app.router.routes)
