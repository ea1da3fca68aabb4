"""Bring a database to the current schema with Alembic (users keep their data)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

# The newest revision in migrations/versions (a test keeps this in step). A
# database already there needs no Alembic at all, which keeps the daemon's
# start-up and resident memory small.
HEAD = "0005"


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None  # a new database: no version table yet


def upgrade(engine: Engine) -> None:
    if current_revision(engine) == HEAD:
        return
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", "secondchance:migrations")
    # Alembic logs every step at INFO; a daemon start should not.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
