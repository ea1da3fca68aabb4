"""Storage: the snapshot, each board's poll state and the outbox, in SQLAlchemy Core
over SQLite or PostgreSQL (schema.py declares the tables; database.py opens them)."""


class StorageError(Exception):
    """The database cannot be opened or migrated; the message says which.

    Here rather than in database.py: the command line catches it in every process,
    and importing SQLAlchemy only to name it would cost each one a tenth of a second.
    """
