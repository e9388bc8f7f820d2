"""Media in the message metadata, as every channel puts it there: {"media": [{"url", "content_type"}]}."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The texts (intents as `/intent` payloads) for messages without words.
SHARE_MEDIA = "/share_media"
VOICE_NOTE = "/voice_note"


def media_urls(metadata: Mapping[str, Any] | None) -> list[str]:
    """The links of the media in one message's metadata."""
    media = (metadata or {}).get("media") or []
    return [item["url"] for item in media if isinstance(item, dict) and item.get("url")]


def wordless_text(media: list[dict[str, str]], has_location: bool) -> str:
    """What a message without words says: a voice note, shared media or a location, or nothing."""
    if media and all(item["content_type"].split("/", 1)[0] == "audio" for item in media):
        return VOICE_NOTE
    return SHARE_MEDIA if media or has_location else ""
