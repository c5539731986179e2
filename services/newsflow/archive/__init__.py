"""The archive: a sink that writes the enriched, quote and entity topics into a database
(SQLite by default, PostgreSQL for scale) exactly once, and the search over it.

One module per job: ``schema`` (the tables), ``database`` (the engine and the Alembic
migrations run on start), ``rows`` (messages to rows, checked), ``store`` (one batch's rows
and offsets in one transaction), ``sink`` (the Kafka loop), ``queries`` (search, the same
for HTTP and CLI), ``api`` (the HTTP app), ``retention`` (purge), ``observe`` (metrics).
"""
