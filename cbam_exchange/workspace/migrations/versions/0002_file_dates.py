"""Supersession by the file's own date instead of a stored pointer: each submission keeps its file's date and where
that date came from; which submission is current is decided when read, so two processes storing versions of one
installation at once cannot leave two current (or none)."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("file_date", sa.Text))
        batch.add_column(sa.Column("file_date_basis", sa.Text))
        batch.drop_column("superseded_by")
    with op.batch_alter_table("installations") as batch:
        batch.add_column(sa.Column("registry_id", sa.Text))
