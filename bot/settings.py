"""One typed settings object, read from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseSettings, PositiveFloat, PositiveInt, SecretStr, root_validator, validator

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
    # Where the web app (hand-back) and `bot chat` reach Rasa's HTTP API when Rasa runs on
    # another host (the load balancer in front of the replicas), without a trailing slash.
    # Empty: http://HOST:RASA_PORT, this stack's own.
    rasa_base_url: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # AVG retention (`python -m bot privacy retention`): conversations without activity for this
    # many days are deleted, with what the app database keeps of them (see `bot.privacy`).
    retention_days: PositiveInt = 365
    # Empty means the default SQLite file in var_dir (see `_default_database_url`).
    database_url: str = ""
    # The production profile (docs/deployment.md): Rasa's tracker store as a SQLAlchemy URL
    # (empty: the SQLite file var_dir/rasa_tracker.db), the Redis lock store every replica
    # shares (empty: a lock inside the one Rasa process) and the RabbitMQ event broker
    # (empty: no broker). See `bot.endpoints` for what Rasa is given.
    tracker_store_url: str = ""
    lock_store_url: str = ""
    event_broker_url: str = ""
    event_broker_queue: str = "rasa_events"
    # How long a message waits for the tracker store's database (a restart) before it fails.
    tracker_store_retry_seconds: PositiveFloat = 10.0
    # Rasa processes `python -m bot run` starts; more than one runs behind nginx on RASA_PORT
    # (the replicas listen on the ports after it) and needs LOCK_STORE_URL and a shared
    # tracker store.
    rasa_replicas: PositiveInt = 1
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

    @validator("database_url", "tracker_store_url", always=True)
    def _default_sqlite_file(cls, url: str, values: dict, field) -> str:
        """Without a URL, the app data and Rasa's conversations are SQLite files in `<var_dir>`."""
        if url:
            return url
        var_dir = PROJECT_DIR / values.get("var_dir", Path("var"))
        filename = {"database_url": "app.db", "tracker_store_url": "rasa_tracker.db"}[field.name]
        return f"sqlite:///{var_dir / filename}"

    @root_validator(skip_on_failure=True)
    def _replicas_share_their_stores(cls, values: dict) -> dict:
        """Several Rasa replicas need a shared lock store and a tracker store on a server."""
        if values["rasa_replicas"] > 1:
            if not values["lock_store_url"]:
                raise ValueError("RASA_REPLICAS above 1 needs LOCK_STORE_URL (redis://...)")
            if values["tracker_store_url"].startswith("sqlite"):
                raise ValueError("RASA_REPLICAS above 1 needs TRACKER_STORE_URL on a database server")
        return values

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
    def action_endpoint_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        """Rasa's HTTP API for the other processes: RASA_BASE_URL, else this stack's own."""
        return (self.rasa_base_url or self.local_rasa_url).rstrip("/")

    @property
    def local_rasa_url(self) -> str:
        """Where this stack's own Rasa (or nginx in front of its replicas) listens."""
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def replica_ports(self) -> list[int]:
        """The ports of this stack's Rasa processes: RASA_PORT itself, or the ports after it behind nginx."""
        if self.rasa_replicas == 1:
            return [self.rasa_port]
        return [self.rasa_port + index for index in range(1, self.rasa_replicas + 1)]

    @property
    def rasa_server_urls(self) -> list[str]:
        """Every Rasa server that serves the model: RASA_SERVERS, else this stack's own replicas."""
        urls = [url.strip().rstrip("/") for url in self.rasa_servers.split(",") if url.strip()]
        return urls or [f"http://{self.host}:{port}" for port in self.replica_ports]

    @property
    def public_url(self) -> str:
        """Where webhooks are reached from outside: PUBLIC_BASE_URL, else this stack's Rasa itself."""
        return (self.public_base_url or self.local_rasa_url).rstrip("/")

    @property
    def whatsapp_is_local(self) -> bool:
        """No Twilio account: messages stay on this machine (the simulator shows them)."""
        return not self.twilio_account_sid


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Build the settings from the environment, an optional `.env` file and overrides."""
    return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
