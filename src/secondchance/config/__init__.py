"""The watchlist: TOML in, a validated frozen Config out (config/load.py).

The package's public names; its modules each do one step of reading the watchlist.
"""

from secondchance.config.errors import ConfigError
from secondchance.config.load import load
from secondchance.config.model import Config, Target
from secondchance.config.paths import database_url, default_config_path, default_data_dir
from secondchance.config.tables import Notify, Server, Settings
from secondchance.config.timing import DeliveryPolicy
from secondchance.core.watchlist import Company, Rejection

__all__ = [
    "Company",
    "Config",
    "ConfigError",
    "DeliveryPolicy",
    "Notify",
    "Rejection",
    "Server",
    "Settings",
    "Target",
    "database_url",
    "default_config_path",
    "default_data_dir",
    "load",
]
