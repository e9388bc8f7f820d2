"""`python -m bot.web`: serve the web app on the settings' host and WEB_PORT."""

from bot.settings import PROJECT_DIR, load_settings
from bot.web.app import create_app


def main() -> None:
    settings = load_settings(PROJECT_DIR / ".env")
    app = create_app(settings)
    app.run(host=settings.host, port=settings.web_port, access_log=False, motd=False)


if __name__ == "__main__":
    main()
