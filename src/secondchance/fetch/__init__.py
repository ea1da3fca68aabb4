"""Fetch: the polite HTTP client every board is read through, and the fetch of one
board, page by page, conditionally where it allows."""
