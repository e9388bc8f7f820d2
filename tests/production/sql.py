"""One column of a query against a database of the stack under test."""

from sqlalchemy import create_engine, text


def column(url: str, sql: str, **params) -> list:
    """The first column of every row `sql` returns, with its own short-lived engine."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def outbox_texts(app_url: str, conversation_id: str) -> list[str]:
    """What the bot queued for one conversation, in order."""
    sql = "SELECT text FROM outbox_messages WHERE conversation_id = :c ORDER BY id"
    return column(app_url, sql, c=conversation_id)
