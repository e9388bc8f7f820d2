"""Create a local `.env` from `.env.example` with freshly generated secrets."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

GENERATED_SECRETS = ("RASA_AUTH_TOKEN", "WEB_API_TOKEN", "TWILIO_AUTH_TOKEN")


def init_env(project_dir: Path) -> bool:
    """Write `.env` if it does not exist yet; returns whether it was created."""
    target = project_dir / ".env"
    if target.exists():
        return False
    text = (project_dir / ".env.example").read_text()
    for name in GENERATED_SECRETS:
        text = re.sub(rf"^{name}=.*$", f"{name}={secrets.token_urlsafe(32)}", text, flags=re.MULTILINE)
    target.write_text(text)
    target.chmod(0o600)
    return True
