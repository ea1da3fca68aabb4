"""secondchance: watch the job boards of companies that turned you down."""

import sys

__version__ = "0.1.0"

# `import httpx` also imports httpx's command-line client whenever click, rich and
# pygments are installed (apprise and rich bring them here): about 4 MB resident
# and 40 ms per process, for a CLI secondchance never runs. httpx takes a failed
# import of it to mean "the CLI extras are not installed" (httpx/__init__.py).
if "httpx._main" not in sys.modules:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
