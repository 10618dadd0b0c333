"""Alembic migrations of the API database (applied by ``stockwise admin migrate``)."""
