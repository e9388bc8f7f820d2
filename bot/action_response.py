"""Rasa's check of the action server's answers, with the validator built once per process.

Rasa checks every answer of the action server against its response schema with
`jsonschema.validate`, which first checks the schema itself against the JSON Schema
meta-schema and then builds a new validator, at every custom action and every form
validation. Under `make bench-load` that was 43% of a replica's CPU time (py-spy),
more than the NLU and the policies together. `install_cached_response_validation`
(called by bot/rasa_server.py) replaces the check by the same one on a validator that is
built, and whose schema is checked, once: the same answers pass, and a bad answer fails
with the same `ValidationError` and message as in Rasa.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def response_validator() -> Any:
    """A validator for Rasa's action response schema; the schema is checked once, as `validate` does."""
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` on the cached validator: True, or the best ValidationError."""
    from jsonschema.exceptions import best_match

    error = best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install_cached_response_validation() -> None:
    """Patch Rasa in this process to check action answers on the cached validator."""
    RemoteAction._validate_action_result = validate_action_result
