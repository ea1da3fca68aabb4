"""Alembic environment: always driven from secondchance.storage.migrate(), never a CLI ini."""

from __future__ import annotations

from alembic import context

from secondchance.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things in place
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
