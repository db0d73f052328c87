"""Alembic environment of the workspace: run on the connection the toolkit passes (never from a URL in a file)."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
