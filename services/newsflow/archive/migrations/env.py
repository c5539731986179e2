"""Alembic's environment: migrations run on the connection database.migrate passes in
(``config.attributes["connection"]``), online only."""

from alembic import context

from newsflow.archive.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
