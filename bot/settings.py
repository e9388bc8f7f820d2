"""One typed settings object, read from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseSettings, PositiveInt, SecretStr, validator

PROJECT_DIR = Path(__file__).resolve().parents[1]
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "token", "test"}
MIN_SECRET_LENGTH = 16


class Settings(BaseSettings):
    """Configuration of every process of the stack; see `.env.example` for each field."""

    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8000
    rasa_auth_token: SecretStr = SecretStr("change-me")
    web_api_token: SecretStr = SecretStr("change-me")
    models_dir: Path = Path("models")
    var_dir: Path = Path("var")
    # The operator data files (triage scripts, self-help, office hours, routing, canned answers).
    data_dir: Path = Path("data")
    # The NLU training data, where the review inbox writes accepted examples.
    nlu_data_dir: Path = Path("data/nlu")
    # Model releases (`python -m bot train`): a new model is refused when its intent or
    # category macro-F1 on a held-out set is lower than the served model's by more than this.
    promotion_max_f1_drop: float = 0.02
    # How many of the most recently served models are kept on disk for `model rollback`.
    models_keep: int = 5
    # The Rasa servers a promoted model is loaded into, comma-separated base URLs.
    # Empty: the one this stack runs (http://HOST:RASA_PORT).
    rasa_servers: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # AVG retention (`python -m bot privacy retention`): conversations without activity for this
    # many days are deleted, with what the app database keeps of them (see `bot.privacy`).
    retention_days: PositiveInt = 365
    # Empty means the default SQLite file in var_dir (see `_default_database_url`).
    database_url: str = ""
    # Where the self-help videos live on the corporation's own site (data/selfhelp.yml paths).
    self_help_base_url: str = "https://www.de-linde.example/zelf-doen"
    # The address Twilio and Meta reach this stack at (behind a reverse proxy: the proxy's),
    # without a trailing slash; webhook signatures are checked against it. Empty: the Rasa URL.
    public_base_url: str = ""
    # WhatsApp through Twilio. Without an account SID the stack runs in local mode: nothing
    # goes to the internet and the tenant simulator shows what would have been sent.
    twilio_account_sid: str = ""
    # Signs Twilio's webhooks (and, in local mode, the simulator's).
    twilio_auth_token: SecretStr = SecretStr("change-me")
    # The corporation's WhatsApp sender, e.g. +3197010203040.
    twilio_whatsapp_from: str = ""
    twilio_api_base_url: str = "https://api.twilio.com"
    # An approved template ({{1}} = the text) for messages outside WhatsApp's 24-hour window.
    twilio_template_content_sid: str = ""
    # Facebook Messenger: the token Meta's verification handshake must send, the app secret
    # that signs webhooks, and the page's access token for the Send API (empty: local mode).
    messenger_verify_token: SecretStr = SecretStr("")
    messenger_app_secret: SecretStr = SecretStr("")
    messenger_page_access_token: SecretStr = SecretStr("")
    messenger_api_base_url: str = "https://graph.facebook.com/v17.0"

    class Config:
        env_file = ".env"
        env_file_encoding = "utf-8"

    @validator("rasa_auth_token", "web_api_token", "twilio_auth_token")
    def _refuse_placeholder_outside_development(cls, token: SecretStr, values: dict, field) -> SecretStr:
        """Refuse a placeholder or short token unless this is a development machine."""
        if values.get("environment") == "development":
            return token
        secret = token.get_secret_value()
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"{field.name.upper()} must be a real secret of at least {MIN_SECRET_LENGTH} "
                "characters outside development (run `python -m bot init-env`)"
            )
        return token

    @validator("database_url", always=True)
    def _default_database_url(cls, url: str, values: dict) -> str:
        """Without DATABASE_URL, the app data lives in `<var_dir>/app.db` under the project dir."""
        if url:
            return url
        var_dir = PROJECT_DIR / values.get("var_dir", Path("var"))
        return f"sqlite:///{var_dir / 'app.db'}"

    @property
    def tracker_store_db(self) -> str:
        """The SQLite file of Rasa's tracker store in the embedded profile."""
        return str(self.var_dir / "rasa_tracker.db")

    # Directories are relative to the project unless absolute (joining keeps an absolute path).
    @property
    def models_path(self) -> Path:
        return (PROJECT_DIR / self.models_dir).resolve()

    @property
    def operator_data_dir(self) -> Path:
        return PROJECT_DIR / self.data_dir

    @property
    def training_data_dir(self) -> Path:
        return PROJECT_DIR / self.nlu_data_dir

    @property
    def tracker_store_url(self) -> str:
        """Rasa's tracker store as a database URL, for the console's transcripts."""
        return f"sqlite:///{PROJECT_DIR / self.tracker_store_db}"

    @property
    def action_endpoint_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def rasa_server_urls(self) -> list[str]:
        """Every Rasa server that serves the model: RASA_SERVERS, else this stack's own."""
        urls = [url.strip().rstrip("/") for url in self.rasa_servers.split(",") if url.strip()]
        return urls or [self.rasa_url]

    @property
    def public_url(self) -> str:
        """Where webhooks are reached from outside: PUBLIC_BASE_URL, else the Rasa server itself."""
        return (self.public_base_url or self.rasa_url).rstrip("/")

    @property
    def whatsapp_is_local(self) -> bool:
        """No Twilio account: messages stay on this machine (the simulator shows them)."""
        return not self.twilio_account_sid


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Build the settings from the environment, an optional `.env` file and overrides."""
    return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
