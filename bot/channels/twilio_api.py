"""Sending WhatsApp messages through the Twilio REST API, with the official `twilio` library.

The API's base URL is a setting, so tests point the same client at a local fake that
speaks Twilio's HTTP format. The library's request log (which holds message bodies and
phone numbers) is kept at WARNING.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"
# Twilio answers these when it is overloaded or down: try again later.
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
# Twilio's own log of requests and responses carries message bodies and phone numbers.
_quiet_logger = logging.getLogger("bot.channels.twilio_http")
_quiet_logger.setLevel(logging.WARNING)


class DeliveryError(Exception):
    """A message the channel did not take; `retry` says whether trying again can help."""

    def __init__(self, message: str, *, retry: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after


class _BaseUrlHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending to `base_url` instead of api.twilio.com; remembers Retry-After."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout, logger=_quiet_logger)
        self.base_url = base_url.rstrip("/")
        self.retry_after: float | None = None

    def request(self, method: str, url: str, *args, **kwargs) -> Response:
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        response = super().request(method, url, *args, **kwargs)
        header = (response.headers or {}).get("Retry-After")
        self.retry_after = float(header) if header and header.isdigit() else None
        return response


@dataclass(frozen=True)
class Template:
    """An approved WhatsApp template for messages outside the 24-hour window: `{{1}}` gets the text."""

    content_sid: str
    max_variable_length: int = 1000


class TwilioWhatsApp:
    """Sends one WhatsApp message (text or media) from the corporation's sender number."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        status_callback_url: str | None,
        api_base_url: str = TWILIO_API,
        timeout: float = 10.0,
    ) -> None:
        self._http = _BaseUrlHttpClient(api_base_url, timeout)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        self.from_number = from_number if from_number.startswith("whatsapp:") else f"whatsapp:{from_number}"
        self.status_callback_url = status_callback_url

    def send(
        self, *, to: str, text: str, media_url: str | None = None, template: Template | None = None
    ) -> str:
        """Send and return Twilio's MessageSid.

        Raises:
            DeliveryError: with `retry` set for 429, 5xx and network failures.
        """
        fields: dict = {
            "to": to if to.startswith("whatsapp:") else f"whatsapp:{to}",
            "from_": self.from_number,
        }
        if self.status_callback_url:
            fields["status_callback"] = self.status_callback_url
        if template is not None:
            fields["content_sid"] = template.content_sid
            fields["content_variables"] = json.dumps({"1": text[: template.max_variable_length]})
        else:
            fields["body"] = text
            if media_url:
                fields["media_url"] = [media_url]
        try:
            return self._client.messages.create(**fields).sid
        except TwilioRestException as error:
            retry = error.status in RETRYABLE_STATUSES
            raise DeliveryError(
                f"Twilio answered {error.status} (code {error.code}): {error.msg}",
                retry=retry,
                retry_after=self._http.retry_after if retry else None,
            ) from error
        except (TwilioException, OSError) as error:
            raise DeliveryError(f"Twilio could not be reached: {type(error).__name__}", retry=True) from error
