"""secondchance: watch the job boards of companies that turned you down."""

__version__ = "0.1.0"
