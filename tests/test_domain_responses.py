"""The domain's responses as Rasa renders them: button payloads come out as written, without errors."""

import asyncio
import json
import re

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from structlog.testing import capture_logs

from tests.conftest import PROJECT_DIR

PAYLOAD_WITH_ENTITIES = re.compile(r"^/(\w+)(\{.*\})$")


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(PROJECT_DIR / "domain"))


def rendered(domain: Domain, response: str) -> tuple[dict, list[dict]]:
    """The message Rasa's NLG makes of `response` on an empty tracker, and what it logged."""
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = DialogueStateTracker.from_events("tenant", [], slots=domain.slots)
    with capture_logs() as logs:
        message = asyncio.run(nlg.generate(response, tracker, "whatsapp"))
    return message, logs


def test_the_satisfaction_buttons_set_the_score():
    domain = Domain.load(str(PROJECT_DIR / "domain"))
    message, logs = rendered(domain, "utter_ask_satisfaction")
    assert [b["payload"] for b in message["buttons"]] == [
        f'/inform{{"satisfaction_score": "{n}"}}' for n in range(1, 6)
    ]
    assert not [entry for entry in logs if entry["log_level"] in ("error", "critical")]


def test_every_button_payload_is_an_intent_with_known_entities_and_logs_no_error(domain):
    with_buttons = [
        name for name, variants in domain.responses.items() if any(v.get("buttons") for v in variants)
    ]
    assert with_buttons
    for name in with_buttons:
        message, logs = rendered(domain, name)
        assert not [entry for entry in logs if entry["log_level"] in ("error", "critical")], name
        for button in message["buttons"]:
            payload = button["payload"]
            match = PAYLOAD_WITH_ENTITIES.match(payload)
            if match:
                assert match.group(1) in domain.intents, payload
                assert set(json.loads(match.group(2))) <= set(domain.entities), payload
            else:
                assert "{" not in payload and "}" not in payload, payload
