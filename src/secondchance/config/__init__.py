"""The watchlist: TOML in, a validated frozen Config out."""

from secondchance.config.load import (
    Company,
    Config,
    ConfigError,
    Notify,
    Settings,
    Target,
    database_url,
    default_config_path,
    default_data_dir,
    load,
)

__all__ = [
    "Company",
    "Config",
    "ConfigError",
    "Notify",
    "Settings",
    "Target",
    "database_url",
    "default_config_path",
    "default_data_dir",
    "load",
]
