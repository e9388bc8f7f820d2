import pytest

from bot.model.serving import RasaServer, ServingError, load_everywhere
from tests.fakes.rasa import FakeRasa
from tests.sanic_server import free_port

TOKEN = "rasa-token-" + "x" * 16


@pytest.fixture()
def rasa():
    fake = FakeRasa(TOKEN, model_file="/models/old.tar.gz").start()
    yield fake
    fake.stop()


@pytest.fixture()
def model(tmp_path):
    path = tmp_path / "new.tar.gz"
    path.write_bytes(b"model")
    return path


def test_a_running_server_loads_the_model_by_its_absolute_path(rasa, model):
    server = RasaServer(rasa.url, TOKEN)
    assert server.served_model() == "old.tar.gz"
    server.load(model)
    assert rasa.loads == [str(model.resolve())]
    assert server.served_model() == "new.tar.gz"


def test_a_refused_load_is_an_error(rasa, model):
    rasa.refuse_next()
    with pytest.raises(ServingError, match="HTTP 500"):
        RasaServer(rasa.url, TOKEN).load(model)


def test_a_wrong_token_is_an_error_not_a_stopped_server(rasa):
    with pytest.raises(ServingError, match="HTTP 401"):
        RasaServer(rasa.url, "wrong").status()


def test_a_server_that_is_not_running_has_no_status():
    assert RasaServer(f"http://127.0.0.1:{free_port()}", TOKEN).status() is None


def test_load_everywhere_skips_stopped_servers_and_loads_the_rest(rasa, model):
    second = FakeRasa(TOKEN, model_file="/models/old.tar.gz").start()
    try:
        servers = [
            RasaServer(rasa.url, TOKEN),
            RasaServer(f"http://127.0.0.1:{free_port()}", TOKEN),
            RasaServer(second.url, TOKEN),
        ]
        assert load_everywhere(servers, model) == [rasa.url, second.url]
        assert second.model_file == str(model.resolve())
    finally:
        second.stop()


def test_load_everywhere_stops_at_the_first_failure(rasa, model):
    second = FakeRasa(TOKEN).start()
    try:
        rasa.refuse_next()
        with pytest.raises(ServingError):
            load_everywhere([RasaServer(rasa.url, TOKEN), RasaServer(second.url, TOKEN)], model)
        assert second.loads == []
    finally:
        second.stop()
