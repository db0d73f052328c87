"""The workspace as it was before Alembic (SQLite user_version 1): files, installations, submissions and what was
read from them."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("files", sa.Column("sha256", sa.Text, primary_key=True), sa.Column("path", sa.Text, nullable=False),
                    sa.Column("first_seen", sa.Text, nullable=False), sa.Column("status", sa.Text, nullable=False),
                    sa.Column("error", sa.Text))
    op.create_table("installations", sa.Column("id", sa.Text, primary_key=True), sa.Column("name", sa.Text),
                    sa.Column("country_code", sa.Text), sa.Column("unlocode", sa.Text))
    op.create_table("submissions", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("sha256", sa.Text, sa.ForeignKey("files.sha256"), nullable=False, unique=True),
                    sa.Column("installation_id", sa.Text, sa.ForeignKey("installations.id"), nullable=False),
                    sa.Column("period_start", sa.Text), sa.Column("period_end", sa.Text),
                    sa.Column("format", sa.Text), sa.Column("template_version", sa.Text),
                    sa.Column("collected_at", sa.Text, nullable=False),
                    sa.Column("errors", sa.Integer, nullable=False), sa.Column("warnings", sa.Integer, nullable=False),
                    sa.Column("superseded_by", sa.Integer, sa.ForeignKey("submissions.id")),
                    sa.Column("model_json", sa.Text, nullable=False))
    op.create_table("findings", sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
                    sa.Column("rule", sa.Text, nullable=False), sa.Column("severity", sa.Text, nullable=False),
                    sa.Column("sheet", sa.Text), sa.Column("cell", sa.Text), sa.Column("path", sa.Text),
                    sa.Column("message", sa.Text, nullable=False), sa.Column("fingerprint", sa.Text, nullable=False))
    op.create_table("products", sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
                    sa.Column("row", sa.Integer, nullable=False), sa.Column("cn_code", sa.Text),
                    sa.Column("name", sa.Text), sa.Column("process", sa.Text), sa.Column("see_direct", sa.Float),
                    sa.Column("see_indirect", sa.Float), sa.Column("see_total", sa.Float),
                    sa.Column("carbon_price_effective", sa.Float), sa.Column("currency", sa.Text))
    op.create_table("processes",
                    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
                    sa.Column("process", sa.Text, nullable=False), sa.Column("name", sa.Text),
                    sa.Column("category", sa.Text), sa.Column("see_direct", sa.Float),
                    sa.Column("see_indirect", sa.Float))
    op.create_table("precursor_links",
                    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
                    sa.Column("precursor", sa.Text, nullable=False),
                    sa.Column("upstream_submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
                    sa.Column("see_declared", sa.Float), sa.Column("see_upstream", sa.Float))
    op.create_index("submissions_by_installation", "submissions", ["installation_id", "period_start", "period_end"])
    op.create_index("products_by_cn", "products", ["cn_code"])
