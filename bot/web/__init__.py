"""The web app on WEB_PORT: a JSON API for the corporation's systems (later: the agent console)."""
