"""Which submission is current is asked of every stored one (collect, declare, the listing, precursor links): a NOT
EXISTS over the submissions of the same installation and period comparing file dates and ids. SQLite stores
file_date after model_json in each row, so each comparison walked the stored model's overflow pages: 1.9 s to find
the current products of 1,000 submissions, growing with the square of their number. An index that holds every
compared column answers it without reading the rows (0.1 s); it replaces the index on installation and period,
which is its prefix."""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("submissions_current", "submissions",
                    ["installation_id", "period_start", "period_end", "file_date"])
    op.execute("DROP INDEX IF EXISTS submissions_by_installation")  # absent from workspaces older than Alembic
