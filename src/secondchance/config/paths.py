"""Where the watchlist and the data live when the command line does not say."""

from __future__ import annotations

import os
from pathlib import Path

APP = "secondchance"

# platformdirs is imported only when a default is needed: a daemon started with
# --config and --data-dir (systemd, Docker) never uses it.


def default_config_path() -> Path:
    env = os.environ.get("SECONDCHANCE_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP)) / "watchlist.toml"


def default_data_dir() -> Path:
    env = os.environ.get("SECONDCHANCE_DATA")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def database_url(database: str | None, data_dir: Path) -> str:
    """``[settings] database`` when set, else SQLite in the data directory. A value
    that is no URL is a SQLite file's path (a relative one, in the data directory):
    handed to SQLAlchemy as it was, it stopped the daemon with "Could not parse"."""
    if not database:
        return f"sqlite:///{data_dir / 'secondchance.db'}"
    if "://" in database:
        return database
    return f"sqlite:///{data_dir / Path(database).expanduser()}"
