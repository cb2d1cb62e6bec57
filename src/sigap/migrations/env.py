"""Alembic environment: runs migrations online against the URL given by sigap.migrations."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from sigap.db import with_driver
from sigap.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("sigap.migrations sets sqlalchemy.url")
connectable = create_engine(with_driver(url), poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
connectable.dispose()
