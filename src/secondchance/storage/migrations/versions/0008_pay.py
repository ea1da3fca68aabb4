"""postings.pay_*: a posting's pay; every board read again once, so pay appears

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pay_currency", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("pay_min", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("pay_max", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("pay_period", sa.String(length=5), nullable=True))
    # A board that answers 304, or the same bytes, is not read again: without its
    # validators every board is read once more by this release, and its pay stored.
    # That first read only refreshes the snapshot (readers that read pay have a new
    # version, and a change of pay is never an alert).
    op.execute(
        "UPDATE sources SET etag = NULL, last_modified = NULL, body_hash = NULL, "
        "page_validators = NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_column("pay_period")
        batch_op.drop_column("pay_max")
        batch_op.drop_column("pay_min")
        batch_op.drop_column("pay_currency")
