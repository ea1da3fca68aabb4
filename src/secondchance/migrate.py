"""Bring a database to the current schema with Alembic (users keep their data)."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", "secondchance:migrations")
    return config


def upgrade(engine: Engine) -> None:
    config = alembic_config()
    # Alembic logs every step at INFO; a daemon start should not.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
