"""Persistence: SQLModel tables, engine set-up, Alembic migrations, CRUD functions."""
