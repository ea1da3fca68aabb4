"""sources.ended_html, sources.reader, postings.emptied: a page cut short fails its
poll, a new way of reading a board refreshes its text without alerts, an emptied field
waits for the next poll's confirmation

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_html", sa.Boolean(), nullable=True))
        # Every stored snapshot was read by the first version of its kind's reader.
        batch_op.add_column(sa.Column("reader", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("emptied", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_column("emptied")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("reader")
        batch_op.drop_column("ended_html")
