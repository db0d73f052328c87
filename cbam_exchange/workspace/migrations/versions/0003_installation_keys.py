"""Installation keys: every key a file identified its installation by (CBAM Registry identifier, place key), so that
an installation seen once without and once with a Registry identifier is one installation (workspace/identity.py).
Existing workspaces get the keys of their stored submissions; installations that these keys show to be one are
joined as a new collect would join them."""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("installation_keys", sa.Column("key", sa.Text, primary_key=True),
                    sa.Column("installation_id", sa.Text, sa.ForeignKey("installations.id"), primary_key=True))
    op.create_index("installation_keys_by_installation", "installation_keys", ["installation_id"])
    from cbam_exchange.workspace.identity import resolve, stored_keys

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT s.installation_id, s.model_json, i.name, i.country_code, i.unlocode, "
                                "i.registry_id FROM submissions s JOIN installations i ON i.id = s.installation_id "
                                "ORDER BY s.id")).all()
    for old, model_json, name, country, unlocode, registry in rows:
        try:
            model = json.loads(model_json)
        except ValueError:
            model = {}
        keys = stored_keys(model)
        if keys is None:  # nothing to identify it by (a workspace from before the model was stored): as it is
            conn.execute(sa.text("INSERT INTO installation_keys (key, installation_id) VALUES (:k, :i) "
                                 "ON CONFLICT DO NOTHING"), {"k": "id|" + old, "i": old})
            continue
        new = resolve(conn, keys, name, country, unlocode, registry)
        if new != old:
            conn.execute(sa.text("UPDATE submissions SET installation_id = :new WHERE installation_id = :old"),
                         {"new": new, "old": old})
    orphans = "SELECT id FROM installations WHERE id NOT IN (SELECT installation_id FROM submissions)"
    conn.execute(sa.text(f"DELETE FROM installation_keys WHERE installation_id IN ({orphans})"))
    conn.execute(sa.text(f"DELETE FROM installations WHERE id IN ({orphans})"))
