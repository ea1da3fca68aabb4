"""Importers: what proposes watchlist entries: the board behind a careers page
(discover.py)."""
