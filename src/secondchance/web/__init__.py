"""The web dashboard and the status endpoints, on aiohttp.web: served by the daemon on
``[server] listen`` and by ``secondchance web`` against the same database. Pages only
read (through a read-only Store of their own); actions are requests written to the
database for the daemon to carry out."""
